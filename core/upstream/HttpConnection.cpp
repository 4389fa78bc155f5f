#include "HttpConnection.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <cstring>

namespace sb {

namespace {
constexpr qsizetype kMaxHeadBytes = 256 * 1024;
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
    m_headDone = false;
    m_gotBytes = false;
    m_head.clear();
    m_status = 0;
    m_keepAlive = true;
    m_bodyMode = BodyMode::None;
    m_remaining = 0;
    m_chunkState = ChunkState::Size;
    m_chunkLine.clear();
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
    if (!m_headDone && m_request.firstByteTimeoutMs > 0)
        tighten(m_startedMs + m_request.firstByteTimeoutMs);
    if (m_headDone && m_request.idleTimeoutMs > 0 && !m_paused)
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
    } else if (!m_headDone) {
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
        const char *data = buffer;
        qsizetype size = qsizetype(got);
        if (!m_headDone) {
            const qsizetype before = m_head.size();
            m_head.append(data, size);
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_head.size() > kMaxHeadBytes)
                    fail(HttpFailure::Kind::Protocol, QStringLiteral("response headers too large"));
                continue;
            }
            const qsizetype bodyStart = end + 4;
            const qsizetype consumedFromChunk = bodyStart - before;
            m_head.truncate(end + 2);
            QPointer<HttpConnection> alive(this);
            if (!parseHead())
                return;
            if (!alive || !m_handler)
                return;
            data += consumedFromChunk;
            size -= consumedFromChunk;
            if (!m_headDone) {
                // An interim 1xx response: parse what follows as a new head.
                m_head = QByteArray(data, size);
                continue;
            }
            armDeadline();
            if (m_bodyMode == BodyMode::None) {
                finishResponse();
                return;
            }
        }
        if (size > 0)
            feedBody(data, size);
    }
}

bool HttpConnection::parseHead()
{
    // Status line: HTTP/1.1 200 OK
    const qsizetype lineEnd = m_head.indexOf("\r\n");
    const QByteArray statusLine = m_head.left(lineEnd);
    if (!statusLine.startsWith("HTTP/1.")) {
        fail(HttpFailure::Kind::Protocol, QStringLiteral("not an HTTP/1.x response"));
        return false;
    }
    const bool http10 = statusLine.startsWith("HTTP/1.0");
    bool ok = false;
    m_status = statusLine.mid(9, 3).toInt(&ok);
    if (!ok) {
        fail(HttpFailure::Kind::Protocol, QStringLiteral("malformed status line"));
        return false;
    }
    if (m_status >= 100 && m_status < 200) {
        m_head.clear();
        return true; // interim response; the real one follows
    }
    HttpHeaders headers;
    qint64 contentLength = -1;
    bool chunked = false;
    m_keepAlive = !http10;
    qsizetype pos = lineEnd + 2;
    while (pos < m_head.size()) {
        qsizetype next = m_head.indexOf("\r\n", pos);
        if (next < 0)
            next = m_head.size();
        const qsizetype colon = m_head.indexOf(':', pos);
        if (colon > pos && colon < next) {
            QByteArray name = m_head.mid(pos, colon - pos).trimmed();
            QByteArray value = m_head.mid(colon + 1, next - colon - 1).trimmed();
            const QByteArray lower = name.toLower();
            if (lower == "content-length")
                contentLength = value.toLongLong();
            else if (lower == "transfer-encoding" && value.toLower().contains("chunked"))
                chunked = true;
            else if (lower == "connection")
                m_keepAlive = value.toLower().contains("keep-alive") || (!http10 && !value.toLower().contains("close"));
            headers.append({name, value});
        }
        pos = next + 2;
    }
    m_headDone = true;
    if (m_request.method == "HEAD" || m_status == 204 || m_status == 304) {
        m_bodyMode = BodyMode::None;
    } else if (chunked) {
        m_bodyMode = BodyMode::Chunked;
    } else if (contentLength >= 0) {
        m_bodyMode = contentLength == 0 ? BodyMode::None : BodyMode::Length;
        m_remaining = contentLength;
    } else {
        m_bodyMode = BodyMode::UntilClose;
        m_keepAlive = false;
    }
    m_handler->httpResponseHead(m_status, headers);
    return true;
}

