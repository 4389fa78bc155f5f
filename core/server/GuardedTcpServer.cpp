#include "GuardedTcpServer.h"

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
constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr int kMaxHeaderLines = 100;
constexpr int kHeadDeadlineMs = 10000; // a client must send a whole request head within this
constexpr int kLingerMs = 2000;        // after a refusal, time for the client to read it

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isToken(const QByteArray &bytes)
{
    return !bytes.isEmpty() && std::all_of(bytes.cbegin(), bytes.cend(), isTokenChar);
}

// RFC 9112 3: method SP request-target SP HTTP-version. Qt 6.4's parser drops a connection
// with a malformed one without a word; the client deserves a 400.
std::optional<QString> requestLineProblem(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    const auto printable = [](const QByteArray &target) {
        return std::all_of(target.cbegin(), target.cend(), [](char c) { return c > 0x20 && c != 0x7f; });
    };
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty() || !printable(parts.at(1)))
        return QStringLiteral("malformed request line: expected `METHOD /path HTTP/1.1`");
    if (parts.at(2) != "HTTP/1.1" && parts.at(2) != "HTTP/1.0")
        return QStringLiteral("unsupported HTTP version (HTTP/1.1 and HTTP/1.0 are served)");
    return std::nullopt;
}

// A field line is `name: value`, the name a token right before the colon. Qt 6.4's parser
// reads a line without a colon as part of a header's name and loses the next header (a
// request then failed with 403 "Host "" is not this gateway"); whitespace before the colon
// and folded lines are read differently by different parsers (RFC 9112 5.1, 5.2).
std::optional<QString> headerLineProblem(const QByteArray &line, int number)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return QStringLiteral("header line %1 is folded (obsolete line folding is not accepted)").arg(number);
    const qsizetype colon = line.indexOf(':');
    if (colon < 0)
        return QStringLiteral("header line %1 has no colon (expected `Name: value`)").arg(number);
    if (!isToken(line.left(colon)))
        return QStringLiteral("header line %1 has a malformed name (expected `Name: value`)").arg(number);
    return std::nullopt;
}

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
        if (m_head.isEmpty() && m_bodyLeft == 0 && !m_refused)
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
            const qint64 window = qMin<qint64>(available, offset + kMaxHeadBytes + 4 - m_head.size());
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
        if (m_head.isEmpty() && !m_deadline.isActive())
            m_deadline.start();
        const qsizetype before = m_head.size();
        m_head += piece;
        // Each line as soon as it is complete: a client that sent a broken line and waits
        // gets its 400 now, not a silent close at the head deadline.
        if (!checkCompleteLines())
            return -1;
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_head.size() > kMaxHeadBytes)
                refuse(431, QStringLiteral("request headers exceed %1 KiB").arg(kMaxHeadBytes / 1024));
            return -1;
        }
        m_deadline.stop();
        const bool accepted = headComplete(m_head.left(end));
        m_head.clear();
        m_checkedUpTo = 0;
        m_lines = 0;
        return accepted ? end + 4 - before : -1;
    }

    // Checks a complete head; false when it was refused.
    bool headComplete(const QByteArray &bytes)
    {
        if (m_lines - 1 > kMaxHeaderLines) {
            refuse(431, QStringLiteral("more than %1 request headers").arg(kMaxHeaderLines));
            return false;
        }
        GuardedTcpServer::RequestHead head = parsedHead(bytes);
        qint64 length = -1;
        bool lengthConflict = false;
        bool badLength = false;
        bool transferEncoding = false;
        bool expectContinue = false;
        int hosts = 0;
        for (const auto &[name, value] : head.headers) {
            if (name == "content-length") {
                bool ok = false;
                const qint64 number = value.toLongLong(&ok);
                badLength = badLength || !ok || number < 0;
                lengthConflict = lengthConflict || (length >= 0 && number != length);
                length = std::max(length, number);
            } else if (name == "transfer-encoding") {
                transferEncoding = true;
            } else if (name == "expect" && value.toLower().contains("100-continue")) {
                expectContinue = true;
            } else if (name == "host") {
                ++hosts;
            }
        }
        head.contentLength = length;
        // Two Hosts are two answers to "is this request for us?" (RFC 9112 3.2).
        if (hosts > 1) {
            refuse(400, QStringLiteral("a request carries one Host header"));
            return false;
        }
        // Request smuggling: two framings of one body are read differently by different
        // parsers, and the rest of the body would be answered as a second request.
        if (transferEncoding && length >= 0) {
            refuse(400, QStringLiteral("a request may not carry both Content-Length and Transfer-Encoding"));
            return false;
        }
        if (lengthConflict || badLength) {
            refuse(400, QStringLiteral("conflicting or malformed Content-Length headers"));
            return false;
        }
        // A chunked upload has no size to check before it is buffered whole: every client of
        // the gateway sends Content-Length.
        if (transferEncoding) {
            refuse(411, QStringLiteral("request bodies need a Content-Length (chunked uploads are not accepted)"));
            return false;
        }
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
        if (expectContinue && m_unanswered == 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        ++m_unanswered;
        return true;
    }

    // Checks the lines of the head completed since the last call; false when refused.
    bool checkCompleteLines()
    {
        for (;;) {
            const qsizetype eol = m_head.indexOf("\r\n", m_checkedUpTo);
            if (eol < 0)
                return true;
            const QByteArray line = m_head.mid(m_checkedUpTo, eol - m_checkedUpTo);
            const bool first = m_lines == 0;
            m_checkedUpTo = eol + 2;
            if (line.isEmpty()) {
                if (first)
                    continue; // RFC 9112 2.2: an empty line before the request line is ignored
                return true;  // the end of the head
            }
            ++m_lines;
            const std::optional<QString> problem =
                first ? requestLineProblem(line) : headerLineProblem(line, m_lines - 1);
            if (problem) {
                m_requestLine = first ? line : m_requestLine;
                refuse(400, *problem);
                return false;
            }
            if (first)
                m_requestLine = line;
        }
    }

    GuardedTcpServer::RequestHead parsedHead(const QByteArray &bytes) const
    {
        GuardedTcpServer::RequestHead head;
        head.peer = m_socket->peerAddress();
        const QList<QByteArray> parts = m_requestLine.split(' ');
        head.method = parts.value(0);
        head.target = parts.value(1);
        bool requestLine = true;
        for (const QByteArray &line : bytes.split('\n')) {
            const QByteArray trimmed = line.endsWith('\r') ? line.chopped(1) : line;
            if (trimmed.isEmpty())
                continue;
            if (requestLine) {
                requestLine = false;
                continue;
            }
            const qsizetype colon = trimmed.indexOf(':');
            head.headers.append({trimmed.left(colon).toLower(), trimmed.mid(colon + 1).trimmed()});
        }
        return head;
    }

    void refuse(int status, const QString &message)
    {
        const ApiError error = ApiError::headRefused(status, message);
        const char *reason = status == 413   ? " Payload Too Large"
                             : status == 431 ? " Request Header Fields Too Large"
                             : status == 411 ? " Length Required"
                                             : " Bad Request";
        const QByteArray requestLine = m_requestLine.isEmpty() ? m_head.left(m_head.indexOf("\r\n")) : m_requestLine;
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
    QByteArray m_head;
    QByteArray m_requestLine;
    qsizetype m_checkedUpTo = 0; // m_head is checked line by line up to here
    int m_lines = 0;             // request line and header lines seen
    qint64 m_bodyLeft = 0;       // body bytes of the current request still to come
    int m_unanswered = 0;        // heads accepted since the last time every request was answered
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
