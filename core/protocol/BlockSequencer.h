#pragma once

#include "StreamEvent.h"
#include "ThinkTagSplitter.h"

namespace sb {

// Opens and closes Anthropic content blocks for decoders of dialects that have none (OpenAI
// chunks, Ollama lines): a delta of another kind closes the open block and starts the next
// index. Empty text never opens a block.
class BlockSequencer final
{
public:
    void appendText(const QString &text, StreamEvents &out);
    void appendThinking(const QString &text, StreamEvents &out);
    // Text that ThinkTagSplitter cut into thinking and visible pieces, in order.
    void appendSegments(const std::vector<ThinkSegment> &segments, StreamEvents &out);
    void startToolUse(const QString &id, const QString &name, StreamEvents &out);
    // Partial JSON for the open tool_use block; ignored when none is open.
    void appendToolInput(const QString &partialJson, StreamEvents &out);
    void closeBlock(StreamEvents &out);

    bool sawToolUse() const { return m_sawToolUse; }
    bool isToolUseOpen() const { return m_open && m_kind == StreamEvent::BlockKind::ToolUse; }

private:
    void append(StreamEvent::BlockKind kind, StreamEvent::Type deltaType, const QString &text, StreamEvents &out);

    bool m_open = false;
    StreamEvent::BlockKind m_kind = StreamEvent::BlockKind::Text;
    int m_index = -1;
    bool m_sawToolUse = false;
};

} // namespace sb
