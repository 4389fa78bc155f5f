#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QTcpServer>

#include <functional>
#include <optional>

class QTcpSocket;

namespace sb {

// The listening socket of the gateway. Qt 6.4's HTTP server reads whole request bodies
// into memory without a limit and never answers `Expect: 100-continue`, so every accepted
// connection gets a small guard that sees each request head first: it refuses a malformed
// request line or header line (400), two framings of one body (400), a declared body over
// the limit (413), oversized heads (431) and — through the head check — a request the
// gateway would refuse anyway (401/403), all before a body byte is buffered, and answers
// 100-continue for bodies it will accept. It also bounds how long a connection may take: a
// head within 10 s of its first byte, a declared body within the body timeout, and an idle
// kept-alive connection closes after the keep-alive timeout.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 maxBodyBytes = 32 * 1024 * 1024;
        int bodyTimeoutMs = 60000;
        int keepAliveTimeoutMs = 120000;
    };
    // A complete request head, as the guard read it off the wire.
    struct RequestHead
    {
        QHostAddress peer;
        QByteArray method;
        QByteArray target;                            // as on the request line (path and query)
        QList<QPair<QByteArray, QByteArray>> headers; // names in lower case, values trimmed
        qint64 contentLength = -1;                    // -1: none declared

        // The first value of the header `lowerName`; empty when absent.
        QByteArray value(const QByteArray &lowerName) const;
    };
    // Asked with every head that declares a body, before a byte of it is read: the complete
    // answer (status line to body) that refuses the request, or nothing to let it through.
    // A refused request gets no 100 Continue, its body is drained unread, the connection closes.
    using HeadCheck = std::function<std::optional<QByteArray>(const RequestHead &head)>;

    explicit GuardedTcpServer(const Limits &limits, QObject *parent = nullptr);
    // For connections accepted from now on.
    void setLimits(const Limits &limits) { m_limits = limits; }
    // For every head from now on, on every connection.
    void setHeadCheck(HeadCheck check) { m_headCheck = std::move(check); }
    std::optional<QByteArray> checkHead(const RequestHead &head) const;
    // The answer to the last request on `socket` is complete: the connection is idle now.
    static void responseFinished(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Limits m_limits;
    HeadCheck m_headCheck;
};

} // namespace sb
