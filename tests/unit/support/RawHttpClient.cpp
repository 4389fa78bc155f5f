#include "RawHttpClient.h"

#include "TestWait.h"

#include <QTcpSocket>

#include <utility>

namespace sb::test {

QByteArray RawResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

std::optional<RawResponse> takeRawResponse(QByteArray &bytes, bool headRequest)
{
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    RawResponse r;
    r.head = bytes.left(headEnd + 4);
    const QList<QByteArray> lines = bytes.left(headEnd).split('\n');
    r.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            r.headers.append({lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    if (headRequest || r.status == 100 || r.status == 204) {
        bytes.remove(0, pos);
        return r;
    }
    if (r.header("transfer-encoding").contains("chunked")) {
        for (;;) {
            const qsizetype eol = bytes.indexOf("\r\n", pos);
            if (eol < 0)
                return std::nullopt;
            bool ok = false;
            const qsizetype size = bytes.mid(pos, eol - pos).toLongLong(&ok, 16);
            if (!ok)
                return std::nullopt;
            if (bytes.size() < eol + 2 + size + 2)
                return std::nullopt;
            if (size == 0) {
                pos = eol + 4;
                break;
            }
            const QByteArray chunk = bytes.mid(eol + 2, size);
            r.chunks.append(chunk);
            r.body += chunk;
            pos = eol + 2 + size + 2;
        }
    } else {
        const qsizetype length = r.header("content-length").toLongLong();
        if (bytes.size() < pos + length)
            return std::nullopt;
        r.body = bytes.mid(pos, length);
        pos += length;
    }
    r.wireBody = bytes.mid(headEnd + 4, pos - headEnd - 4);
    bytes.remove(0, pos);
    return r;
}

RawHttpClient::RawHttpClient(quint16 port, QObject *parent) : QObject(parent), m_socket(new QTcpSocket(this))
{
    connect(m_socket, &QTcpSocket::readyRead, this, [this] {
        if (m_firstByteAt == 0)
            m_firstByteAt = FakeHttpServer::monotonicMs();
        const QByteArray bytes = m_socket->readAll();
        m_reads.append(bytes);
        m_received += bytes;
    });
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        if (!m_pending.isEmpty())
            m_socket->write(std::exchange(m_pending, QByteArray()));
    });
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { m_disconnected = true; });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        m_error = e;
        if (e == QAbstractSocket::ConnectionRefusedError)
            m_disconnected = true;
    });
    m_socket->connectToHost(QHostAddress::LocalHost, port);
}

RawHttpClient::~RawHttpClient() = default;

bool RawHttpClient::waitConnected(int timeoutMs)
{
    return waitUntil([this] { return m_socket->state() == QAbstractSocket::ConnectedState || m_disconnected; },
                     timeoutMs) &&
           m_socket->state() == QAbstractSocket::ConnectedState;
}

void RawHttpClient::send(const QByteArray &bytes)
{
    // Qt 6.4 does not buffer writes made while still connecting: hold them until connected.
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        m_pending += bytes;
        return;
    }
    m_socket->write(bytes);
    m_socket->flush();
}

void RawHttpClient::sendRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                                const FakeHeaders &headers)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    if (!body.isEmpty() || method == "POST")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n" + body;
    send(out);
}

QByteArray RawHttpClient::received() const
{
    return m_received;
}

QList<QByteArray> RawHttpClient::reads() const
{
    return m_reads;
}

bool RawHttpClient::waitForResponse(int timeoutMs, bool headRequest)
{
    return waitUntil(
        [&] {
            QByteArray copy = m_received;
            return takeRawResponse(copy, headRequest).has_value();
        },
        timeoutMs);
}

std::optional<RawResponse> RawHttpClient::takeResponse(bool headRequest)
{
    return takeRawResponse(m_received, headRequest);
}

bool RawHttpClient::isDisconnected() const
{
    return m_disconnected;
}

bool RawHttpClient::waitDisconnected(int timeoutMs)
{
    return waitUntil([this] { return m_disconnected; }, timeoutMs);
}

QAbstractSocket::SocketError RawHttpClient::error() const
{
    return m_error;
}

qint64 RawHttpClient::firstByteAtMs() const
{
    return m_firstByteAt;
}

qint64 RawHttpClient::abort()
{
    const qint64 now = FakeHttpServer::monotonicMs();
    m_socket->abort();
    return now;
}

std::optional<RawResponse> rawExchange(quint16 port, const QByteArray &method, const QByteArray &path,
                                       const QByteArray &body, const FakeHeaders &headers, int timeoutMs)
{
    RawHttpClient client(port);
    if (!client.waitConnected(timeoutMs))
        return std::nullopt;
    client.sendRequest(method, path, body, headers);
    const bool head = method == "HEAD";
    if (!client.waitForResponse(timeoutMs, head))
        return std::nullopt;
    return client.takeResponse(head);
}

} // namespace sb::test