void HttpConnection::feedBody(const char *data, qsizetype size)
{
    QPointer<HttpConnection> alive(this);
    switch (m_bodyMode) {
    case BodyMode::None: return;
    case BodyMode::UntilClose: m_handler->httpResponseBody(data, size); return;
    case BodyMode::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(m_remaining, size));
        m_remaining -= take;
        m_handler->httpResponseBody(data, take);
        if (alive && m_handler && m_remaining == 0)
            finishResponse();
        return;
    }
    case BodyMode::Chunked: break;
    }
    qsizetype pos = 0;
    while (pos < size && alive && m_handler) {
        switch (m_chunkState) {
        case ChunkState::Size: {
            const char *nl = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (!nl) {
                m_chunkLine.append(data + pos, size - pos);
                if (m_chunkLine.size() > 1024)
                    fail(HttpFailure::Kind::Protocol, QStringLiteral("malformed chunk size"));
                return;
            }
            m_chunkLine.append(data + pos, nl - (data + pos));
            pos = (nl - data) + 1;
            QByteArray line = m_chunkLine.trimmed();
            m_chunkLine.clear();
            const qsizetype semicolon = line.indexOf(';');
            if (semicolon >= 0)
                line.truncate(semicolon);
            bool ok = false;
            m_remaining = line.toLongLong(&ok, 16);
            if (!ok || m_remaining < 0) {
                fail(HttpFailure::Kind::Protocol, QStringLiteral("malformed chunk size"));
                return;
            }
            m_chunkState = m_remaining == 0 ? ChunkState::Trailer : ChunkState::Data;
            break;
        }
        case ChunkState::Data: {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, size - pos));
            m_remaining -= take;
            const char *piece = data + pos;
            pos += take;
            if (m_remaining == 0)
                m_chunkState = ChunkState::DataEnd;
            m_handler->httpResponseBody(piece, take);
            break;
        }
        case ChunkState::DataEnd: {
            const char *nl = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (!nl)
                return; // the CR arrived; the LF follows in the next read
            pos = (nl - data) + 1;
            m_chunkState = ChunkState::Size;
            break;
        }
        case ChunkState::Trailer: {
            // Trailer lines until an empty line.
            const char *nl = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (!nl) {
                m_chunkLine.append(data + pos, size - pos);
                return;
            }
            m_chunkLine.append(data + pos, nl - (data + pos));
            pos = (nl - data) + 1;
            const bool empty = m_chunkLine.trimmed().isEmpty();
            m_chunkLine.clear();
            if (empty) {
                finishResponse();
                return;
            }
            break;
        }
        }
    }
}

void HttpConnection::finishResponse()
{
    HttpResponseHandler *handler = m_handler;
    m_handler = nullptr;
    m_deadline = 0;
    const bool reuse = m_keepAlive && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
    if (reuse)
        m_pool->connectionIdle(this);
    else
        close();
    handler->httpResponseEnd();
}

void HttpConnection::onDisconnected()
{
    if (m_handler && m_headDone && m_bodyMode == BodyMode::UntilClose) {
        finishResponse();
        return;
    }
    if (m_handler) {
        if (m_reused && !m_gotBytes) {
            // A kept-alive connection the server had already closed: retry once, fresh.
            HttpResponseHandler *handler = m_handler;
            m_handler = nullptr;
            m_pool->retryOnFreshConnection(this, m_id, m_request, handler);
            return;
        }
        fail(HttpFailure::Kind::ConnectionClosed,
             m_headDone ? QStringLiteral("closed the connection in the middle of its answer")
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
    const bool started = m_headDone;
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
