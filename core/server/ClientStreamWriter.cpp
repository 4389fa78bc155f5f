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
    if (m_client)
        m_client->writeChunk(QByteArray(data, size));
}

void ClientStreamWriter::ping()
{
    if (!m_client)
        return;
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
