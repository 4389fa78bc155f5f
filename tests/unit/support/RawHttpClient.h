#pragma once

#include "FakeHttpServer.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QObject>

#include <optional>

class QTcpSocket;

namespace sb::test {

// One HTTP response as read off the wire by RawHttpClient.
struct RawResponse
{
    int status = 0;
    FakeHeaders headers;
    QByteArray head;          // status line and headers, as received
    QByteArray body;          // de-chunked
    QByteArray wireBody;      // as received (chunk framing included)
    QList<QByteArray> chunks; // the chunked body's chunks, as framed by the server

    QByteArray header(const QByteArray &name) const;
};

// Parses one complete response from the front of `bytes` and removes it; nothing when
// it is not complete yet. `headRequest`: the response has no body.
std::optional<RawResponse> takeRawResponse(QByteArray &bytes, bool headRequest = false);

// A raw TCP client for exact-byte checks: what a real server would put on the wire, and
// what a client sees when the server misbehaves.
class RawHttpClient final : public QObject
{
public:
    explicit RawHttpClient(quint16 port, QObject *parent = nullptr);
    ~RawHttpClient() override;

    bool waitConnected(int timeoutMs = 3000);
    void send(const QByteArray &bytes);
    // A request with Content-Length (when there is a body) and Host.
    void sendRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                     const FakeHeaders &headers = {});

    QByteArray received() const;
    QList<QByteArray> reads() const; // every readyRead's bytes, in order
    bool waitForResponse(int timeoutMs = 5000, bool headRequest = false);
    std::optional<RawResponse> takeResponse(bool headRequest = false);

    bool isDisconnected() const;
    bool waitDisconnected(int timeoutMs = 5000);
    QAbstractSocket::SocketError error() const;
    qint64 firstByteAtMs() const; // FakeHttpServer::monotonicMs(), 0 before any byte
    qint64 abort();               // hangs up now; returns the time it did

private:
    QTcpSocket *m_socket;
    QByteArray m_received;
    QByteArray m_pending;
    QList<QByteArray> m_reads;
    bool m_disconnected = false;
    QAbstractSocket::SocketError m_error = QAbstractSocket::UnknownSocketError;
    qint64 m_firstByteAt = 0;
};

// One request on a fresh connection; the complete response, or nothing on timeout.
std::optional<RawResponse> rawExchange(quint16 port, const QByteArray &method, const QByteArray &path,
                                       const QByteArray &body = {}, const FakeHeaders &headers = {},
                                       int timeoutMs = 5000);

} // namespace sb::test
