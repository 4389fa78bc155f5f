#pragma once

#include "Expected.h"

#include "HttpClientPool.h"
#include "UpstreamTokenCounter.h"
#include "config/GatewayConfig.h"
#include "protocol/ApiError.h"
#include "protocol/Codec.h"
#include "protocol/Dialect.h"
#include "protocol/Request.h"
#include "protocol/Response.h"
#include "routing/AttemptFailure.h"

#include <QJsonObject>

#include <memory>
#include <optional>

namespace sb {

// What one attempt sends upstream: the client's request as it came and, unless it passes
// through, decoded to the canonical model.
struct UpstreamCall
{
    ClientDialect clientDialect = ClientDialect::Anthropic;
    const QJsonObject *clientBody = nullptr; // as the client sent it
    const QByteArray *clientBytes = nullptr; // the same body as received, when at hand
    const Request *request = nullptr;        // canonical (model and stream already set); null on pass-through
    bool stream = false;
    QByteArray anthropicVersion; // the client's headers, forwarded to Anthropic-format upstreams
    QByteArray anthropicBeta;
};

// The verdict on a failed attempt: what the client is told, and what the router makes of it.
struct UpstreamVerdict
{
    ApiError error;
    AttemptFailure failure = AttemptFailure::ServerError;
};

// Everything Switchboard knows about one kind of upstream: how to address it, encode a request
// for it, read its answers and errors, and say in words what went wrong. The exchange, the
// gateway and the probes ask the adapter instead of switching on the provider, so adding a
// provider is one adapter (and its fixture test). Adapters are stateless.
class UpstreamAdapter
{
public:
    virtual ~UpstreamAdapter() = default;
    static const UpstreamAdapter &of(Provider provider);

    // "ollama", "openai" or "anthropic": the name records and metrics use.
    virtual QString name() const = 0;
    // True when requests of this client dialect go through with only the model changed and
    // the answer's bytes are relayed unchanged (the client's fields and betas survive).
    virtual bool passesThrough(ClientDialect client) const;
    // URL, headers and body for one attempt; timeouts are the caller's.
    virtual HttpRequest buildRequest(const Deployment &deployment, const UpstreamCall &call) const = 0;
    virtual std::unique_ptr<StreamDecoder> makeStreamDecoder() const = 0;
    virtual Expected<void, ApiError> decodeResponse(const QJsonObject &body, Response &out) const = 0;
    virtual ApiError decodeError(int status, const QByteArray &body) const = 0;
    // The exact prompt-token counter this upstream offers, if any.
    virtual std::optional<TokenCountApi> tokenCountApi(const Deployment &deployment) const;

    // An upstream answer with status >= 300. `relayed`: the client gets the upstream's own
    // bytes (pass-through), so the message stays as the upstream wrote it.
    UpstreamVerdict judgeAnswer(const Deployment &deployment, int status, const HttpHeaders &headers,
                                const QByteArray &body, bool relayed, qint64 estimatedPromptTokens) const;
    // A connection that failed or broke: the error in words, with what to check.
    UpstreamVerdict judgeFailure(const Deployment &deployment, const HttpFailure &failure) const;

protected:
    // Content-Type and Accept for a request to `url` (streamed or not).
    static HttpRequest jsonRequest(const QUrl &url, bool stream);
    // The canonical request to encode for `deployment`: call.request itself, or a copy in
    // `storage` with mid-conversation system entries folded into user turns
    // (Deployment::foldSystemMessages); no copy when there is nothing to fold.
    static const Request &requestFor(const Deployment &deployment, const UpstreamCall &call, Request &storage);
    static QByteArray compactJson(const QJsonObject &object);
    // api_base joined with `path` ("/v1/messages"), however many slashes api_base ends with.
    static QUrl endpoint(const Deployment &deployment, const char *path);
    // What to add to an upstream's own error text, e.g. how to get a missing model.
    virtual QString errorHint(const Deployment &deployment, int status) const;
    // Words for a refused connection.
    virtual QString refusedHint(const Deployment &deployment) const;
};

} // namespace sb
