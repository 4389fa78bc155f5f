#pragma once

#include "Request.h"

namespace sb {

enum class StopReason { None, EndTurn, ToolUse, MaxTokens, StopSequence, Refusal, PauseTurn };

QString stopReasonName(StopReason reason); // Anthropic spelling: "end_turn" …
StopReason stopReasonFromName(const QString &name);

struct Usage
{
    qint64 inputTokens = -1;  // -1: unknown
    qint64 outputTokens = -1; // -1: unknown
    qint64 cacheReadTokens = 0;
    qint64 cacheWriteTokens = 0;
    bool estimated = false; // counts were estimated, not reported by the upstream
};

// The canonical non-streaming answer.
struct Response
{
    QString id;
    QString model;
    std::vector<ContentPart> content;
    StopReason stopReason = StopReason::None;
    QString stopSequence;
    Usage usage;
};

} // namespace sb
