#pragma once

#include "HttpClientPool.h"

#include <QByteArray>
#include <QString>

namespace sb {

// One HTTP/1.x response from bytes as they arrive, cut anywhere: the status line and headers
// (interim 1xx responses skipped), then a body framed by Content-Length, chunked encoding or
// the end of the connection. Pure: no socket, no timer; the connection feeds it and acts on
// what its sink hears. Body bytes are handed over without copying.
class HttpResponseParser final
{
public:
    class Sink
    {
    public:
        virtual ~Sink() = default;
        // Each returns false when the owner stopped the response (it may have deleted the
        // parser): the parser then returns at once without touching itself.
        virtual bool responseHead(int status, const HttpHeaders &headers) = 0;
        virtual bool responseBody(const char *data, qsizetype size) = 0;
        virtual void responseEnd() = 0;                        // the parser is not used again before reset()
        virtual void responseError(const QString &detail) = 0; // a protocol error; likewise
    };

    static constexpr qsizetype kMaxHeadBytes = 256 * 1024;
    static constexpr qsizetype kMaxChunkLine = 1024;

    // Ready for the response to a new request (`headRequest`: a HEAD, which has no body).
    void reset(bool headRequest = false);
    void feed(const char *data, qsizetype size, Sink &sink);
    // The connection closed: a body read until the close ends here (true); anything else
    // was cut short (false, nothing said to the sink).
    bool connectionClosed(Sink &sink);

    bool headDone() const { return m_state != State::Head; }
    bool finished() const { return m_state == State::Done || m_state == State::Failed; }
    // After the head: whether the connection may carry another request.
    bool keepAlive() const { return m_keepAlive; }
    int status() const { return m_status; }

private:
    enum class State { Head, Length, Chunked, UntilClose, Done, Failed };
    enum class ChunkState { Size, Data, DataEnd, Trailer };

    // Parses m_head (without its blank line); false when the sink stopped or the head is bad.
    bool parseHead(Sink &sink, bool *interim);
    void feedChunked(const char *data, qsizetype size, Sink &sink);
    void end(Sink &sink);
    void error(Sink &sink, const QString &detail);

    State m_state = State::Head;
    bool m_headRequest = false;
    QByteArray m_head;
    int m_status = 0;
    bool m_keepAlive = true;
    qint64 m_remaining = 0;
    ChunkState m_chunkState = ChunkState::Size;
    QByteArray m_chunkLine;
};

} // namespace sb
