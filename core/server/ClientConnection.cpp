#include "ClientConnection.h"

#include "GuardedTcpServer.h"

#include <QTcpSocket>

namespace sb {

namespace {

// The answers of one socket in request order; the first one writes. An entry outlives its
// ClientConnection when that is deleted before its turn (a whole response answered while
// an earlier request still streams): its bytes wait here. Lives and dies with the socket.
class ResponseOrder final : public QObject
{
public:
    struct Entry
    {
        ClientConnection *connection; // nullptr: deleted, the bytes below wait for the turn
        QByteArray bytes;
        bool finished = false;
        bool closeAfter = false;
    };

    explicit ResponseOrder(QTcpSocket *socket) : QObject(socket), m_socket(socket)
    {
        setObjectName(QStringLiteral("ResponseOrder"));
    }

    static ResponseOrder *of(QTcpSocket *socket)
    {
        auto *order = static_cast<ResponseOrder *>(
            socket->findChild<QObject *>(QStringLiteral("ResponseOrder"), Qt::FindDirectChildrenOnly));
        return order ? order : new ResponseOrder(socket);
    }

    qsizetype indexOf(const ClientConnection *connection) const
    {
        for (qsizetype i = 0; i < queue.size(); ++i) {
            if (queue.at(i).connection == connection)
                return i;
        }
        return -1;
    }

    // The first entry has finished its turn and is gone: the next ones write; when none is
    // left, every request read so far is answered and the connection is idle.
    void advance()
    {
        while (!queue.isEmpty()) {
            if (queue.first().connection) {
                queue.first().connection->takeTurn();
                return;
            }
            const Entry orphan = queue.takeFirst();
            if (m_socket->state() == QAbstractSocket::ConnectedState)
                m_socket->write(orphan.bytes);
            if (orphan.finished && orphan.closeAfter) {
                m_socket->disconnectFromHost();
                return;
            }
        }
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            GuardedTcpServer::responseFinished(m_socket);
    }

    QList<Entry> queue;

private:
    QTcpSocket *m_socket;
};

} // namespace

ClientConnection::ClientConnection(QTcpSocket *socket, bool closeAfterResponse, QObject *parent)
    : QObject(parent), m_socket(socket), m_closeAfter(closeAfterResponse)
{
    if (socket) {
        connect(socket, &QTcpSocket::disconnected, this, &ClientConnection::onDisconnected);
        connect(socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket && isWriter() && m_socket->bytesToWrite() == 0)
                Q_EMIT drained();
        });
        ResponseOrder *order = ResponseOrder::of(socket);
        order->queue.append({this, {}, false, false});
        m_order = order;
    }
}

ClientConnection::~ClientConnection()
{
    leaveQueue();
}

bool ClientConnection::isWriter() const
{
    const auto *order = static_cast<const ResponseOrder *>(m_order.data());
    return order && !order->queue.isEmpty() && order->queue.first().connection == this;
}

void ClientConnection::put(const QByteArray &bytes)
{
    if (!isOpen())
        return;
    if (isWriter())
        m_socket->write(bytes);
    else
        m_held += bytes;
}

void ClientConnection::takeTurn()
{
    if (isOpen() && !m_held.isEmpty())
        m_socket->write(m_held);
    m_held.clear();
    if (m_finished)
        endTurn();
}

void ClientConnection::endTurn()
{
    // The answer is complete and written: close, or hand the socket to the next request.
    auto *order = static_cast<ResponseOrder *>(m_order.data());
    if (!order || order->indexOf(this) != 0)
        return;
    order->queue.removeFirst();
    if (m_closeAfter) {
        if (isOpen())
            m_socket->disconnectFromHost();
        return;
    }
    order->advance();
}

void ClientConnection::leaveQueue()
{
    // Deleted before the answer is complete or before its turn.
    auto *order = static_cast<ResponseOrder *>(m_order.data());
    const qsizetype index = order ? order->indexOf(this) : -1;
    if (index < 0)
        return;
    if (index > 0) {
        ResponseOrder::Entry &entry = order->queue[index];
        entry.connection = nullptr;
        entry.bytes = m_held;
        entry.finished = m_finished;
        entry.closeAfter = m_closeAfter;
        return;
    }
    order->queue.removeFirst();
    order->advance();
}

bool ClientConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void ClientConnection::onDisconnected()
{
    if (m_finished)
        return; // already on its way out
    Q_EMIT clientGone();
    deleteLater();
}

QByteArray ClientConnection::reasonPhrase(int status)
{
    switch (status) {
    case 200: return QByteArrayLiteral("OK");
    case 204: return QByteArrayLiteral("No Content");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 413: return QByteArrayLiteral("Payload Too Large");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 504: return QByteArrayLiteral("Gateway Timeout");
    case 529: return QByteArrayLiteral("Overloaded");
    default: return QByteArrayLiteral("Status");
    }
}

void ClientConnection::writeHead(int status, const Headers &headers, qint64 contentLength)
{
    m_status = status;
    m_headSent = true;
    QByteArray head;
    head.reserve(256);
    head += "HTTP/1.1 ";
    head += QByteArray::number(status);
    head += ' ';
    head += reasonPhrase(status);
    head += "\r\n";
    for (const auto &header : headers) {
        head += header.first;
        head += ": ";
        head += header.second;
        head += "\r\n";
    }
    if (contentLength >= 0) {
        head += "Content-Length: ";
        head += QByteArray::number(contentLength);
        head += "\r\n";
    } else {
        head += "Transfer-Encoding: chunked\r\n";
    }
    if (m_closeAfter)
        head += "Connection: close\r\n";
    head += "\r\n";
    put(head);
}

QByteArray ClientConnection::responseBytes(int status, const Headers &headers, const QByteArray &body, bool closeAfter)
{
    QByteArray out;
    out.reserve(256 + body.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += reasonPhrase(status);
    out += "\r\n";
    for (const auto &header : headers) {
        out += header.first;
        out += ": ";
        out += header.second;
        out += "\r\n";
    }
    out += "Content-Length: ";
    out += QByteArray::number(body.size());
    out += "\r\n";
    if (closeAfter)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    return out;
}

void ClientConnection::respond(int status, const Headers &headers, const QByteArray &body)
{
    if (m_headSent || m_finished)
        return;
    m_status = status;
    m_headSent = true;
    m_finished = true;
    // Head and body in one write: one syscall, one TCP segment for small answers.
    put(responseBytes(status, headers, body, m_closeAfter));
    if (isWriter())
        endTurn();
    deleteLater(); // the owner rule (header): answered, so done
}

void ClientConnection::beginStream(int status, const Headers &headers)
{
    if (m_headSent || m_finished)
        return;
    writeHead(status, headers, -1);
}

void ClientConnection::writeChunk(const QByteArray &bytes)
{
    if (!m_headSent || m_finished || bytes.isEmpty() || !isOpen())
        return;
    QByteArray framed;
    framed.reserve(bytes.size() + 12);
    framed += QByteArray::number(bytes.size(), 16);
    framed += "\r\n";
    framed += bytes;
    framed += "\r\n";
    put(framed);
}

void ClientConnection::endStream()
{
    if (!m_headSent || m_finished)
        return;
    m_finished = true;
    put(QByteArrayLiteral("0\r\n\r\n"));
    if (isWriter())
        endTurn();
    deleteLater();
}

qint64 ClientConnection::pendingBytes() const
{
    return (m_socket ? m_socket->bytesToWrite() : 0) + m_held.size();
}

} // namespace sb
