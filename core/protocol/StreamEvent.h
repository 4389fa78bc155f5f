#pragma once

#include "ApiError.h"
#include "Response.h"

namespace sb {

// One event of the canonical stream. The sequence follows Anthropic's order exactly:
// MessageStart, then per block BlockStart, deltas, BlockStop, then MessageDelta, MessageStop.
// Ping may come anywhere; Error ends the stream.
struct StreamEvent
{
    enum class Type {
        MessageStart,
        BlockStart,
        TextDelta,
        ToolInputDelta,
        ThinkingDelta,
        SignatureDelta,
        BlockStop,
        MessageDelta,
        MessageStop,
        Ping,
        Error
    };
    enum class BlockKind { Text, ToolUse, Thinking, RedactedThinking };

    Type type = Type::Ping;
    int index = 0;                         // block index (BlockStart, deltas, BlockStop)
    BlockKind blockKind = BlockKind::Text; // BlockStart
    QString text;   // TextDelta / ToolInputDelta (partial JSON) / ThinkingDelta / SignatureDelta; RedactedThinking data
    QString toolId; // BlockStart of a tool_use
    QString toolName;                         // BlockStart of a tool_use
    QString messageId;                        // MessageStart
    QString model;                            // MessageStart
    Usage usage;                              // MessageStart (input side), MessageDelta (output side)
    StopReason stopReason = StopReason::None; // MessageDelta
    QString stopSequence;                     // MessageDelta
    ApiError error;                           // Error

    static StreamEvent messageStart(const QString &id, const QString &model, const Usage &usage);
    static StreamEvent blockStart(int index, BlockKind kind, const QString &toolId = {}, const QString &toolName = {});
    static StreamEvent delta(Type type, int index, const QString &text);
    static StreamEvent blockStop(int index);
    static StreamEvent messageDelta(StopReason reason, const Usage &usage, const QString &stopSequence = {});
    static StreamEvent messageStop();
    static StreamEvent ping();
    static StreamEvent failure(const ApiError &error);
};

using StreamEvents = std::vector<StreamEvent>;

} // namespace sb
