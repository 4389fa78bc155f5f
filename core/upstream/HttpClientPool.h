#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace sb {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// Case-insensitive header lookup.
QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name);

struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("POST");
    QUrl url;
    HttpHeaders headers; // Host, Content-Length and Connection are added by the pool
    QByteArray body;
    int connectTimeoutMs = 5000;
    int firstByteTimeoutMs = 0; // 0: none (bounded by the total)
    int idleTimeoutMs = 0;      // longest silence once the response started; 0: none
    int totalTimeoutMs = 0;     // 0: none
};

struct HttpFailure
{
    enum class Kind {
        ConnectionRefused,
        HostNotFound,
        ConnectTimeout,
        FirstByteTimeout,
        IdleTimeout,
        TotalTimeout,
        ConnectionClosed,
        Tls,
        Protocol
    };
    Kind kind = Kind::ConnectionClosed;
    QString detail;
    bool responseStarted = false; // the response head had arrived (bytes may have been relayed)

    bool isTimeout() const;
};

// Receives one response as it arrives. Callbacks run on the pool's thread; a handler may
// call HttpClientPool::cancel() or send() from inside any of them.
class HttpResponseHandler
{
public:
    virtual ~HttpResponseHandler() = default;
    virtual void httpResponseHead(int status, const HttpHeaders &headers) = 0;
    virtual void httpResponseBody(const char *data, qsizetype size) = 0;
    virtual void httpResponseEnd() = 0;
    virtual void httpFailed(const HttpFailure &failure) = 0;
};

class HttpConnection;

// An HTTP/1.1 client for the upstreams, living on the gateway thread. Unlike
// QNetworkAccessManager it has no per-host connection cap (an LLM stream holds its
// connection for minutes; QNAM's six would serialise the seventh stream) and no hop to a
// worker thread: bytes go from the socket to the handler directly. Idle keep-alive
// connections are reused.
class HttpClientPool final : public QObject
{
    Q_OBJECT
public:
    explicit HttpClientPool(QObject *parent = nullptr);
    ~HttpClientPool() override;

    // Starts a request; the handler gets exactly one of httpResponseEnd / httpFailed, unless
    // the request is cancelled first. Returns an id for cancel().
    quint64 send(const HttpRequest &request, HttpResponseHandler *handler);
    // Aborts a request: its connection is closed at once so the upstream stops working.
    void cancel(quint64 id);
    // Backpressure: a paused request reads nothing more from its socket, so the kernel's
    // window fills and the upstream slows down; resuming delivers what is buffered.
    void setPaused(quint64 id, bool paused);

    int openConnections() const;
    int idleConnections() const;

    // Kept-alive connections waiting for reuse: at most `maxPerHost` per upstream (a burst of
    // 1,000 streams leaves 32 open, not 1,000), each closed after `expiryMs` unused (before the
    // upstream's own keep-alive timeout would cut it under a new request).
    static constexpr int kMaxIdlePerHost = 32;
    static constexpr int kIdleExpiryMs = 30000;
    void setIdleLimits(int maxPerHost, int expiryMs);
    qint64 nowMs() const { return m_clock.elapsed(); }

private:
    friend class HttpConnection;
    void connectionIdle(HttpConnection *connection);
    void connectionClosed(HttpConnection *connection);
    void retryOnFreshConnection(HttpConnection *stale, quint64 id, const HttpRequest &request,
                                HttpResponseHandler *handler);
    void startOn(HttpConnection *connection, quint64 id, const HttpRequest &request, HttpResponseHandler *handler,
                 bool reused);
    void checkDeadlines();
    void expireIdle();

    QElapsedTimer m_clock;
    QTimer m_tick;
    quint64 m_nextId = 1;
    QHash<QString, QList<HttpConnection *>> m_idle; // by "scheme://host:port"
    QHash<HttpConnection *, qint64> m_idleSince;    // nowMs() when it went idle
    QTimer m_idleSweep;
    int m_maxIdlePerHost = kMaxIdlePerHost;
    int m_idleExpiryMs = kIdleExpiryMs;
    QHash<quint64, HttpConnection *> m_active;
    QList<HttpConnection *> m_all;
};

} // namespace sb
