#include "protocol/StreamEvent.h"
#include "protocol/Response.h"

#include <catch2/catch.hpp>

using namespace sb;

TEST_CASE("stop reasons round-trip through their Anthropic names")
{
    for (StopReason reason : {StopReason::EndTurn, StopReason::ToolUse, StopReason::MaxTokens, StopReason::StopSequence,
                              StopReason::Refusal, StopReason::PauseTurn}) {
        CHECK(stopReasonFromName(stopReasonName(reason)) == reason);
    }
    CHECK(stopReasonName(StopReason::ToolUse) == QStringLiteral("tool_use"));
    CHECK(stopReasonFromName(QStringLiteral("nonsense")) == StopReason::None);
}
