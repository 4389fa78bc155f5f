#include "OllamaAdapter.h"

#include "protocol/ollama/OllamaErrorCodec.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"
#include "protocol/ollama/OllamaRequestCodec.h"
#include "protocol/ollama/OllamaResponseCodec.h"

namespace sb {

QString OllamaAdapter::name() const
{
    return QStringLiteral("ollama");
}

HttpRequest OllamaAdapter::buildRequest(const Deployment &deployment, const UpstreamCall &call) const
{
    HttpRequest out = jsonRequest(endpoint(deployment, "/api/chat"), call.stream);
    Request folded;
    OllamaOptions options;
    options.numCtx = deployment.contextLength > 0 ? deployment.contextLength : kDefaultOllamaContext;
    options.keepAlive = deployment.keepAlive;
    out.body = OllamaRequestCodec::encodeBytes(requestFor(deployment, call, folded), options);
    return out;
}

std::unique_ptr<StreamDecoder> OllamaAdapter::makeStreamDecoder() const
{
    return std::make_unique<OllamaNdjsonDecoder>();
}

Expected<void, ApiError> OllamaAdapter::decodeResponse(const QJsonObject &body, Response &out) const
{
    return OllamaResponseCodec::decode(body, out);
}

ApiError OllamaAdapter::decodeError(int status, const QByteArray &body) const
{
    return OllamaErrorCodec::decode(status, body);
}

QString OllamaAdapter::errorHint(const Deployment &deployment, int status) const
{
    if (status == 404)
        return QStringLiteral(" — run `ollama pull %1`").arg(deployment.upstreamModel);
    return {};
}

QString OllamaAdapter::refusedHint(const Deployment &) const
{
    return QStringLiteral(" — is `ollama serve` running?");
}

} // namespace sb
