#include "GuardedTcpServer.h"

#include "protocol/ApiError.h"
#include "protocol/anthropic/AnthropicErrorCodec.h"
#include "protocol/openai/OpenAiErrorCodec.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

namespace sb {

namespace {
constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr int kMaxHeaderLines = 100;
constexpr int kHeadDeadlineMs = 10000; // a client must send a whole request head within this

class RequestHeadGuard final : public QObject
{
public:
    RequestHeadGuard(QTcpSocket *socket, const GuardedTcpServer::Limits &limits)
        : QObject(socket), m_socket(socket), m_maxBody(limits.maxBodyBytes)
    {
        setObjectName(QStringLiteral("RequestHeadGuard"));
        connect(socket, &QTcpSocket::readyRead, this, &RequestHeadGuard::inspect);
        // Slow clients (slowloris): the head must be complete in time, or the connection goes.
        m_deadline.setSingleShot(true);
        m_deadline.setInterval(kHeadDeadlineMs);
        connect(&m_deadline, &QTimer::timeout, this, [this] { m_socket->abort(); });
        m_deadline.start();
        // The body deadline and the idle keep-alive timeout: the connection goes when they pass.
        m_body.setSingleShot(true);
        m_body.setInterval(limits.bodyTimeoutMs);
        connect(&m_body, &QTimer::timeout, this, [this] { m_socket->abort(); });
        m_idle.setSingleShot(true);
        m_idle.setInterval(limits.keepAliveTimeoutMs);
        connect(&m_idle, &QTimer::timeout, this, [this] { m_socket->disconnectFromHost(); });
    }

    void reset()
    {
        m_head.clear();
        m_headComplete = false;
        // The body has been read; the clock of the next head starts with its first byte.
        m_deadline.stop();
        m_body.stop();
    }

    void responseFinished()
    {
        // Idle until the next head begins (it may have begun already: a pipelined request).
        if (m_head.isEmpty() && !m_headComplete && !m_refused)
            m_idle.start();
    }

private:
    void inspect()
    {
        if (m_headComplete || m_refused)
            return;
        m_idle.stop();
        if (m_head.isEmpty() && !m_deadline.isActive())
            m_deadline.start();
        // Peek: the HTTP server reads these same bytes right after this slot.
        const qint64 available = m_socket->bytesAvailable();
        const QByteArray fresh = m_socket->peek(qMin<qint64>(available, kMaxHeadBytes + 4 - m_head.size()));
        m_head += fresh;
        qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_head.size() > kMaxHeadBytes)
                refuse(431, QStringLiteral("request headers exceed %1 KiB").arg(kMaxHeadBytes / 1024));
            return;
        }
        m_headComplete = true;
        m_deadline.stop();
        const QByteArray head = m_head.left(end).toLower();
        if (head.count('\n') > kMaxHeaderLines) {
            refuse(431, QStringLiteral("more than %1 request headers").arg(kMaxHeaderLines));
            return;
        }
        m_path = m_head.left(m_head.indexOf("\r\n"));
        qint64 length = -1;
        bool lengthConflict = false;
        bool badLength = false;
        bool transferEncoding = false;
        bool expectContinue = false;
        for (const QByteArray &line : head.split('\n')) {
            if (line.startsWith("content-length:")) {
                bool ok = false;
                const qint64 value = line.mid(15).trimmed().toLongLong(&ok);
                badLength = badLength || !ok || value < 0;
                lengthConflict = lengthConflict || (length >= 0 && value != length);
                length = std::max(length, value);
            } else if (line.startsWith("transfer-encoding:")) {
                transferEncoding = true;
            } else if (line.startsWith("expect:") && line.contains("100-continue")) {
                expectContinue = true;
            }
        }
        // Request smuggling: two framings of one body are read differently by different
        // parsers, and the rest of the body would be answered as a second request.
        if (transferEncoding && length >= 0) {
            refuse(400, QStringLiteral("a request may not carry both Content-Length and Transfer-Encoding"));
            return;
        }
        if (lengthConflict || badLength) {
            refuse(400, QStringLiteral("conflicting or malformed Content-Length headers"));
            return;
        }
        // A chunked upload has no size to check before it is buffered whole: every client of
        // the gateway sends Content-Length.
        if (transferEncoding) {
            refuse(411, QStringLiteral("request bodies need a Content-Length (chunked uploads are not accepted)"));
            return;
        }
        if (length > m_maxBody) {
            refuse(413, QStringLiteral("request body of %1 bytes exceeds the limit of %2 bytes "
                                       "(switchboard.max_body_mb)")
                            .arg(length)
                            .arg(m_maxBody));
            return;
        }
        if (length > 0)
            m_body.start();
        if (expectContinue)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }

    void refuse(int status, const QString &message)
    {
        m_refused = true;
        // Nothing more goes to the HTTP parser; what the client still sends is drained.
        QObject::disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { m_socket->readAll(); });
        const ApiError error = ApiError::headRefused(status, message);
        const char *reason = status == 413   ? " Payload Too Large"
                             : status == 431 ? " Request Header Fields Too Large"
                             : status == 411 ? " Length Required"
                                             : " Bad Request";
        const bool openAi = m_path.contains("/chat/completions");
        const QByteArray body =
            openAi ? OpenAiErrorCodec::encode(error) : AnthropicErrorCodec::encode(error, QString());
        QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + reason +
                         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                         QByteArray::number(body.size()) + "\r\n\r\n" + body;
        m_socket->write(out);
        QPointer<QTcpSocket> socket(m_socket);
        // Give the client a moment to read the answer, then close.
        QTimer::singleShot(2000, m_socket, [socket] {
            if (socket)
                socket->disconnectFromHost();
        });
    }

    QTcpSocket *m_socket;
    qint64 m_maxBody;
    QByteArray m_head;
    QByteArray m_path;
    bool m_headComplete = false;
    bool m_refused = false;
    QTimer m_deadline; // the head, from its first byte
    QTimer m_body;     // the declared body, from the end of the head
    QTimer m_idle;     // a kept-alive connection between requests
};

RequestHeadGuard *guardOf(QTcpSocket *socket)
{
    return static_cast<RequestHeadGuard *>(
        socket->findChild<QObject *>(QStringLiteral("RequestHeadGuard"), Qt::FindDirectChildrenOnly));
}
} // namespace

GuardedTcpServer::GuardedTcpServer(const Limits &limits, QObject *parent) : QTcpServer(parent), m_limits(limits) {}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestHeadGuard(socket, m_limits);
    addPendingConnection(socket);
}

void GuardedTcpServer::requestHandled(QTcpSocket *socket)
{
    if (RequestHeadGuard *guard = guardOf(socket))
        guard->reset();
}

void GuardedTcpServer::responseFinished(QTcpSocket *socket)
{
    if (RequestHeadGuard *guard = guardOf(socket))
        guard->responseFinished();
}

} // namespace sb
