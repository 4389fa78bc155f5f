#pragma once

#include "Expected.h"

#include "UpstreamAdapter.h"

namespace sb {

class AnthropicAdapter final : public UpstreamAdapter
{
public:
    QString name() const override;
    // Anthropic clients pass through: only `model` changes, every field and beta survives.
    bool passesThrough(ClientDialect client) const override;
    // POST {api_base}/v1/messages with x-api-key, the client's anthropic-version and -beta.
    HttpRequest buildRequest(const Deployment &deployment, const UpstreamCall &call) const override;
    std::unique_ptr<StreamDecoder> makeStreamDecoder() const override;
    Expected<void, ApiError> decodeResponse(const QJsonObject &body, Response &out) const override;
    ApiError decodeError(int status, const QByteArray &body) const override;
    std::optional<TokenCountApi> tokenCountApi(const Deployment &deployment) const override;
};

} // namespace sb
