#pragma once

#include "protocol/Codec.h"
#include "protocol/SseParser.h"

namespace sb {

// An Anthropic-format upstream's SSE → canonical events. Used as the usage tap on
// pass-through and when a client of another dialect is routed to an Anthropic upstream.
// MessageDelta carries the whole usage (input side from message_start when the
// message_delta has none). An `error` event becomes an Error event and ends decoding.
class AnthropicSseDecoder final : public StreamDecoder
{
public:
    using StreamDecoder::feed;
    void feed(const char *data, qsizetype size, StreamEvents &out) override;
    void finish(StreamEvents &out) override;
    bool isComplete() const override { return m_complete; }

private:
    void handle(const SseEvent &event, StreamEvents &out);
    void fail(const ApiError &error, StreamEvents &out);

    SseParser m_parser;
    std::vector<SseEvent> m_events;
    Usage m_usage;
    bool m_complete = false;   // message_stop or an error was decoded
    bool m_finishing = false;  // decoding what the body ended with: unparsable means cut off
};

} // namespace sb
