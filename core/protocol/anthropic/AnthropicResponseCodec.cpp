#include "AnthropicResponseCodec.h"

#include "AnthropicContentCodec.h"
#include "protocol/IdGenerator.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sb {

namespace {
qint64 orZero(qint64 value)
{
    return value < 0 ? 0 : value;
}
} // namespace

QJsonObject AnthropicResponseCodec::encode(const Response &response)
{
    return QJsonDocument::fromJson(encodeBytes(response)).object();
}

QByteArray AnthropicResponseCodec::encodeBytes(const Response &response)
{
    QByteArray out;
    out.reserve(512);
    JsonWriter json(out);
    json.beginObject().key(QLatin1String("id")).string(response.id.isEmpty() ? IdGenerator::messageId() : response.id);
    json.key(QLatin1String("type")).string(QLatin1String("message"));
    json.key(QLatin1String("role")).string(QLatin1String("assistant"));
    json.key(QLatin1String("model")).string(response.model);
    json.key(QLatin1String("content"));
    AnthropicContentCodec::writeParts(json, response.content);
    const QString stopReason = stopReasonName(response.stopReason);
    json.key(QLatin1String("stop_reason"));
    if (stopReason.isEmpty())
        json.null();
    else
        json.string(stopReason);
    json.key(QLatin1String("stop_sequence"));
    if (response.stopSequence.isEmpty())
        json.null();
    else
        json.string(response.stopSequence);
    json.key(QLatin1String("usage")).beginObject();
    json.key(QLatin1String("input_tokens")).number(orZero(response.usage.inputTokens));
    json.key(QLatin1String("output_tokens")).number(orZero(response.usage.outputTokens));
    json.key(QLatin1String("cache_creation_input_tokens")).number(response.usage.cacheWriteTokens);
    json.key(QLatin1String("cache_read_input_tokens")).number(response.usage.cacheReadTokens);
    json.endObject().endObject();
    return out;
}

Expected<void, ApiError> AnthropicResponseCodec::decode(const QJsonObject &body, Response &out)
{
    if (body.value(QLatin1String("type")).toString() == QLatin1String("error")) {
        const QJsonObject error = body.value(QLatin1String("error")).toObject();
        return unexpected(ApiError::fromType(error.value(QLatin1String("type")).toString(),
                                             error.value(QLatin1String("message")).toString()));
    }
    const QJsonValue content = body.value(QLatin1String("content"));
    if (!content.isArray())
        return unexpected(ApiError::upstream(502, QStringLiteral("upstream answer has no content array")));

    out.id = body.value(QLatin1String("id")).toString();
    out.model = body.value(QLatin1String("model")).toString();
    const QJsonArray blocks = content.toArray();
    out.content.reserve(size_t(blocks.size()));
    const FieldPath root;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        ContentPart part;
        if (AnthropicContentCodec::decodeBlock(blocks.at(i).toObject(), FieldPath(root, i), part).hasValue())
            out.content.push_back(std::move(part));
    }
    out.stopReason = stopReasonFromName(body.value(QLatin1String("stop_reason")).toString());
    out.stopSequence = body.value(QLatin1String("stop_sequence")).toString();

    const QJsonObject usage = body.value(QLatin1String("usage")).toObject();
    bool clamped = false;
    const auto count = [&usage, &clamped](const char *key, qint64 fallback) {
        return reportedTokenCount(usage.value(QLatin1String(key)), &clamped).value_or(fallback);
    };
    out.usage.inputTokens = count("input_tokens", -1);
    out.usage.outputTokens = count("output_tokens", -1);
    out.usage.cacheWriteTokens = count("cache_creation_input_tokens", 0);
    out.usage.cacheReadTokens = count("cache_read_input_tokens", 0);
    out.usage.estimated = clamped;
    return {};
}

} // namespace sb
