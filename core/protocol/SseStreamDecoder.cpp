#include "SseStreamDecoder.h"

namespace sb {

void SseStreamDecoder::feed(const char *data, qsizetype size, StreamEvents &out)
{
    if (m_complete)
        return;
    m_events.clear();
    m_parser.feed(data, size, m_events);
    handleAll(out);
    if (m_parser.overflowed() && !m_complete) {
        out.push_back(StreamEvent::failure(upstreamLineTooLong(m_parser.maxBytes())));
        m_complete = true;
    }
}

void SseStreamDecoder::drainParser(StreamEvents &out)
{
    m_finishing = true;
    if (m_complete)
        return;
    m_events.clear();
    m_parser.finish(m_events);
    handleAll(out);
}

void SseStreamDecoder::handleAll(StreamEvents &out)
{
    for (const SseEvent &event : m_events) {
        if (m_complete)
            break;
        handle(event, out);
    }
}

} // namespace sb
