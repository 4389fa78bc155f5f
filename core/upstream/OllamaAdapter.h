#pragma once

#include "Expected.h"

#include "UpstreamAdapter.h"

namespace sb {

class OllamaAdapter final : public UpstreamAdapter
{
public:
    QString name() const override;
    // POST {api_base}/api/chat with options.num_ctx (the deployment's context) and keep_alive.
    HttpRequest buildRequest(const Deployment &deployment, const UpstreamCall &call) const override;
    std::unique_ptr<StreamDecoder> makeStreamDecoder() const override;
    Expected<void, ApiError> decodeResponse(const QJsonObject &body, Response &out) const override;
    ApiError decodeError(int status, const QByteArray &body) const override;

protected:
    QString errorHint(const Deployment &deployment, int status) const override;
    QString refusedHint(const Deployment &deployment) const override;
};

} // namespace sb
