#include "AnthropicResponseCodec.h"

#include "AnthropicContentCodec.h"
#include "protocol/IdGenerator.h"

#include <QJsonArray>

namespace sb {

namespace {
qint64 orZero(qint64 value)
{
    return value < 0 ? 0 : value;
}
} // namespace

QJsonObject AnthropicResponseCodec::encode(const Response &response)
{
    QJsonObject usage;
    usage.insert(QLatin1String("input_tokens"), orZero(response.usage.inputTokens));
    usage.insert(QLatin1String("output_tokens"), orZero(response.usage.outputTokens));
    usage.insert(QLatin1String("cache_creation_input_tokens"), response.usage.cacheWriteTokens);
    usage.insert(QLatin1String("cache_read_input_tokens"), response.usage.cacheReadTokens);

    QJsonObject body;
    body.insert(QLatin1String("id"), response.id.isEmpty() ? IdGenerator::messageId() : response.id);
    body.insert(QLatin1String("type"), QLatin1String("message"));
    body.insert(QLatin1String("role"), QLatin1String("assistant"));
    body.insert(QLatin1String("model"), response.model);
    body.insert(QLatin1String("content"), AnthropicContentCodec::encodeParts(response.content));
    const QString stopReason = stopReasonName(response.stopReason);
    body.insert(QLatin1String("stop_reason"), stopReason.isEmpty() ? QJsonValue() : QJsonValue(stopReason));
    body.insert(QLatin1String("stop_sequence"),
                response.stopSequence.isEmpty() ? QJsonValue() : QJsonValue(response.stopSequence));
    body.insert(QLatin1String("usage"), usage);
    return body;
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
