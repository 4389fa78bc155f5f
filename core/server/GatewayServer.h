#pragma once

#include "Expected.h"
#include "GuardedTcpServer.h"
#include "ProxyExchange.h"
#include "RequestGuard.h"
#include "config/GatewayConfig.h"
#include "routing/Router.h"
#include "usage/RequestRecord.h"
#include "usage/TokenEstimator.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <memory>

class QTcpServer;

namespace sb {

class ClientConnection;
class HttpClientPool;
class UsageTap;
class ResponseCache;

// The gateway: QHttpServer's parser in front, the endpoints of the Anthropic and OpenAI
// APIs behind, each proxied request handed to a ProxyExchange. Lives on the gateway thread.
class GatewayServer final : public QAbstractHttpServer
{
    Q_OBJECT
public:
    GatewayServer(const GatewayConfig &config, const QStringList &tokens, QObject *parent = nullptr);
    ~GatewayServer() override;

    // Binds host:port, or says why it cannot and what to do.
    Expected<void, QString> listenOn(const QString &host, quint16 port);
    quint16 serverPort() const;
    void applyConfig(const GatewayConfig &config);
    void setTokens(const QStringList &tokens);
    const Router &router() const { return *m_router; }
    int inFlight() const { return int(m_exchanges.size()); }
    // Bytes answered but not yet handed to the network (a finished stream's last events can
    // still sit in a socket's buffer): a stop waits for them before it closes the sockets.
    qint64 unsentBytes() const;
    // Usage, cost and live stats; nullptr when switchboard.usage_enabled is false.
    UsageTap *usage() const { return m_usage; }
    // Stops accepting connections; in-flight requests go on.
    void stopListening();
    // Ends every in-flight request now (streams get an error event).
    void cutAll(const QString &reason);

Q_SIGNALS:
    void requestFinished(const sb::RequestRecord &record);
    // The number of proxied requests open (queued ones included) changed; with usage off too.
    void inFlightChanged(int count);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void handle(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record);
    void proxy(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record,
               ClientDialect dialect);
    void countTokens(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record);
    void listModels(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record);
    void health(ClientConnection *client, RequestRecord &record);
    // GET /metrics, /stats, /logs: answered without a usage record of their own (scrapes
    // would fill the spend log).
    void observe(const QString &path, const QHttpServerRequest &request, ClientConnection *client);
    // The guard's rules follow the config, the tokens and the bound port.
    void refreshGuard();
    // The connection guard's head check: the refusal of a request that declares a body,
    // answered (and recorded) before the body is read.
    std::optional<QByteArray> refuseHead(const GuardedTcpServer::RequestHead &head);
    RequestRecord newRecord(const QString &method, const QString &path, const QByteArray &sessionId,
                            const QByteArray &userAgent);
    void respondError(ClientConnection *client, RequestRecord &record, ClientDialect dialect, const ApiError &error);
    void respondJson(ClientConnection *client, RequestRecord &record, int status, const QByteArray &body);
    void finishRecord(RequestRecord &record);
    void deliverRecord(const RequestRecord &record);
    std::optional<QJsonObject> parseBody(const QHttpServerRequest &request, ClientConnection *client,
                                         RequestRecord &record, ClientDialect dialect);

    GatewayConfig m_config;
    std::shared_ptr<Router> m_router;         // exchanges hold it too, so a reload cannot pull it away
    QList<QPointer<ProxyExchange>> m_waiting; // requests waiting for a deployment slot, oldest first
    void serveWaiting();
    bool m_routesWantImages = false; // a scenario rule matches on images
    static bool routesWantImages(const GatewayConfig &config);
    QStringList m_tokens;
    RequestGuard m_guard;
    HttpClientPool *m_pool;
    GuardedTcpServer *m_tcp = nullptr;
    QSet<ProxyExchange *> m_exchanges;
    // The allocator keeps freed memory for reuse, and its pages stay resident. After a burst,
    // once the gateway has been idle for a tick (2 s), the free pages go back to the system
    // (glibc malloc_trim). Under steady load too, every kBusyTrimTicks ticks: each socket's
    // 16 KB read and write chunks (Qt's) come and go with every connection, and a chunk
    // that lands on pages no earlier one touched makes them resident for good, so with
    // 1,000 streams RSS crept up ~2 MB a minute towards the whole heap (130 MB) while the
    // heap itself stayed the same size. Trimming there takes ~0.1 ms.
    static constexpr int kBusyTrimTicks = 5;
    QTimer m_idleTrimTimer;
    quint64 m_finishedSinceTrim = 0;
    quint64 m_finishedAtLastTick = 0;
    int m_busyTicks = 0;
    void trimHeap();
    QElapsedTimer m_uptime;
    quint64 m_requestCounter = 0;
    UsageTap *m_usage = nullptr;
    ResponseCache *m_cache = nullptr;
    TokenEstimator m_estimator;               // calibrated per deployment from reported counts
    QHash<QString, int> m_calibrationSamples; // requests seen per group, to sample calibration
    const Deployment *countingDeployment(const QString &model) const;
    void startExchange(ClientConnection *client, RequestRecord record, ClientRequest request, const RouteRequest &route,
                       const RoutePlan &plan, const QString &cacheKey);
    void serveCached(ClientConnection *client, RequestRecord &record, const ClientRequest &request,
                     const QByteArray &message);
};

} // namespace sb
