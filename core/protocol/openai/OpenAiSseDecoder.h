#pragma once

#include "protocol/BlockSequencer.h"
#include "protocol/SseStreamDecoder.h"
#include "protocol/ThinkTagSplitter.h"

namespace sb {

// An OpenAI-compatible upstream's chat.completion.chunk SSE → canonical events in Anthropic
// order. Reasoning (`reasoning_content`, `reasoning`, or leading `<think>` tags in content)
// becomes a thinking block; each tool call becomes its own tool_use block whose argument
// pieces are ToolInputDeltas. MessageDelta and MessageStop come at `data: [DONE]` (the usage
// chunk arrives after finish_reason), or at finish() when finish_reason was seen.
class OpenAiSseDecoder final : public SseStreamDecoder
{
public:
    void finish(StreamEvents &out) override;

private:
    struct ToolCall
    {
        int index = -1; // the upstream's tool_calls[].index
        QString id;
        QString name;
        QString pendingArguments; // arguments that arrived before the name
        bool started = false;
    };

    void handle(const SseEvent &event, StreamEvents &out) override;
    void handleChunk(const QJsonObject &chunk, StreamEvents &out);
    void handleToolCall(const QJsonObject &piece, StreamEvents &out);
    void appendContent(const QString &text, StreamEvents &out);
    void flushText(StreamEvents &out);
    void startPendingTool(StreamEvents &out);
    void ensureStarted(const QJsonObject &chunk, StreamEvents &out);
    void complete(StreamEvents &out);
    void fail(const ApiError &error, StreamEvents &out);

    std::vector<ThinkSegment> m_segments;
    ThinkTagSplitter m_thinkTags;
    BlockSequencer m_blocks;
    ToolCall m_tool;
    Usage m_usage;
    QString m_finishReason;
    bool m_started = false;
    bool m_sawFinishReason = false;
};

} // namespace sb
