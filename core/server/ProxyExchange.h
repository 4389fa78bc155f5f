#pragma once

#include "config/GatewayConfig.h"
#include "protocol/Codec.h"
#include "protocol/Dialect.h"
#include "protocol/Request.h"
#include "protocol/StreamAggregator.h"
#include "routing/Router.h"
#include "upstream/HttpClientPool.h"
#include "upstream/UpstreamAdapter.h"
#include "usage/RequestRecord.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace sb {
class UsageTap;
}

namespace sb {

class ClientConnection;

// Everything one proxied request needs to know about the client's request.
struct ClientRequest
{
    ClientDialect dialect = ClientDialect::Anthropic;
    QJsonObject body;
    // The body decoded once at the door. When the decoder refused it, only an upstream that
    // passes the body through can serve it; every other attempt answers `decodeError`.
    Request canonical;
    std::optional<ApiError> decodeError;
    qint64 bodyBytes = 0;
    QByteArray anthropicVersion;
    QByteArray anthropicBeta;
    QByteArray rawBody; // the body as received (shared, not copied)
};

// Settings a request takes from the gateway at the moment it starts.
struct ExchangeSettings
{
    int pingIntervalMs = int(defaults::kPingIntervalSeconds * 1000);
    int connectTimeoutMs = int(defaults::kConnectTimeoutSeconds * 1000);
    double requestTimeoutSeconds = defaults::kRequestTimeoutSeconds;
    double streamIdleTimeoutSeconds = defaults::kStreamIdleTimeoutSeconds;
    double firstByteTimeoutSeconds = defaults::kFirstByteTimeoutSeconds; // 0: bounded by the total timeout only
};

// One client request on its way to an upstream and back: asks the router for a deployment,
// translates the request, sends it through the pool, turns the upstream's bytes into the
// client's dialect as they arrive (or relays them unchanged on pass-through), keeps the
// client alive with pings, retries other deployments and fallback groups while nothing of
// the answer has reached the client, and reports a RequestRecord when done. Deletes itself
// when finished.
class ProxyExchange final : public QObject, public HttpResponseHandler
{
    Q_OBJECT
public:
    ProxyExchange(HttpClientPool *pool, std::shared_ptr<Router> router, const ExchangeSettings &settings,
                  ClientConnection *client, RequestRecord record, QObject *parent = nullptr);
    ~ProxyExchange() override;

    void start(ClientRequest clientRequest, const RouteRequest &route, const RoutePlan &plan);
    // A deployment slot freed up: a request waiting in the queue tries again.
    void resume();
    bool isWaiting() const { return m_waiting; }
    // Gateway shutdown: end the answer now, with an error event if it is streaming.
    void cut(const QString &reason);
    // A complete, successful answer is handed to `store` as an Anthropic message JSON (the
    // response cache's value format).
    void setCacheStore(std::function<void(const QByteArray &message)> store);
    // Called with the deployment and the prompt tokens it reported, on success.
    void setReportedTokens(std::function<void(const QString &deploymentId, qint64 inputTokens)> report);
    // The usage tap counts the request in flight on its first deployment (a direct call: one
    // connection per exchange cost more than the counting itself).
    void setUsageTap(UsageTap *tap) { m_usageTap = tap; }

    void httpResponseHead(int status, const HttpHeaders &headers) override;
    void httpResponseBody(const char *data, qsizetype size) override;
    void httpResponseEnd() override;
    void httpFailed(const HttpFailure &failure) override;

Q_SIGNALS:
    void finished(const sb::RequestRecord &record);
    // Every deployment that could serve the request is at its parallel limit: wait for a slot.
    void waitingForCapacity();

private:
    void nextAttempt();
    void attempt(const Deployment &deployment);
    void attemptFailed(AttemptFailure failure, const ApiError &error, int retryAfterSeconds);
    bool canRetry() const;
    void giveUp();
    void endAttempt();
    std::optional<HttpRequest> buildUpstreamRequest();
    void commitStream();
    void handleEvents(StreamEvents &events);
    void markContentSent();
    void endRelayWithError(const StreamEvent &failure);
    void noteEvent(const StreamEvent &event);
    void sendError(const ApiError &error);
    void finishUpstreamError();
    void finishNonStreaming();
    void onPing();
    void onClientGone();
    void applyBackpressure();
    void complete(int status);
    void storeInCache();
    QByteArray encodeClientError(const ApiError &error) const;

    HttpClientPool *m_pool;
    std::shared_ptr<Router> m_router;
    ExchangeSettings m_settings;
    ClientRequest m_request;
    RouteRequest m_route;
    QStringList m_groups;        // the plan's group, then its fallbacks
    QStringList m_contextGroups; // used once a prompt proved too long
    int m_groupIndex = 0;
    QStringList m_tried; // deployment ids tried in this round
    int m_attempts = 0;
    int m_rounds = 0;           // full passes over the groups after backoff
    bool m_attemptOpen = false; // router bookkeeping is open for m_deployment
    bool m_contentSent = false; // a content event reached the client: no more retries
    bool m_waiting = false;
    QTimer m_queueDeadline;
    qint64 m_soonestMs = -1;     // when the first busy/cooling deployment frees up
    qint64 m_rateLimitedMs = -1; // >= 0: the group was over its rpm/tpm; when it frees up
    int m_contextSkipped = 0;    // > 0: deployments were skipped as too small; the largest context
    std::optional<ApiError> m_lastError;
    int m_lastStatus = 0; // pass-through: the upstream's own error, relayed unchanged
    HttpHeaders m_lastHeaders;
    QByteArray m_lastBody;
    bool m_lastWasPassthrough = false;
    bool m_lastRetryable = false; // the last failure may pass with time (a backoff round helps)
    QPointer<ClientConnection> m_client;
    RequestRecord m_record;
    Deployment m_deployment;
    const UpstreamAdapter *m_adapter = nullptr; // m_deployment's provider
    int m_requestedMaxTokens = 0;               // the client's max_tokens, before a deployment's cap
    ClientDialect m_dialect = ClientDialect::Anthropic;
    bool m_stream = false;
    bool m_passthrough = false; // the request body is forwarded with only the model changed
    bool m_relay = false;       // ... and the upstream's bytes go to the client unchanged
    bool m_done = false;
    bool m_upstreamPaused = false;
    quint64 m_upstreamId = 0;
    int m_upstreamStatus = 0;
    HttpHeaders m_upstreamHeaders;
    QByteArray m_body; // non-streaming answer or an upstream error body
    qint64 m_estimatedInputTokens = 0;
    QString m_messageId;
    std::unique_ptr<StreamDecoder> m_decoder;
    std::unique_ptr<StreamEncoder> m_encoder;
    StreamEvents m_events;
    std::function<void(const QByteArray &)> m_cacheStore;
    std::function<void(const QString &, qint64)> m_reportTokens;
    QPointer<UsageTap> m_usageTap;
    StreamAggregator m_aggregator; // the streamed answer, kept only for the cache
    QByteArray m_out;
    QTimer m_ping;
    QElapsedTimer m_clock;
};

} // namespace sb
