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
// handler the socket; 6.5+ only a responder).
class ClientConnection final : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    ClientConnection(QTcpSocket *socket, bool closeAfterResponse, QObject *parent = nullptr);

    bool isOpen() const;
    bool headSent() const { return m_headSent; }
    bool finished() const { return m_finished; }
    int status() const { return m_status; }

    void respond(int status, const Headers &headers, const QByteArray &body);
    void beginStream(int status, const Headers &headers);
    void writeChunk(const QByteArray &bytes);
    void endStream();
    // Bytes queued for the client but not yet sent (backpressure).
    qint64 pendingBytes() const;

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

    QPointer<QTcpSocket> m_socket;
    bool m_closeAfter = false;
    bool m_headSent = false;
    bool m_finished = false;
    int m_status = 0;
};

} // namespace sb
