#include "FakeUpstream.h"

#include <QJsonValue>

namespace sb::test {

FakeUpstream::FakeUpstream(const QByteArray &turnPath, QObject *parent)
    : QObject(parent), m_server(new FakeHttpServer(0, this)), m_turnPath(turnPath), m_turn(FakeTurn::hello())
{
    m_server->setHandler("POST", turnPath, [this](const RecordedRequest &request) { return handleTurn(request); });
}

FakeUpstream::~FakeUpstream() = default;

FakeHttpServer &FakeUpstream::server()
{
    return *m_server;
}

const FakeHttpServer &FakeUpstream::server() const
{
    return *m_server;
}

quint16 FakeUpstream::port() const
{
    return m_server->port();
}

QString FakeUpstream::baseUrl() const
{
    return m_server->baseUrl();
}

void FakeUpstream::setTurn(const FakeTurn &turn)
{
    m_turn = turn;
}

FakeTurn FakeUpstream::turn() const
{
    return m_turn;
}

void FakeUpstream::enqueueTurn(const FakeTurn &turn)
{
    m_turnQueue.append(turn);
}

void FakeUpstream::setTurnHandler(TurnHandler handler)
{
    m_turnHandler = std::move(handler);
}

void FakeUpstream::setWireSplit(FakeWireSplit split)
{
    m_split = split;
}

void FakeUpstream::setChunkDelay(int ms)
{
    m_chunkDelayMs = qMax(0, ms);
}

void FakeUpstream::failNext(int status, int count, int retryAfterSeconds, const QString &message)
{
    for (int i = 0; i < count; ++i)
        m_failures.append({status, retryAfterSeconds, message});
}

void FakeUpstream::errorMidStreamNext(int afterEvents, const QString &message)
{
    m_midStreamAfter = qMax(0, afterEvents);
    m_midStreamMessage = message;
}

void FakeUpstream::cutNextStreamAfter(int chunks)
{
    m_cutAfter = qMax(0, chunks);
}

void FakeUpstream::slowFirstByte(int ms, int count)
{
    m_slowMs = qMax(0, ms);
    m_slowCount = m_slowMs > 0 ? count : 0;
}

void FakeUpstream::hangNext(int count)
{
    m_hangCount += qMax(0, count);
}

void FakeUpstream::closeNextWithoutResponse(int count)
{
    m_closeCount += qMax(0, count);
}

void FakeUpstream::refuse()
{
    m_server->close();
}

bool FakeUpstream::restart()
{
    return m_server->listen();
}

void FakeUpstream::addRoute(const QByteArray &method, const QByteArray &path, FakeHttpServer::Handler handler)
{
    m_server->setHandler(method, path, std::move(handler));
}

QByteArray FakeUpstream::turnPath() const
{
    return m_turnPath;
}

QList<RecordedRequest> FakeUpstream::turnRequests() const
{
    return m_server->requests(m_turnPath);
}

int FakeUpstream::turnCount() const
{
    return m_turnCount;
}

bool FakeUpstream::wantsStream(const RecordedRequest &request) const
{
    return request.json().value(QLatin1String("stream")).toBool(false);
}

bool FakeUpstream::rejectTurn(const RecordedRequest &, FakeReply *) const
{
    return false;
}

int FakeUpstream::nextSerial() const
{
    return ++m_serial;
}

FakeReply FakeUpstream::renderTurn(const RecordedRequest &request, const FakeTurn &turn) const
{
    if (!wantsStream(request))
        return wholeReply(request, turn);
    FakeReply reply;
    reply.withHeader("Content-Type", streamContentType());
    if (streamContentType().startsWith("text/event-stream"))
        reply.withHeader("Cache-Control", "no-cache");
    reply.chunkedEncoding = true;
    for (const QByteArray &event : streamEvents(request, turn))
        reply.chunks.append(qMakePair(0, event));
    return reply;
}

FakeTurn FakeUpstream::pickTurn(const RecordedRequest &request)
{
    if (!m_turnQueue.isEmpty())
        return m_turnQueue.takeFirst();
    if (m_turnHandler)
        return m_turnHandler(request);
    return m_turn;
}

FakeReply FakeUpstream::handleTurn(const RecordedRequest &request)
{
    ++m_turnCount;
    FakeReply rejected;
    if (rejectTurn(request, &rejected))
        return rejected;
    if (!m_failures.isEmpty()) {
        const Failure f = m_failures.takeFirst();
        FakeReply reply = errorReply(f.status, f.message);
        if (f.retryAfter >= 0)
            reply.withHeader("retry-after", QByteArray::number(f.retryAfter));
        return reply;
    }
    if (m_hangCount > 0) {
        --m_hangCount;
        FakeReply reply;
        reply.hang = true;
        return reply;
    }
    if (m_closeCount > 0) {
        --m_closeCount;
        FakeReply reply;
        reply.closeWithoutResponse = true;
        return reply;
    }

    const bool stream = wantsStream(request);
    FakeReply reply;
    if (m_midStreamAfter >= 0 && !stream) {
        m_midStreamAfter = -1;
        reply = errorReply(500, m_midStreamMessage);
    } else {
        reply = renderTurn(request, pickTurn(request));
    }
    if (stream && m_midStreamAfter >= 0) {
        while (reply.chunks.size() > m_midStreamAfter)
            reply.chunks.removeLast();
        reply.chunks.append(qMakePair(0, midStreamError(m_midStreamMessage)));
        m_midStreamAfter = -1;
    }
    if (stream && m_split == FakeWireSplit::InsideUtf8) {
        QList<QPair<int, QByteArray>> split;
        for (const auto &chunk : reply.chunks) {
            for (const QByteArray &part : fakeSplitInsideUtf8(chunk.second))
                split.append(qMakePair(chunk.first, part));
        }
        reply.chunks = split;
    }
    // Split writes only reach the client as separate reads if time passes between them;
    // otherwise the halves coalesce again in the socket buffers.
    const int delay = stream && m_split == FakeWireSplit::InsideUtf8 ? qMax(m_chunkDelayMs, 2) : m_chunkDelayMs;
    if (stream && delay > 0) {
        for (qsizetype i = 1; i < reply.chunks.size(); ++i)
            reply.chunks[i].first = delay;
    }
    if (m_cutAfter >= 0) {
        reply.cutAfterChunks = m_cutAfter;
        m_cutAfter = -1;
    }
    if (m_slowCount != 0 && m_slowMs > 0) {
        reply.firstByteDelayMs = m_slowMs;
        if (m_slowCount > 0)
            --m_slowCount;
    }
    return reply;
}

} // namespace sb::test
