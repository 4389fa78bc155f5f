#pragma once

#include "protocol/SseStreamDecoder.h"

namespace sb {

// An Anthropic-format upstream's SSE → canonical events. Used as the usage tap on
// pass-through and when a client of another dialect is routed to an Anthropic upstream.
// MessageDelta carries the whole usage (input side from message_start when the
// message_delta has none). An `error` event becomes an Error event and ends decoding.
class AnthropicSseDecoder final : public SseStreamDecoder
{
public:
    void finish(StreamEvents &out) override;
    bool errorCameFromUpstream() const override { return m_upstreamError; }

private:
    void handle(const SseEvent &event, StreamEvents &out) override;
    void fail(const ApiError &error, StreamEvents &out);

    Usage m_usage;
    bool m_upstreamError = false;
};

} // namespace sb
