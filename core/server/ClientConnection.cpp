#include "ClientConnection.h"

#include "GuardedTcpServer.h"

#include <QTcpSocket>

namespace sb {

ClientConnection::ClientConnection(QTcpSocket *socket, bool closeAfterResponse, QObject *parent)
    : QObject(parent), m_socket(socket), m_closeAfter(closeAfterResponse)
{
    if (socket) {
        connect(socket, &QTcpSocket::disconnected, this, &ClientConnection::onDisconnected);
        connect(socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket && m_socket->bytesToWrite() == 0)
                Q_EMIT drained();
        });
    }
}

bool ClientConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void ClientConnection::onDisconnected()
{
    if (!m_finished)
        Q_EMIT clientGone();
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
    if (isOpen())
        m_socket->write(head);
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
    if (isOpen()) {
        // Head and body in one write: one syscall, one TCP segment for small answers.
        m_socket->write(responseBytes(status, headers, body, m_closeAfter));
        if (m_closeAfter)
            m_socket->disconnectFromHost();
        else
            GuardedTcpServer::responseFinished(m_socket);
    }
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
    m_socket->write(framed);
}

void ClientConnection::endStream()
{
    if (!m_headSent || m_finished)
        return;
    m_finished = true;
    if (isOpen()) {
        m_socket->write("0\r\n\r\n", 5);
        if (m_closeAfter)
            m_socket->disconnectFromHost();
        else
            GuardedTcpServer::responseFinished(m_socket);
    }
}

qint64 ClientConnection::pendingBytes() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

} // namespace sb
