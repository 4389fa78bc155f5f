#include "GuardedTcpServer.h"

#include "RequestHeadParser.h"
#include "protocol/ApiError.h"
#include "protocol/anthropic/AnthropicErrorCodec.h"
#include "protocol/openai/OpenAiErrorCodec.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cstring>

namespace sb {

namespace {
constexpr qsizetype kMaxHeadBytes = RequestHeadParser::kMaxHeadBytes;
constexpr int kHeadDeadlineMs = 10000; // a client must send a whole request head within this
constexpr int kLingerMs = 2000;        // after a refusal, time for the client to read it

class RequestHeadGuard final : public QObject
{
public:
    RequestHeadGuard(QTcpSocket *socket, const GuardedTcpServer::Limits &limits, GuardedTcpServer *server)
        : QObject(socket), m_socket(socket), m_server(server), m_maxBody(limits.maxBodyBytes)
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

    void responseFinished()
    {
        // Every request read so far is answered; idle until the next head begins (it may
        // have begun already: a pipelined request).
        m_unanswered = 0;
        if (m_parser.buffered() == 0 && m_bodyLeft == 0 && !m_refused)
            m_idle.start();
    }

private:
    // The guard follows the framing of every request on the connection itself: body bytes
    // are counted (never copied), and each head is checked, a pipelined one that arrived in
    // the same read as the request before it included. The HTTP server reads these same
    // bytes right after this slot, so every readyRead brings only bytes not seen before.
    void inspect()
    {
        if (m_refused)
            return;
        const qint64 available = m_socket->bytesAvailable();
        qint64 offset = 0;
        while (offset < available) {
            if (m_bodyLeft > 0) {
                const qint64 take = qMin(m_bodyLeft, available - offset);
                m_bodyLeft -= take;
                offset += take;
                if (m_bodyLeft == 0)
                    m_body.stop();
                continue;
            }
            m_idle.stop();
            const qint64 window = qMin<qint64>(available, offset + kMaxHeadBytes + 4 - m_parser.buffered());
            const qsizetype used = takeHead(m_socket->peek(window).mid(offset));
            if (used < 0)
                return;
            offset += used;
        }
    }

    // Adds the head bytes at the front of `piece`; the bytes of `piece` that belong to the
    // head once it is complete and accepted, or -1 when it is incomplete or refused.
    qsizetype takeHead(const QByteArray &piece)
    {
        if (m_parser.buffered() == 0 && !m_deadline.isActive())
            m_deadline.start();
        switch (m_parser.feed(piece)) {
        case RequestHeadParser::State::NeedMore: return -1;
        case RequestHeadParser::State::Refused:
            refuse(m_parser.refusal().status, m_parser.refusal().message);
            return -1;
        case RequestHeadParser::State::Complete: break;
        }
        m_deadline.stop();
        return headComplete(m_parser.head()) ? m_parser.consumed() : -1;
    }

    // What the framing alone does not decide about a complete head: the gateway's own rules,
    // the body limit, 100-continue. False when it was refused.
    bool headComplete(const RequestHeadParser::Head &parsed)
    {
        GuardedTcpServer::RequestHead head;
        head.peer = m_socket->peerAddress();
        head.method = parsed.method;
        head.target = parsed.target;
        head.headers = parsed.headers;
        head.contentLength = parsed.contentLength;
        const qint64 length = parsed.contentLength;
        // A request the gateway would refuse (address, Origin, Host, token) is refused before
        // its body is read: without a token nobody gets 32 MB of our memory. A request without
        // a body goes on to the gateway, which runs the same rules and keeps the connection.
        if (length > 0 && m_server) {
            if (const std::optional<QByteArray> answer = m_server->checkHead(head)) {
                refuseWith(*answer);
                return false;
            }
        }
        if (length > m_maxBody) {
            refuse(413, QStringLiteral("request body of %1 bytes exceeds the limit of %2 bytes "
                                       "(switchboard.max_body_mb)")
                            .arg(length)
                            .arg(m_maxBody));
            return false;
        }
        if (length > 0) {
            m_bodyLeft = length;
            m_body.start();
        }
        // Not while an earlier request is still being answered: the interim answer would
        // land in the middle of that one.
        if (parsed.expectContinue && m_unanswered == 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        ++m_unanswered;
        return true;
    }

    void refuse(int status, const QString &message)
    {
        const ApiError error = ApiError::headRefused(status, message);
        const char *reason = status == 413   ? " Payload Too Large"
                             : status == 431 ? " Request Header Fields Too Large"
                             : status == 411 ? " Length Required"
                                             : " Bad Request";
        const QByteArray requestLine = m_parser.requestLine();
        const bool openAi = requestLine.contains("/chat/completions");
        const QByteArray body =
            openAi ? OpenAiErrorCodec::encode(error) : AnthropicErrorCodec::encode(error, QString());
        refuseWith("HTTP/1.1 " + QByteArray::number(status) + reason +
                   "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                   QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }

    void refuseWith(const QByteArray &answer)
    {
        m_refused = true;
        m_deadline.stop();
        m_body.stop();
        // Nothing more goes to the HTTP parser; what the client still sends is drained unread
        // (closing with unread bytes would send a reset that can destroy the answer in flight).
        QObject::disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        if (m_unanswered > 0) {
            // A pipelined request behind others not answered yet: the client would read the
            // refusal as the answer to the first of them. Dropping the connection is honest.
            m_socket->abort();
            return;
        }
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { m_socket->skip(m_socket->bytesAvailable()); });
        m_socket->skip(m_socket->bytesAvailable());
        m_socket->write(answer);
        QPointer<QTcpSocket> socket(m_socket);
        // Give the client a moment to read the answer, then close.
        QTimer::singleShot(kLingerMs, m_socket, [socket] {
            if (socket)
                socket->disconnectFromHost();
        });
    }

    QTcpSocket *m_socket;
    QPointer<GuardedTcpServer> m_server;
    qint64 m_maxBody;
    RequestHeadParser m_parser;
    qint64 m_bodyLeft = 0; // body bytes of the current request still to come
    int m_unanswered = 0;  // heads accepted since the last time every request was answered
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

QByteArray GuardedTcpServer::RequestHead::value(const QByteArray &lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

GuardedTcpServer::GuardedTcpServer(const Limits &limits, QObject *parent) : QTcpServer(parent), m_limits(limits) {}

std::optional<QByteArray> GuardedTcpServer::checkHead(const RequestHead &head) const
{
    return m_headCheck ? m_headCheck(head) : std::nullopt;
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestHeadGuard(socket, m_limits, this);
    addPendingConnection(socket);
}

void GuardedTcpServer::responseFinished(QTcpSocket *socket)
{
    if (RequestHeadGuard *guard = guardOf(socket))
        guard->responseFinished();
}

} // namespace sb
