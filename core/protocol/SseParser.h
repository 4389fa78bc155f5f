#pragma once

#include "FramingLimits.h"

#include <QByteArray>

#include <vector>

namespace sb {

struct SseEvent
{
    QByteArray event; // the `event:` field; empty when the server sent none
    QByteArray data;  // `data:` lines joined by "\n"
};

// Server-sent-events framing (WHATWG rules): lines end in \n, \r\n or \r; `:` starts a
// comment; several `data:` lines make one event; a blank line dispatches it. Bytes may be
// split anywhere, including inside a line ending or a UTF-8 sequence.
class SseParser final
{
public:
    void feed(const char *data, qsizetype size, std::vector<SseEvent> &out);
    void feed(const QByteArray &bytes, std::vector<SseEvent> &out) { feed(bytes.constData(), bytes.size(), out); }
    // The body ended: dispatch an event still waiting for its blank line. Servers that close
    // right after the last `data:` line are common enough to accept.
    void finish(std::vector<SseEvent> &out);
    // A line or an event grew past `maxBytes` without its line break / blank line: what was
    // buffered is dropped and the rest of the stream ignored. The decoder reports the error.
    bool overflowed() const { return m_overflowed; }
    void setMaxBytes(qsizetype maxBytes) { m_maxBytes = maxBytes; } // for tests
    qsizetype maxBytes() const { return m_maxBytes; }
    qsizetype bufferedBytes() const { return m_line.size() + m_data.size(); }

private:
    void processLine(const char *line, qsizetype size, std::vector<SseEvent> &out);
    void dispatch(std::vector<SseEvent> &out);
    void overflow();

    QByteArray m_line; // a line not yet terminated
    QByteArray m_event;
    QByteArray m_data;
    bool m_hasData = false;
    bool m_skipLineFeed = false; // the previous chunk ended in \r: a leading \n belongs to it
    bool m_overflowed = false;
    qsizetype m_maxBytes = kMaxUpstreamLineBytes;
};

} // namespace sb
