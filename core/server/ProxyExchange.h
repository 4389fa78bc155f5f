#pragma once

#include "AttemptPlan.h"
#include "ClientConnection.h"
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
class ClientStreamWriter;

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

// One client request on its way to an upstream and back. Its AttemptPlan (pure) decides which
// deployment to try next, when to wait, back off or give up; its ClientStreamWriter writes a
// streamed answer (commit, pings, encoding, backpressure, mid-stream errors); the exchange
// itself runs the lifecycle: it translates the request for each attempt, sends it through
// the pool, turns the upstream's bytes into events (or relays them unchanged on
// pass-through), keeps the Router's bookkeeping, retries while nothing of the answer has
// reached the client, and reports a RequestRecord when done. Deletes itself when finished.
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
    bool isWaiting() const { return m_phase == Phase::Waiting; }
    // Gateway shutdown: end the answer now, with an error event if it is streaming.
    void cut(const QString &reason);
    // A complete, successful answer is handed to `store` as an Anthropic message JSON (the
    // response cache's value format).
    void setCacheStore(std::function<void(const QByteArray &message)> store);
    // Called with the deployment and the prompt tokens it reported, on success.
    void setReportedTokens(std::function<void(const QString &deploymentId, qint64 inputTokens)> report);
    // The prompt tokens to announce where the upstream has not counted them yet (message_start
    // of a translated stream) or at all: the estimate calibrated for that deployment. Without
    // it, the routing estimate (about four bytes of body per token) is used.
    void setInputEstimate(std::function<qint64(const QString &deploymentId)> estimate);
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
    // One state for the whole lifecycle.
    enum class Phase {
        Routing,    // between attempts: the plan decides
        Waiting,    // queued for a parallel slot, with a deadline
        Attempting, // an upstream request is open (the Router counts it in flight)
        BackingOff, // a timer runs before the next round
        Done        // the client has its answer (or is gone); deleteLater is pending
    };

    void nextAttempt();
    void takeStep(const AttemptStep &step);
    void attempt(const Deployment &deployment);
    void attemptFailed(AttemptFailure failure, const ApiError &error, int retryAfterSeconds);
    bool canRetry() const;
    void giveUp(const AttemptStep &step);
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
    void relayWholeLines(const char *data, qsizetype size);
    void complete(int status);
    void storeInCache();
    QByteArray encodeClientError(const ApiError &error) const;
    // request-id, the deployment that answered and the scenario rule that fired, on every answer.
    ClientConnection::Headers answerHeaders(const QByteArray &contentType) const;

    HttpClientPool *m_pool;
    std::shared_ptr<Router> m_router;
    ExchangeSettings m_settings;
    ClientRequest m_request;
    RouteRequest m_route;
    AttemptPlan m_plan;
    Phase m_phase = Phase::Routing;
    bool m_contentSent = false; // a content event reached the client: no more retries
    QTimer m_queueDeadline;
    int m_lastStatus = 0; // pass-through: the upstream's own error, relayed unchanged
    HttpHeaders m_lastHeaders;
    QByteArray m_lastBody;
    QPointer<ClientConnection> m_client;
    ClientStreamWriter *m_writer = nullptr; // streams only; a child of this exchange
    RequestRecord m_record;
    Deployment m_deployment;
    const UpstreamAdapter *m_adapter = nullptr; // m_deployment's provider
    int m_requestedMaxTokens = 0;               // the client's max_tokens, before a deployment's cap
    ClientDialect m_dialect = ClientDialect::Anthropic;
    bool m_stream = false;
    bool m_passthrough = false; // the request body is forwarded with only the model changed
    bool m_relay = false;       // ... and the upstream's bytes go to the client unchanged
    bool m_upstreamPaused = false;
    quint64 m_upstreamId = 0;
    int m_upstreamStatus = 0;
    HttpHeaders m_upstreamHeaders;
    QByteArray m_body;      // non-streaming answer or an upstream error body
    QByteArray m_relayTail; // a relayed stream's line still without its newline
    qint64 m_estimatedInputTokens = 0;
    QString m_messageId;
    std::unique_ptr<StreamDecoder> m_decoder;
    StreamEvents m_events;
    std::function<void(const QByteArray &)> m_cacheStore;
    std::function<void(const QString &, qint64)> m_reportTokens;
    std::function<qint64(const QString &)> m_inputEstimate;
    QString m_inputEstimateFor; // the deployment m_announcedInputTokens was estimated for
    qint64 m_announcedInputTokens = 0;
    qint64 announcedInputTokens(); // for m_deployment, estimated once per deployment
    QPointer<UsageTap> m_usageTap;
    StreamAggregator m_aggregator; // the streamed answer, kept only for the cache
    QElapsedTimer m_clock;
};

} // namespace sb
