#pragma once

#include "protocol/Codec.h"

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
};

} // namespace sb
