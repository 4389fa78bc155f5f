#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>

class QTcpSocket;

namespace sb {

// The write side of one client request: a whole response, or a chunked stream written
// piece by piece as upstream bytes arrive. It is the one place that touches the client
// socket, so the Qt-version differences of QHttpServer stay here (Qt 6.4 hands the
// handler the socket; 6.5+ only a responder). Pipelined requests on one socket are answered
// in request order: the connections of a socket take turns in the order they were made, and
// one whose turn has not come holds its bytes (HTTP/1.1, RFC 9112 9.3.2).
//
// The owner rule: a connection ends itself. Once its answer is complete (respond(),
// endStream()) or its client hangs up (after clientGone()), it deletes itself with
// deleteLater; bytes still waiting for their turn stay with the socket's response order.
// Handlers and exchanges hold it by QPointer and never delete or re-parent it; its parent
// (the GatewayServer) only cleans up what is left when the server goes.
class ClientConnection final : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    ClientConnection(QTcpSocket *socket, bool closeAfterResponse, QObject *parent = nullptr);
    ~ClientConnection() override;

    bool isOpen() const;
    bool headSent() const { return m_headSent; }
    bool finished() const { return m_finished; }
    int status() const { return m_status; }

    void respond(int status, const Headers &headers, const QByteArray &body);
    void beginStream(int status, const Headers &headers);
    void writeChunk(const QByteArray &bytes);
    void endStream();
    // Bytes queued for the client but not yet sent (backpressure), held ones included.
    qint64 pendingBytes() const;

    // The earlier requests on the socket are answered: write what was held, go on from there.
    void takeTurn();

    static QByteArray reasonPhrase(int status);
    // A whole response as respond() writes it (Content-Length, and Connection: close when
    // `closeAfter`), for answers written before a request reaches the gateway.
    static QByteArray responseBytes(int status, const Headers &headers, const QByteArray &body, bool closeAfter);

Q_SIGNALS:
    // The client hung up before the response was complete.
    void clientGone();
    // Everything queued for the client has been handed to the kernel.
    void drained();

private:
    void writeHead(int status, const Headers &headers, qint64 contentLength);
    void onDisconnected();
    // The earlier requests on the socket are answered: this one writes now.
    bool isWriter() const;
    void put(const QByteArray &bytes);
    void endTurn();
    void leaveQueue();

    QPointer<QTcpSocket> m_socket;
    QByteArray m_held;         // written while an earlier request on the socket is still being answered
    QPointer<QObject> m_order; // the socket's response order (dies with the socket)
    bool m_closeAfter = false;
    bool m_headSent = false;
    bool m_finished = false;
    int m_status = 0;
};

} // namespace sb
