#include "OpenAiCompatibleAdapter.h"

#include "protocol/openai/OpenAiErrorCodec.h"
#include "protocol/openai/OpenAiRequestCodec.h"
#include "protocol/openai/OpenAiResponseCodec.h"
#include "protocol/openai/OpenAiSseDecoder.h"

namespace sb {

QString OpenAiCompatibleAdapter::name() const
{
    return QStringLiteral("openai");
}

HttpRequest OpenAiCompatibleAdapter::buildRequest(const Deployment &deployment, const UpstreamCall &call) const
{
    if (!deployment.azureApiVersion.isEmpty()) {
        // Azure OpenAI: the deployment is in the path, the version in the query, the key in api-key.
        QUrl url = endpoint(deployment, "/openai/deployments/");
        url.setPath(url.path() + deployment.upstreamModel + QStringLiteral("/chat/completions"));
        url.setQuery(QStringLiteral("api-version=") +
                     QString::fromLatin1(QUrl::toPercentEncoding(deployment.azureApiVersion)));
        HttpRequest out = jsonRequest(url, call.stream);
        if (!deployment.apiKey.isEmpty())
            out.headers.append({QByteArrayLiteral("api-key"), deployment.apiKey.toUtf8()});
        Request folded;
        OpenAiEncodeOptions options;
        options.maxTokensCap = deployment.maxOutputTokens;
        out.body = OpenAiRequestCodec::encodeBytes(requestFor(deployment, call, folded), options);
        return out;
    }
    HttpRequest out = jsonRequest(endpoint(deployment, "/chat/completions"), call.stream);
    if (!deployment.apiKey.isEmpty())
        out.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + deployment.apiKey.toUtf8()});
    Request folded;
    OpenAiEncodeOptions options;
    options.maxTokensCap = deployment.maxOutputTokens;
    out.body = OpenAiRequestCodec::encodeBytes(requestFor(deployment, call, folded), options);
    return out;
}

std::unique_ptr<StreamDecoder> OpenAiCompatibleAdapter::makeStreamDecoder() const
{
    return std::make_unique<OpenAiSseDecoder>();
}

Expected<void, ApiError> OpenAiCompatibleAdapter::decodeResponse(const QJsonObject &body, Response &out) const
{
    return OpenAiResponseCodec::decode(body, out);
}

ApiError OpenAiCompatibleAdapter::decodeError(int status, const QByteArray &body) const
{
    return OpenAiErrorCodec::decode(status, body);
}

std::optional<TokenCountApi> OpenAiCompatibleAdapter::tokenCountApi(const Deployment &deployment) const
{
    if (deployment.apiBase.host().endsWith(QStringLiteral("openai.com")))
        return std::nullopt;
    if (deployment.model.startsWith(QStringLiteral("hosted_vllm/")) ||
        deployment.model.startsWith(QStringLiteral("vllm/")))
        return TokenCountApi::Vllm;
    // llamafile is llama.cpp's server.
    if (deployment.model.startsWith(QStringLiteral("openai/")) ||
        deployment.model.startsWith(QStringLiteral("llamafile/")))
        return TokenCountApi::LlamaCpp;
    return std::nullopt;
}

} // namespace sb
