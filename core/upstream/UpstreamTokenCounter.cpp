#include "UpstreamTokenCounter.h"

#include "protocol/JsonSplice.h"
#include "protocol/Request.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/openai/OpenAiRequestCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

namespace {

QString trimmedBase(const QString &apiBase)
{
    QString base = apiBase.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base;
}

// The text of an OpenAI message's content: a string, or the text of its parts.
QString contentText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QStringList parts;
    for (const QJsonValue &part : content.toArray()) {
        const QString text = part.toObject().value(QLatin1String("text")).toString();
        if (!text.isEmpty())
            parts.append(text);
    }
    return parts.join(QLatin1Char('\n'));
}

// llama.cpp's /tokenize takes plain text: the conversation's contents and tool call
// arguments, one message a paragraph. The chat template's few tokens are not counted.
QString promptText(const QJsonArray &messages)
{
    QStringList lines;
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        const QString text = contentText(message.value(QLatin1String("content")));
        if (!text.isEmpty())
            lines.append(text);
        for (const QJsonValue &call : message.value(QLatin1String("tool_calls")).toArray()) {
            const QJsonObject function = call.toObject().value(QLatin1String("function")).toObject();
            lines.append(function.value(QLatin1String("name")).toString() + QLatin1Char(' ') +
                         function.value(QLatin1String("arguments")).toString());
        }
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString UpstreamTokenCounter::baseWithoutV1(const QString &apiBase)
{
    QString base = trimmedBase(apiBase);
    if (base.endsWith(QLatin1String("/v1")))
        base.chop(3);
    return base;
}

Expected<TokenCountRequest, QString> UpstreamTokenCounter::buildRequest(TokenCountApi api, const QString &apiBase,
                                                                        const QString &upstreamModel,
                                                                        const QString &apiKey,
                                                                        const QByteArray &anthropicBody)
{
    TokenCountRequest request;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(anthropicBody, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return unexpected(QStringLiteral("the body is not a JSON object"));
    request.headers.append({QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")});

    if (api == TokenCountApi::Anthropic) {
        QString base = trimmedBase(apiBase);
        if (!base.endsWith(QLatin1String("/v1")))
            base += QLatin1String("/v1");
        request.url = QUrl(base + QLatin1String("/messages/count_tokens"));
        // The client's bytes with only the model changed, as the pass-through sends them.
        if (std::optional<QByteArray> spliced =
                withTopLevelString(anthropicBody, QLatin1String("model"), upstreamModel)) {
            request.body = std::move(*spliced);
        } else {
            QJsonObject body = document.object();
            body.insert(QLatin1String("model"), upstreamModel);
            request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        request.headers.append({QByteArrayLiteral("anthropic-version"), QByteArray(kAnthropicVersion)});
        if (!apiKey.isEmpty())
            request.headers.append({QByteArrayLiteral("x-api-key"), apiKey.toUtf8()});
        return request;
    }

    Request canonical;
    if (const Expected<void, ApiError> decoded = AnthropicRequestCodec::decode(document.object(), canonical);
        !decoded.hasValue()) {
        return unexpected(decoded.error().message);
    }
    const QJsonArray messages = OpenAiRequestCodec::encode(canonical).value(QLatin1String("messages")).toArray();
    request.url = QUrl(baseWithoutV1(apiBase) + QLatin1String("/tokenize"));
    if (!apiKey.isEmpty())
        request.headers.append({QByteArrayLiteral("authorization"), QByteArrayLiteral("Bearer ") + apiKey.toUtf8()});
    QJsonObject body;
    if (api == TokenCountApi::Vllm) {
        body.insert(QLatin1String("model"), upstreamModel);
        body.insert(QLatin1String("messages"), messages);
    } else {
        body.insert(QLatin1String("content"), promptText(messages));
    }
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

Expected<qint64, QString> UpstreamTokenCounter::parseResponse(TokenCountApi api, const QByteArray &responseBody)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(responseBody, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return unexpected(QStringLiteral("the answer is not a JSON object"));
    const QJsonObject object = document.object();
    const QJsonValue error = object.value(QLatin1String("error"));
    if (!error.isUndefined() && !error.isNull()) {
        const QString message = error.isObject() ? error.toObject().value(QLatin1String("message")).toString()
                                                 : error.toVariant().toString();
        return unexpected(QStringLiteral("the upstream answered an error: %1").arg(message));
    }
    const auto count = [&](const char *key) -> Expected<qint64, QString> {
        const QJsonValue value = object.value(QLatin1String(key));
        if (!value.isDouble() || value.toDouble() < 0 || value.toDouble() != double(qint64(value.toDouble())))
            return unexpected(QStringLiteral("the answer has no whole %1").arg(QLatin1String(key)));
        return qint64(value.toDouble());
    };
    const auto tokensLength = [&]() -> Expected<qint64, QString> {
        const QJsonValue tokens = object.value(QLatin1String("tokens"));
        if (!tokens.isArray())
            return unexpected(QStringLiteral("the answer has no tokens array"));
        return qint64(tokens.toArray().size());
    };
    switch (api) {
    case TokenCountApi::Anthropic: return count("input_tokens");
    case TokenCountApi::Vllm:
        if (object.contains(QLatin1String("count")))
            return count("count");
        return tokensLength();
    case TokenCountApi::LlamaCpp: return tokensLength();
    }
    return unexpected(QStringLiteral("unknown counting API"));
}

} // namespace sb
