#pragma once

#include <QTcpServer>

class QTcpSocket;

namespace sb {

// The listening socket of the gateway. Qt 6.4's HTTP server reads whole request bodies
// into memory without a limit and never answers `Expect: 100-continue`, so every accepted
// connection gets a small guard that sees each request head first: it refuses a declared
// body over the limit (413) and oversized heads (431) before they are buffered, and
// answers 100-continue for bodies it will accept.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }
    // The HTTP server finished reading a request on `socket`: the next bytes are a new head.
    static void requestHandled(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    qint64 m_maxBodyBytes;
};

} // namespace sb
