// Token counts from upstreams as numbers JSON allows but no model reports (1e300, 2^63):
// clamped and marked, never wrapped into negative numbers on their way to the client and the log.
#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "protocol/anthropic/AnthropicSseDecoder.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"
#include "protocol/ollama/OllamaResponseCodec.h"
#include "protocol/openai/OpenAiResponseCodec.h"
#include "protocol/openai/OpenAiSseDecoder.h"

using namespace sb;
using namespace sb::test;

namespace {

const Usage *lastUsage(const StreamEvents &events)
{
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->type == StreamEvent::Type::MessageDelta)
            return &it->usage;
    }
    return nullptr;
}

} // namespace

TEST_CASE("reportedTokenCount: absent, negative, ordinary and absurd counts")
{
    bool clamped = false;
    CHECK_FALSE(reportedTokenCount(QJsonValue(), &clamped));
    CHECK_FALSE(reportedTokenCount(QJsonValue(QStringLiteral("12")), &clamped));
    CHECK(reportedTokenCount(QJsonValue(-5), &clamped) == 0);
    CHECK(reportedTokenCount(QJsonValue(1234), &clamped) == 1234);
    CHECK_FALSE(clamped);
    CHECK(reportedTokenCount(QJsonValue(1e300), &clamped) == kMaxReportedTokens);
    CHECK(clamped);
    clamped = false;
    CHECK(reportedTokenCount(QJsonValue(9223372036854775808.0), &clamped) == kMaxReportedTokens);
    CHECK(clamped);
}

TEST_CASE("every decoder clamps absurd usage numbers and marks them")
{
    const char *const absurd[] = {"1e300", "9223372036854775808"};
    for (const char *number : absurd) {
        INFO(number);
        const QByteArray n(number);

        Response anthropic;
        REQUIRE_FALSE(failureOf(AnthropicResponseCodec::decode(
            parseObject(
                R"({"id":"msg_1","type":"message","role":"assistant","content":[],"stop_reason":"end_turn","usage":{"input_tokens":)" +
                n + R"(,"output_tokens":)" + n + "}}"),
            anthropic)));
        CHECK(anthropic.usage.inputTokens == kMaxReportedTokens);
        CHECK(anthropic.usage.outputTokens == kMaxReportedTokens);
        CHECK(anthropic.usage.estimated);

        Response ollama;
        REQUIRE_FALSE(failureOf(OllamaResponseCodec::decode(
            parseObject(
                R"({"model":"m","message":{"role":"assistant","content":"hi"},"done":true,"done_reason":"stop","prompt_eval_count":)" +
                n + R"(,"eval_count":)" + n + "}"),
            ollama)));
        CHECK(ollama.usage.inputTokens == kMaxReportedTokens);
        CHECK(ollama.usage.estimated);

        Response openai;
        REQUIRE_FALSE(failureOf(OpenAiResponseCodec::decode(
            parseObject(
                R"({"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":)" +
                n + R"(,"completion_tokens":)" + n + "}}"),
            openai)));
        CHECK(openai.usage.inputTokens == kMaxReportedTokens);
        CHECK(openai.usage.outputTokens == kMaxReportedTokens);
        CHECK(openai.usage.estimated);

        StreamEvents events;
        AnthropicSseDecoder sse;
        sse.feed("event: message_start\ndata: "
                 "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                 "\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":" +
                     n +
                     ",\"output_tokens\":1}}}\n\n"
                     "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                     "\"usage\":{\"output_tokens\":" +
                     n + "}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
                 events);
        REQUIRE(lastUsage(events));
        CHECK(lastUsage(events)->outputTokens == kMaxReportedTokens);
        CHECK(lastUsage(events)->estimated);

        events.clear();
        OllamaNdjsonDecoder ndjson;
        ndjson.feed("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}\n"
                    "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                    "\"done_reason\":\"stop\",\"prompt_eval_count\":" +
                        n + ",\"eval_count\":" + n + "}\n",
                    events);
        REQUIRE(lastUsage(events));
        CHECK(lastUsage(events)->inputTokens == kMaxReportedTokens);
        CHECK(lastUsage(events)->estimated);

        events.clear();
        OpenAiSseDecoder chunks;
        chunks.feed(
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"}}]}\n\n"
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":" +
                n + ",\"completion_tokens\":" + n + "}}\n\ndata: [DONE]\n\n",
            events);
        REQUIRE(lastUsage(events));
        CHECK(lastUsage(events)->inputTokens == kMaxReportedTokens);
        CHECK(lastUsage(events)->outputTokens == kMaxReportedTokens);
        CHECK(lastUsage(events)->estimated);
    }
}
