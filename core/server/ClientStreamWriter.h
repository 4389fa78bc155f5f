#pragma once

#include "ClientConnection.h"
#include "protocol/Codec.h"
#include "protocol/StreamEvent.h"

#include <QPointer>
#include <QTimer>

#include <memory>

namespace sb {

// The client side of a streamed answer: commits the stream (status, headers and, unless the
// upstream's own bytes are relayed, our message_start), encodes events in the client's
// dialect and writes them in one chunk per batch, keeps a silent stream alive with pings,
// says when the client reads too slowly (backpressure), and ends a stream that fails midway
// with an error event rather than a silent cut. It knows nothing of upstreams or routing.
class ClientStreamWriter final : public QObject
{
    Q_OBJECT
public:
    // A client that has this much queued and unread is congested: stop reading upstream.
    static constexpr qint64 kHighWaterBytes = 1024 * 1024;

    ClientStreamWriter(ClientConnection *client, std::unique_ptr<StreamEncoder> encoder, int pingIntervalMs,
                       QObject *parent = nullptr);

    // The connection deletes itself once the stream ends or its client hangs up (its owner
    // rule), so what it said is kept here: after end() the status stays the one sent.
    bool clientOpen() const { return !m_client.isNull() && !m_ended; }
    bool committed() const { return m_committed || (m_client && m_client->headSent()); }
    int status() const { return m_endStatus ? m_endStatus : (m_client ? m_client->status() : 499); }

    // Sends the head once; `messageStart` goes out first unless the stream relays an upstream
    // that sends its own.
    void commit(const ClientConnection::Headers &headers, const StreamEvent *messageStart);
    // Encodes events into the pending batch; flush() writes it as one chunk.
    void add(const StreamEvent &event);
    void flush();
    // The upstream's bytes, unchanged (pass-through).
    void relay(const char *data, qsizetype size);
    // True when nothing was relayed or the relayed bytes end with a blank line (between two
    // events): only there may an event of ours (a ping, an error) go.
    bool relayBetweenEvents() const;
    // Ends the stream with an error event. `anthropicWire`: encoded as Anthropic SSE whatever
    // the encoder (a relayed Anthropic stream has no encoder of ours).
    void endWithError(const ApiError &error, bool anthropicWire = false);
    void end();

    void startPings() { m_ping.start(); }
    // Silence is measured from the last write.
    void restartPingClock() { m_ping.start(); }
    void stopPings() { m_ping.stop(); }
    void ping();

    bool congested() const;

Q_SIGNALS:
    // A ping is due: the owner decides whether the stream may be committed yet.
    void pingDue();
    // The client has read everything queued: reading upstream may resume.
    void drained();

private:
    void closeStream();

    QPointer<ClientConnection> m_client;
    std::unique_ptr<StreamEncoder> m_encoder;
    QByteArray m_out;
    QTimer m_ping;
    char m_relayEnd[3] = {0, 0, 0}; // the last bytes relayed, newest last
    bool m_relayed = false;
    bool m_committed = false;
    bool m_ended = false;
    int m_endStatus = 0; // the status of a stream that ended (0: not ended, or never committed)
};

} // namespace sb
