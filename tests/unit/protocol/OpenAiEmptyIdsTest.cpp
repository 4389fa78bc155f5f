// Issue #16 item 10: the OpenAI encoders wrote empty tool_call_id / tool-call id that the
// project's own OpenAI decoder refuses, and a nameless tool call reached an OpenAI upstream.
#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"
#include "protocol/ollama/OllamaResponseCodec.h"
#include "protocol/openai/OpenAiRequestCodec.h"
#include "protocol/openai/OpenAiResponseCodec.h"
#include "protocol/openai/OpenAiSseDecoder.h"
#include "protocol/openai/OpenAiSseEncoder.h"

#include <QJsonArray>

using namespace sb;
using namespace sb::test;

namespace {

// Two turns of tool use whose ids an Anthropic client left empty.
constexpr const char *kEmptyIdsBody = R"({"model":"m","max_tokens":10,"messages":[
 {"role":"user","content":"read both"},
 {"role":"assistant","content":[{"type":"text","text":"ok"},
   {"type":"tool_use","id":"","name":"Read","input":{"path":"a"}},
   {"type":"tool_use","id":"","name":"Grep","input":{"q":"b"}}]},
 {"role":"user","content":[{"type":"tool_result","tool_use_id":"","content":"A"},
   {"type":"tool_result","tool_use_id":"","content":"B"}]},
 {"role":"assistant","content":[{"type":"tool_use","id":"","name":"Read","input":{"path":"c"}}]},
 {"role":"user","content":[{"type":"tool_result","tool_use_id":"","content":"C"}]}]})";

} // namespace

TEST_CASE("OpenAI request encode: empty tool ids get positional ids the decoder accepts, pairs kept")
{
    Request canonical;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(parseObject(QByteArray(kEmptyIdsBody)), canonical)));
    const QJsonObject body = OpenAiRequestCodec::encode(canonical);

    Request decoded;
    const auto error = failureOf(OpenAiRequestCodec::decode(body, decoded));
    INFO((error ? error->message.toStdString() : std::string()));
    REQUIRE_FALSE(error);

    // The decoded history: each tool_result answers the call at the same position.
    std::vector<QString> useIds;
    std::vector<QString> resultIds;
    std::vector<QString> resultTexts;
    for (const Message &message : decoded.messages) {
        for (const ContentPart &part : message.content) {
            if (part.kind == ContentPart::Kind::ToolUse)
                useIds.push_back(part.toolId);
            if (part.kind == ContentPart::Kind::ToolResult) {
                resultIds.push_back(part.toolId);
                resultTexts.push_back(part.resultText());
            }
        }
    }
    REQUIRE(useIds.size() == 3);
    REQUIRE(resultIds == useIds);
    CHECK(resultTexts == std::vector<QString>{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")});
    CHECK(useIds[0] != useIds[1]);
    CHECK(useIds[0] != useIds[2]);
    for (const QString &id : useIds)
        CHECK(id.startsWith(QStringLiteral("call_")));
    // Stable: the same history encodes to the same ids (a local server's prefix cache hits).
    CHECK(OpenAiRequestCodec::encode(canonical) == body);
}

TEST_CASE("Anthropic request decode: a tool_use without a name is a 400 naming the field")
{
    const QByteArray body = R"({"model":"m","max_tokens":10,"messages":[
     {"role":"user","content":"go"},
     {"role":"assistant","content":[{"type":"text","text":"x"},{"type":"tool_use","id":"toolu_1","name":"","input":{}}]},
     {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"r"}]}]})";
    Request request;
    const auto error = failureOf(AnthropicRequestCodec::decode(parseObject(body), request));
    REQUIRE(error);
    CHECK(error->httpStatus == 400);
    CHECK(error->type == QStringLiteral("invalid_request_error"));
    CHECK(error->message.startsWith(QStringLiteral("messages.1.content.1.name:")));
}

