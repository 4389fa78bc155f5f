#include "HttpConnection.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace sb {

namespace {
constexpr qsizetype kReadChunk = 64 * 1024;

bool isLocalhostName(const QString &host)
{
    return host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0;
}
} // namespace

HttpConnection::HttpConnection(HttpClientPool *pool, const QUrl &url)
    : QObject(pool), m_pool(pool), m_key(keyFor(url)), m_url(url)
{}

HttpConnection::~HttpConnection()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        delete m_socket;
    }
}

QString HttpConnection::keyFor(const QUrl &url)
{
    const int defaultPort = url.scheme() == QStringLiteral("https") ? 443 : 80;
    return url.scheme() + QStringLiteral("://") + url.host() + QLatin1Char(':') +
           QString::number(url.port(defaultPort));
}

void HttpConnection::connectSocket()
{
    const bool tls = m_url.scheme() == QStringLiteral("https");
    const int defaultPort = tls ? 443 : 80;
    const quint16 port = quint16(m_url.port(defaultPort));
    if (tls) {
        auto *ssl = new QSslSocket(this);
        m_socket = ssl;
        connect(ssl, &QSslSocket::encrypted, this, &HttpConnection::onConnected);
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &HttpConnection::onConnected);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpConnection::onError);

    // "localhost" is looked up without a resolver round trip: IPv4 first (where Ollama
    // and most local servers listen), then IPv6 if that is refused.
    const QString host = m_url.host();
    if (tls) {
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(host, port);
    } else if (isLocalhostName(host)) {
        m_socket->connectToHost(
            m_triedIpv6 ? QHostAddress(QHostAddress::LocalHostIPv6) : QHostAddress(QHostAddress::LocalHost), port);
    } else {
        m_socket->connectToHost(host, port);
    }
}

void HttpConnection::start(quint64 id, const HttpRequest &request, HttpResponseHandler *handler, bool reused)
{
    m_id = id;
    m_request = request;
    m_handler = handler;
    m_reused = reused;
    m_gotBytes = false;
    m_parser.reset(request.method == "HEAD");
    m_startedMs = m_pool->nowMs();
    m_lastByteMs = m_startedMs;
    m_paused = false;
    if (m_socket)
        m_socket->setReadBufferSize(0);
    armDeadline();
    if (m_socket && m_connected) {
        writeRequest();
    } else if (!m_socket) {
        connectSocket();
    }
}

void HttpConnection::armDeadline()
{
    qint64 deadline = 0;
    auto tighten = [&deadline](qint64 candidate) {
        if (candidate > 0 && (deadline == 0 || candidate < deadline))
            deadline = candidate;
    };
    if (!m_connected)
        tighten(m_startedMs + m_request.connectTimeoutMs);
    if (m_request.totalTimeoutMs > 0)
        tighten(m_startedMs + m_request.totalTimeoutMs);
    if (!m_parser.headDone() && m_request.firstByteTimeoutMs > 0)
        tighten(m_startedMs + m_request.firstByteTimeoutMs);
    if (m_parser.headDone() && m_request.idleTimeoutMs > 0 && !m_paused)
        tighten(m_lastByteMs + m_request.idleTimeoutMs);
    m_deadline = deadline;
}

void HttpConnection::deadlinePassed()
{
    if (!m_handler)
        return;
    const qint64 now = m_pool->nowMs();
    // The idle deadline moves with every byte; re-check before failing.
    armDeadline();
    if (m_deadline == 0 || now < m_deadline)
        return;
    if (!m_connected) {
        fail(HttpFailure::Kind::ConnectTimeout,
             QStringLiteral("no connection within %1 ms").arg(m_request.connectTimeoutMs));
    } else if (m_request.totalTimeoutMs > 0 && now >= m_startedMs + m_request.totalTimeoutMs) {
        fail(HttpFailure::Kind::TotalTimeout,
             QStringLiteral("no complete answer within %1 s").arg(m_request.totalTimeoutMs / 1000.0));
    } else if (!m_parser.headDone()) {
        fail(HttpFailure::Kind::FirstByteTimeout,
             QStringLiteral("no answer within %1 s").arg(m_request.firstByteTimeoutMs / 1000.0));
    } else {
        fail(HttpFailure::Kind::IdleTimeout,
             QStringLiteral("silent for %1 s in the middle of its answer").arg(m_request.idleTimeoutMs / 1000.0));
    }
}

void HttpConnection::onConnected()
{
    m_connected = true;
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_handler) {
        armDeadline();
        writeRequest();
    }
}

