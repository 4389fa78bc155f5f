#pragma once

#include "Codec.h"
#include "SseParser.h"

namespace sb {

// What the SSE-framed stream decoders (Anthropic, OpenAI) share: the framing, and handing
// each event to the dialect until the stream is complete.
class SseStreamDecoder : public StreamDecoder
{
public:
    using StreamDecoder::feed;
    void feed(const char *data, qsizetype size, StreamEvents &out) override;
    bool isComplete() const override { return m_complete; }
    // The framing, for tests of its bounds (the line limit, the bytes buffered).
    SseParser &parser() { return m_parser; }

protected:
    virtual void handle(const SseEvent &event, StreamEvents &out) = 0;
    // For finish(): marks the stream as finishing and decodes an event still waiting for
    // its blank line (an unparsable one then means the body was cut off).
    void drainParser(StreamEvents &out);

    bool m_complete = false;  // the final event or an error was decoded
    bool m_finishing = false; // decoding what the body ended with

private:
    void handleAll(StreamEvents &out);

    SseParser m_parser;
    std::vector<SseEvent> m_events;
};

} // namespace sb