TEST_CASE("OpenAI response encode: a tool call without an id gets a unique non-empty one")
{
    Response response;
    response.id = QStringLiteral("msg_abc");
    response.stopReason = StopReason::ToolUse;
    response.content.push_back(ContentPart::makeToolUse(QString(), QStringLiteral("Read"), QJsonObject{}));
    response.content.push_back(ContentPart::makeToolUse(QString(), QStringLiteral("Grep"), QJsonObject{}));
    const QJsonArray calls = OpenAiResponseCodec::encode(response)
                                 .value(QStringLiteral("choices"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("message"))
                                 .toObject()
                                 .value(QStringLiteral("tool_calls"))
                                 .toArray();
    REQUIRE(calls.size() == 2);
    const QString first = calls.at(0).toObject().value(QStringLiteral("id")).toString();
    const QString second = calls.at(1).toObject().value(QStringLiteral("id")).toString();
    CHECK(first == QStringLiteral("call_abc_0"));
    CHECK(second == QStringLiteral("call_abc_1"));
}

TEST_CASE("OpenAI SSE encoder: a tool_use block without an id streams a non-empty id that decodes back")
{
    OpenAiSseEncoder encoder(QStringLiteral("m"), false);
    QByteArray out;
    const StreamEvents events{
        StreamEvent::messageStart(QStringLiteral("msg_xyz"), QStringLiteral("m"), Usage{}),
        StreamEvent::blockStart(0, StreamEvent::BlockKind::ToolUse, QString(), QStringLiteral("Read")),
        StreamEvent::delta(StreamEvent::Type::ToolInputDelta, 0, QStringLiteral("{}")),
        StreamEvent::blockStop(0),
        StreamEvent::messageDelta(StopReason::ToolUse, Usage{}),
        StreamEvent::messageStop()};
    for (const StreamEvent &event : events)
        encoder.encode(event, out);
    const auto chunks = parseSse(out);
    REQUIRE(chunks.size() >= 2);
    const QJsonObject call = chunks[1]
                                 .data.value(QStringLiteral("choices"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QStringLiteral("delta"))
                                 .toObject()
                                 .value(QStringLiteral("tool_calls"))
                                 .toArray()
                                 .at(0)
                                 .toObject();
    CHECK(call.value(QStringLiteral("id")).toString() == QStringLiteral("call_xyz_0"));

    const StreamEvents back = decodeWhole([] { return std::make_unique<OpenAiSseDecoder>(); }, out);
    bool sawId = false;
    for (const StreamEvent &event : back) {
        if (event.type == StreamEvent::Type::BlockStart && event.blockKind == StreamEvent::BlockKind::ToolUse)
            sawId = event.toolId == QStringLiteral("call_xyz_0");
    }
    CHECK(sawId);
}

// A tool call an upstream sent without a name cannot be run, and a nameless tool_use would come
// back in the next request, which no upstream takes: each decoder fails the answer with a 502.
TEST_CASE("a tool call an upstream sent without a function name fails the answer in every decoder")
{
    const auto nameless = [](const StreamEvents &events) {
        bool failed = false;
        for (const StreamEvent &event : events) {
            if (event.type == StreamEvent::Type::BlockStart && event.blockKind == StreamEvent::BlockKind::ToolUse)
                return QStringLiteral("a tool_use block named \"%1\" was started").arg(event.toolName);
            if (event.type == StreamEvent::Type::Error) {
                failed = event.error.httpStatus == 502 &&
                         event.error.message.contains(QStringLiteral("without a function name"));
                if (!failed)
                    return QStringLiteral("another failure: %1").arg(event.error.message);
            }
            if (event.type == StreamEvent::Type::MessageStop)
                return QStringLiteral("the message stopped normally");
        }
        return failed ? QString() : QStringLiteral("no failure");
    };

    SECTION("OpenAI stream: arguments with no name, then the end")
    {
        const QByteArray stream =
            "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
            "\"type\":\"function\",\"function\":{\"arguments\":\"{\\\"p\\\":1}\"}}]}}]}\n\n"
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
            "data: [DONE]\n\n";
        CHECK(nameless(decodeWhole([] { return std::make_unique<OpenAiSseDecoder>(); }, stream)) == QString());
    }
    SECTION("OpenAI stream: a nameless call followed by text")
    {
        const QByteArray stream =
            "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
            "\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n"
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"then text\"}}]}\n\n"
            "data: [DONE]\n\n";
        CHECK(nameless(decodeWhole([] { return std::make_unique<OpenAiSseDecoder>(); }, stream)) == QString());
    }
    SECTION("OpenAI non-stream")
    {
        const QJsonObject body = parseObject(
            R"({"id":"c1","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
                "tool_calls":[{"id":"call_1","type":"function","function":{"name":"","arguments":"{}"}}]}}]})");
        Response response;
        const auto error = failureOf(OpenAiResponseCodec::decode(body, response));
        REQUIRE(error);
        CHECK(error->httpStatus == 502);
        CHECK(error->message.contains(QStringLiteral("without a function name")));
    }
    SECTION("Ollama stream and non-stream")
    {
        const QByteArray line =
            R"({"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"arguments":{"p":1}}}]},"done":false})"
            "\n"
            R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})"
            "\n";
        CHECK(nameless(decodeWhole([] { return std::make_unique<OllamaNdjsonDecoder>(); }, line)) == QString());
        const QJsonObject body = parseObject(
            R"({"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"","arguments":{}}}]},"done":true})");
        Response response;
        const auto error = failureOf(OllamaResponseCodec::decode(body, response));
        REQUIRE(error);
        CHECK(error->httpStatus == 502);
    }
}
