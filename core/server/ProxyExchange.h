#pragma once

#include "RequestRecord.h"
#include "config/GatewayConfig.h"
#include "protocol/Codec.h"
#include "protocol/Request.h"
#include "upstream/HttpClientPool.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace sb {

class ClientConnection;

enum class ClientDialect { Anthropic, OpenAi };

// Everything one proxied request needs to know about the client's request.
struct ClientRequest
{
    ClientDialect dialect = ClientDialect::Anthropic;
    QJsonObject body;
    qint64 bodyBytes = 0;
    QByteArray anthropicVersion;
    QByteArray anthropicBeta;
};

// Settings a request takes from the gateway at the moment it starts.
struct ExchangeSettings
{
    int pingIntervalMs = 10000;
    int connectTimeoutMs = 5000;
    double requestTimeoutSeconds = 600;
    double streamIdleTimeoutSeconds = 300;
};

// One client request on its way to an upstream and back: translates the request,
// sends it through the pool, turns the upstream's bytes into the client's dialect as they
// arrive (or relays them unchanged on pass-through), keeps the client alive with pings,
// and reports a RequestRecord when done. Deletes itself when finished.
class ProxyExchange final : public QObject, public HttpResponseHandler
{
    Q_OBJECT
public:
    ProxyExchange(HttpClientPool *pool, const ExchangeSettings &settings, ClientConnection *client,
                  RequestRecord record, QObject *parent = nullptr);
    ~ProxyExchange() override;

    void start(const ClientRequest &request, const Deployment &deployment);
    // Gateway shutdown: end the answer now, with an error event if it is streaming.
    void cut(const QString &reason);

    void httpResponseHead(int status, const HttpHeaders &headers) override;
    void httpResponseBody(const char *data, qsizetype size) override;
    void httpResponseEnd() override;
    void httpFailed(const HttpFailure &failure) override;

Q_SIGNALS:
    void finished(const sb::RequestRecord &record);

private:
    bool buildUpstreamRequest(const ClientRequest &request, HttpRequest &out);
    void commitStream();
    void handleEvents(StreamEvents &events);
    void noteEvent(const StreamEvent &event);
    void sendError(const ApiError &error);
    void finishUpstreamError();
    void finishNonStreaming();
    void onPing();
    void onClientGone();
    void applyBackpressure();
    void complete(int status);
    QString describeFailure(const HttpFailure &failure) const;
    QByteArray encodeClientError(const ApiError &error) const;

    HttpClientPool *m_pool;
    ExchangeSettings m_settings;
    QPointer<ClientConnection> m_client;
    RequestRecord m_record;
    Deployment m_deployment;
    ClientDialect m_dialect = ClientDialect::Anthropic;
    bool m_stream = false;
    bool m_passthrough = false;
    bool m_done = false;
    bool m_sawMessageStart = false;
    bool m_upstreamPaused = false;
    quint64 m_upstreamId = 0;
    int m_upstreamStatus = 0;
    HttpHeaders m_upstreamHeaders;
    QByteArray m_body;  // non-streaming answer or an upstream error body
    qint64 m_estimatedInputTokens = 0;
    QString m_messageId;
    std::unique_ptr<StreamDecoder> m_decoder;
    std::unique_ptr<StreamEncoder> m_encoder;
    StreamEvents m_events;
    QByteArray m_out;
    QTimer m_ping;
    QElapsedTimer m_clock;
};

} // namespace sb
