#pragma once

#include "protocol/Codec.h"

#include <vector>

namespace sb {

// Canonical events → Anthropic Messages SSE, byte for byte in the shapes Claude Code parses.
// JSON is written directly (no QJsonDocument per event): this runs for every token.
// After an Error event nothing more is written.
class AnthropicSseEncoder final : public StreamEncoder
{
public:
    void encode(const StreamEvent &event, QByteArray &out) override;

private:
    bool m_failed = false;
    // Thinking blocks open without a signature yet: the Anthropic API always sends a
    // signature_delta before a thinking block's stop (the SDKs require `signature`); a block
    // translated from an OpenAI-compatible or Ollama upstream gets an empty one, as the
    // non-streamed answer carries "signature": "".
    std::vector<int> m_unsignedThinking;
};

} // namespace sb
