#pragma once

#include "Expected.h"

#include "UpstreamAdapter.h"

namespace sb {

class OpenAiCompatibleAdapter final : public UpstreamAdapter
{
public:
    QString name() const override;
    // POST {api_base}/chat/completions with a Bearer key; max_tokens capped by the deployment.
    HttpRequest buildRequest(const Deployment &deployment, const UpstreamCall &call) const override;
    std::unique_ptr<StreamDecoder> makeStreamDecoder() const override;
    Expected<void, ApiError> decodeResponse(const QJsonObject &body, Response &out) const override;
    ApiError decodeError(int status, const QByteArray &body) const override;
    // vLLM (hosted_vllm/) and llama.cpp's server (openai/ on a host that is not OpenAI's)
    // count with /tokenize.
    std::optional<TokenCountApi> tokenCountApi(const Deployment &deployment) const override;
};

} // namespace sb
