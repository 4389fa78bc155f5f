#pragma once

#include <QTcpServer>

class QTcpSocket;

namespace sb {

// The listening socket of the gateway. Qt 6.4's HTTP server reads whole request bodies
// into memory without a limit and never answers `Expect: 100-continue`, so every accepted
// connection gets a small guard that sees each request head first: it refuses a declared
// body over the limit (413) and oversized heads (431) before they are buffered, and
// answers 100-continue for bodies it will accept. It also bounds how long a connection may
// take: a head within 10 s of its first byte, a declared body within the body timeout, and
// an idle kept-alive connection closes after the keep-alive timeout.
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

    explicit GuardedTcpServer(const Limits &limits, QObject *parent = nullptr);
    // For connections accepted from now on.
    void setLimits(const Limits &limits) { m_limits = limits; }
    // The HTTP server finished reading a request on `socket`: the next bytes are a new head.
    static void requestHandled(QTcpSocket *socket);
    // The answer to the last request on `socket` is complete: the connection is idle now.
    static void responseFinished(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Limits m_limits;
};

} // namespace sb
