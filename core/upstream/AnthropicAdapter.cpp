#include "AnthropicAdapter.h"

#include "protocol/JsonSplice.h"
#include "protocol/anthropic/AnthropicErrorCodec.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "protocol/anthropic/AnthropicSseDecoder.h"

namespace sb {

QString AnthropicAdapter::name() const
{
    return QStringLiteral("anthropic");
}

bool AnthropicAdapter::passesThrough(ClientDialect client) const
{
    return client == ClientDialect::Anthropic;
}

HttpRequest AnthropicAdapter::buildRequest(const Deployment &deployment, const UpstreamCall &call) const
{
    HttpRequest out = jsonRequest(endpoint(deployment, "/v1/messages"), call.stream);
    out.headers.append({QByteArrayLiteral("anthropic-version"),
                        call.anthropicVersion.isEmpty() ? QByteArrayLiteral("2023-06-01") : call.anthropicVersion});
    if (!call.anthropicBeta.isEmpty())
        out.headers.append({QByteArrayLiteral("anthropic-beta"), call.anthropicBeta});
    if (!deployment.apiKey.isEmpty())
        out.headers.append({QByteArrayLiteral("x-api-key"), deployment.apiKey.toUtf8()});
    if (!call.request) {
        // Pass-through: only the model changes, so every field and beta Claude Code relies on
        // reaches the upstream intact. The received bytes are spliced where they can be (no
        // re-serializing of a 60 KB body); otherwise the parsed body is written anew.
        std::optional<QByteArray> spliced;
        if (call.clientBytes && !call.clientBytes->isEmpty())
            spliced = withTopLevelString(*call.clientBytes, QLatin1String("model"), deployment.upstreamModel);
        if (spliced) {
            out.body = std::move(*spliced);
        } else {
            QJsonObject body = *call.clientBody;
            body.insert(QStringLiteral("model"), deployment.upstreamModel);
            out.body = compactJson(body);
        }
    } else {
        out.body = AnthropicRequestCodec::encodeBytes(*call.request);
    }
    return out;
}

std::unique_ptr<StreamDecoder> AnthropicAdapter::makeStreamDecoder() const
{
    return std::make_unique<AnthropicSseDecoder>();
}

Expected<void, ApiError> AnthropicAdapter::decodeResponse(const QJsonObject &body, Response &out) const
{
    return AnthropicResponseCodec::decode(body, out);
}

ApiError AnthropicAdapter::decodeError(int status, const QByteArray &body) const
{
    return AnthropicErrorCodec::decode(status, body);
}

std::optional<TokenCountApi> AnthropicAdapter::tokenCountApi(const Deployment &) const
{
    return TokenCountApi::Anthropic;
}

} // namespace sb
