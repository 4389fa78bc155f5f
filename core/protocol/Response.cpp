#include "Response.h"

namespace sb {

namespace {
struct StopName
{
    StopReason reason;
    const char *name;
};
constexpr StopName kStopNames[] = {
    {StopReason::EndTurn, "end_turn"},     {StopReason::ToolUse, "tool_use"},
    {StopReason::MaxTokens, "max_tokens"}, {StopReason::StopSequence, "stop_sequence"},
    {StopReason::Refusal, "refusal"},      {StopReason::PauseTurn, "pause_turn"},
};
} // namespace

QString stopReasonName(StopReason reason)
{
    for (const StopName &entry : kStopNames) {
        if (entry.reason == reason)
            return QLatin1String(entry.name);
    }
    return {};
}

StopReason stopReasonFromName(const QString &name)
{
    for (const StopName &entry : kStopNames) {
        if (name == QLatin1String(entry.name))
            return entry.reason;
    }
    return StopReason::None;
}

std::optional<qint64> reportedTokenCount(const QJsonValue &value, bool *clamped)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!(number > 0)) // negative, zero or NaN
        return 0;
    if (number > double(kMaxReportedTokens)) {
        if (clamped)
            *clamped = true;
        return kMaxReportedTokens;
    }
    return qint64(number);
}

} // namespace sb
