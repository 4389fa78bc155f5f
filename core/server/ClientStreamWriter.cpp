#include "ClientStreamWriter.h"

#include "protocol/anthropic/AnthropicSseEncoder.h"

namespace sb {

ClientStreamWriter::ClientStreamWriter(ClientConnection *client, std::unique_ptr<StreamEncoder> encoder,
                                       int pingIntervalMs, QObject *parent)
    : QObject(parent), m_client(client), m_encoder(std::move(encoder))
{
    m_ping.setInterval(pingIntervalMs);
    connect(&m_ping, &QTimer::timeout, this, &ClientStreamWriter::pingDue);
    connect(client, &ClientConnection::drained, this, &ClientStreamWriter::drained);
}

void ClientStreamWriter::commit(const ClientConnection::Headers &headers, const StreamEvent *messageStart)
{
    if (!m_client || m_client->headSent())
        return;
    m_client->beginStream(200, headers);
    m_committed = true;
    if (!messageStart)
        return;
    m_out.clear();
    m_encoder->encode(*messageStart, m_out);
    m_client->writeChunk(m_out);
    m_out.clear();
}

void ClientStreamWriter::add(const StreamEvent &event)
{
    m_encoder->encode(event, m_out);
}

void ClientStreamWriter::flush()
{
    if (m_client && !m_out.isEmpty())
        m_client->writeChunk(m_out);
    m_out.clear();
}

void ClientStreamWriter::relay(const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    m_relayed = true;
    for (qsizetype i = qMax<qsizetype>(0, size - 3); i < size; ++i) {
        m_relayEnd[0] = m_relayEnd[1];
        m_relayEnd[1] = m_relayEnd[2];
        m_relayEnd[2] = data[i];
    }
    if (m_client)
        m_client->writeChunk(QByteArray(data, size));
}

bool ClientStreamWriter::relayBetweenEvents() const
{
    if (!m_relayed)
        return true;
    const char *e = m_relayEnd;
    return e[2] == '\n' && (e[1] == '\n' || (e[1] == '\r' && e[0] == '\n'));
}

void ClientStreamWriter::ping()
{
    if (!m_client)
        return;
    if (!relayBetweenEvents())
        return; // a relayed event is half written: a ping now would land inside it
    m_out.clear();
    m_encoder->encode(StreamEvent::ping(), m_out);
    m_client->writeChunk(m_out);
    m_out.clear();
}

void ClientStreamWriter::endWithError(const ApiError &error, bool anthropicWire)
{
    m_ping.stop();
    if (!m_client)
        return;
    m_out.clear();
    // After relayed lines of an event whose blank line has not come, end that event first, so
    // the error is an event of its own and not glued to it. (Only whole lines are relayed.)
    if (!relayBetweenEvents())
        m_out.append(m_relayEnd[2] == '\n' ? "\n" : "\n\n");
    if (m_encoder && !anthropicWire) {
        m_encoder->encode(StreamEvent::failure(error), m_out);
    } else {
        AnthropicSseEncoder encoder;
        encoder.encode(StreamEvent::failure(error), m_out);
    }
    m_client->writeChunk(m_out);
    m_out.clear();
    closeStream();
}

void ClientStreamWriter::end()
{
    m_ping.stop();
    if (m_client)
        closeStream();
}

void ClientStreamWriter::closeStream()
{
    if (m_client->headSent() && !m_client->finished()) {
        m_endStatus = m_client->status();
        m_ended = true;
    }
    m_client->endStream();
}

bool ClientStreamWriter::congested() const
{
    return m_client && m_client->pendingBytes() > kHighWaterBytes;
}

} // namespace sb
