#include "BlockSequencer.h"

namespace sb {

void BlockSequencer::appendText(const QString &text, StreamEvents &out)
{
    append(StreamEvent::BlockKind::Text, StreamEvent::Type::TextDelta, text, out);
}

void BlockSequencer::appendThinking(const QString &text, StreamEvents &out)
{
    append(StreamEvent::BlockKind::Thinking, StreamEvent::Type::ThinkingDelta, text, out);
}

void BlockSequencer::append(StreamEvent::BlockKind kind, StreamEvent::Type deltaType, const QString &text,
                            StreamEvents &out)
{
    if (text.isEmpty())
        return;
    if (!m_open || m_kind != kind) {
        closeBlock(out);
        m_open = true;
        m_kind = kind;
        ++m_index;
        out.push_back(StreamEvent::blockStart(m_index, kind));
    }
    out.push_back(StreamEvent::delta(deltaType, m_index, text));
}

void BlockSequencer::startToolUse(const QString &id, const QString &name, StreamEvents &out)
{
    closeBlock(out);
    m_open = true;
    m_kind = StreamEvent::BlockKind::ToolUse;
    m_sawToolUse = true;
    ++m_index;
    out.push_back(StreamEvent::blockStart(m_index, StreamEvent::BlockKind::ToolUse, id, name));
}

void BlockSequencer::appendToolInput(const QString &partialJson, StreamEvents &out)
{
    if (partialJson.isEmpty() || !isToolUseOpen())
        return;
    out.push_back(StreamEvent::delta(StreamEvent::Type::ToolInputDelta, m_index, partialJson));
}

void BlockSequencer::closeBlock(StreamEvents &out)
{
    if (!m_open)
        return;
    out.push_back(StreamEvent::blockStop(m_index));
    m_open = false;
}

void BlockSequencer::appendSegments(const std::vector<ThinkSegment> &segments, StreamEvents &out)
{
    for (const ThinkSegment &segment : segments) {
        if (segment.thinking)
            appendThinking(segment.text, out);
        else
            appendText(segment.text, out);
    }
}

} // namespace sb
