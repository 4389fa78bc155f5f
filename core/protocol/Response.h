#pragma once

#include "Request.h"

#include <QJsonValue>

#include <optional>

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
    bool estimated = false; // counts were estimated (or clamped), not as the upstream reported them
};

// The largest token count taken from an upstream: more than any context holds.
constexpr qint64 kMaxReportedTokens = 1'000'000'000'000;

// A token count as an upstream reported it: nullopt when absent or not a number. Negative
// counts read as 0; counts beyond kMaxReportedTokens (1e300, 2^63) are clamped to it and
// `*clamped` is set, so they never wrap into negative numbers downstream.
std::optional<qint64> reportedTokenCount(const QJsonValue &value, bool *clamped);

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