void HttpConnection::writeRequest()
{
    QByteArray target = m_request.url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = QByteArrayLiteral("/");
    if (m_request.url.hasQuery())
        target += '?' + m_request.url.query(QUrl::FullyEncoded).toUtf8();
    QByteArray out;
    out.reserve(256 + m_request.body.size() + m_request.headers.size() * 64);
    out += m_request.method;
    out += ' ';
    out += target;
    out += " HTTP/1.1\r\nHost: ";
    out += m_request.url.host().toUtf8();
    if (m_request.url.port() > 0) {
        out += ':';
        out += QByteArray::number(m_request.url.port());
    }
    out += "\r\n";
    for (const auto &header : m_request.headers) {
        out += header.first;
        out += ": ";
        out += header.second;
        out += "\r\n";
    }
    if (!m_request.body.isEmpty() || m_request.method == "POST") {
        out += "Content-Length: ";
        out += QByteArray::number(m_request.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += m_request.body;
    m_socket->write(out);
}

void HttpConnection::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!m_socket)
        return;
    // A bounded read buffer makes Qt stop reading from the kernel while paused.
    m_socket->setReadBufferSize(paused ? kReadChunk : 0);
    if (!paused)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::onReadyRead()
{
    // On the stack, not per connection: a thousand open streams would otherwise hold a
    // thousand of these, and the stack's pages are the ones already in the cache.
    char buffer[kReadChunk];
    while (m_socket && !m_paused && m_socket->bytesAvailable() > 0) {
        const qint64 got = m_socket->read(buffer, sizeof buffer);
        if (got <= 0)
            break;
        if (!m_handler) {
            // Bytes on an idle connection: the server broke the protocol; drop it.
            close();
            return;
        }
        m_gotBytes = true;
        m_lastByteMs = m_pool->nowMs();
        QPointer<HttpConnection> alive(this);
        m_parser.feed(buffer, qsizetype(got), *this);
        if (!alive)
            return;
    }
}

bool HttpConnection::responseHead(int status, const HttpHeaders &headers)
{
    armDeadline();
    QPointer<HttpConnection> alive(this);
    m_handler->httpResponseHead(status, headers);
    return alive && m_handler;
}

bool HttpConnection::responseBody(const char *data, qsizetype size)
{
    QPointer<HttpConnection> alive(this);
    m_handler->httpResponseBody(data, size);
    return alive && m_handler;
}

void HttpConnection::responseEnd()
{
    finishResponse();
}

void HttpConnection::responseError(const QString &detail)
{
    fail(HttpFailure::Kind::Protocol, detail);
}

void HttpConnection::finishResponse()
{
    HttpResponseHandler *handler = m_handler;
    m_handler = nullptr;
    m_deadline = 0;
    const bool reuse = m_parser.keepAlive() && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
    if (reuse)
        m_pool->connectionIdle(this);
    else
        close();
    handler->httpResponseEnd();
}

void HttpConnection::onDisconnected()
{
    if (m_handler && m_parser.connectionClosed(*this))
        return; // a body read until the close ends here
    if (m_handler) {
        if (m_reused && !m_gotBytes) {
            // A kept-alive connection the server had already closed: retry once, fresh.
            HttpResponseHandler *handler = m_handler;
            m_handler = nullptr;
            m_pool->retryOnFreshConnection(this, m_id, m_request, handler);
            return;
        }
        fail(HttpFailure::Kind::ConnectionClosed,
             m_parser.headDone() ? QStringLiteral("closed the connection in the middle of its answer")
                                 : QStringLiteral("closed the connection without answering"));
        return;
    }
    close();
}

void HttpConnection::onError(QAbstractSocket::SocketError error)
{
    if (error == QAbstractSocket::RemoteHostClosedError)
        return; // handled by onDisconnected
    if (!m_handler) {
        close();
        return;
    }
    if (m_reused && !m_gotBytes && m_connected) {
        HttpResponseHandler *handler = m_handler;
        m_handler = nullptr;
        m_pool->retryOnFreshConnection(this, m_id, m_request, handler);
        return;
    }
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        if (isLocalhostName(m_url.host()) && !m_triedIpv6 && !m_connected) {
            m_triedIpv6 = true;
            m_socket->disconnect(this);
            m_socket->deleteLater();
            m_socket = nullptr;
            connectSocket();
            return;
        }
        fail(HttpFailure::Kind::ConnectionRefused, QStringLiteral("refused the connection"));
        return;
    case QAbstractSocket::HostNotFoundError:
        fail(HttpFailure::Kind::HostNotFound, QStringLiteral("host %1 not found").arg(m_url.host()));
        return;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        fail(HttpFailure::Kind::Tls, QStringLiteral("TLS failed: %1").arg(m_socket->errorString()));
        return;
    default: fail(HttpFailure::Kind::ConnectionClosed, m_socket->errorString()); return;
    }
}

void HttpConnection::fail(HttpFailure::Kind kind, const QString &detail)
{
    HttpResponseHandler *handler = m_handler;
    m_handler = nullptr;
    const bool started = m_parser.headDone();
    close();
    if (handler)
        handler->httpFailed({kind, detail, started});
}

void HttpConnection::abort()
{
    m_handler = nullptr;
    close();
}

void HttpConnection::close()
{
    m_deadline = 0;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_connected = false;
    m_pool->connectionClosed(this);
}

} // namespace sb
