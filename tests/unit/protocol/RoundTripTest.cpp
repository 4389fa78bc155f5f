#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/ResponseStreamer.h"
#include "protocol/StreamAggregator.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "protocol/anthropic/AnthropicSseDecoder.h"
#include "protocol/anthropic/AnthropicSseEncoder.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"
#include "protocol/ollama/OllamaRequestCodec.h"
#include "protocol/openai/OpenAiRequestCodec.h"
#include "protocol/openai/OpenAiSseDecoder.h"

#include <QJsonArray>
#include <QSet>

using namespace sb;
using namespace sb::test;

namespace {

// What Claude Code requires of a stream: message_start first; deltas only inside their open
// block; blocks numbered 0, 1, 2 … and closed before the next opens; message_delta then
// message_stop last. Returns the first violation, empty when the stream is valid.
QString anthropicOrderProblem(const std::vector<ParsedSse> &events)
{
    if (events.empty() || events.front().event != "message_start")
        return QStringLiteral("does not start with message_start");
    int open = -1;
    int nextIndex = 0;
    bool sawMessageDelta = false;
    for (size_t i = 1; i < events.size(); ++i) {
        const QByteArray &name = events[i].event;
        const int index = events[i].data.value(QStringLiteral("index")).toInt(-1);
        if (name == "ping")
            continue;
        if (sawMessageDelta && name != "message_stop")
            return QStringLiteral("%1 after message_delta").arg(QString::fromLatin1(name));
        if (name == "content_block_start") {
            if (open >= 0 || index != nextIndex)
                return QStringLiteral("block %1 starts while %2 is open or out of order").arg(index).arg(open);
            open = index;
            ++nextIndex;
        } else if (name == "content_block_delta") {
            if (index != open)
                return QStringLiteral("delta for block %1 while %2 is open").arg(index).arg(open);
        } else if (name == "content_block_stop") {
            if (index != open)
                return QStringLiteral("stop for block %1 while %2 is open").arg(index).arg(open);
            open = -1;
        } else if (name == "message_delta") {
            if (open >= 0)
                return QStringLiteral("message_delta while block %1 is open").arg(open);
            sawMessageDelta = true;
        } else if (name == "message_stop") {
            if (!sawMessageDelta || i + 1 != events.size())
                return QStringLiteral("message_stop misplaced");
        } else {
            return QStringLiteral("unexpected event %1").arg(QString::fromLatin1(name));
        }
    }
    if (events.back().event != "message_stop")
        return QStringLiteral("does not end with message_stop");
    return {};
}

QByteArray encodeAnthropic(const StreamEvents &events)
{
    AnthropicSseEncoder encoder;
    QByteArray out;
    for (const StreamEvent &event : events)
        encoder.encode(event, out);
    return out;
}

} // namespace

TEST_CASE("Round trip: the order checker rejects broken streams")
{
    StreamEvents events{StreamEvent::messageStart(QStringLiteral("m"), QStringLiteral("x"), Usage{}),
                        StreamEvent::blockStart(0, StreamEvent::BlockKind::Text),
                        StreamEvent::delta(StreamEvent::Type::TextDelta, 1, QStringLiteral("a")),
                        StreamEvent::blockStop(0),
                        StreamEvent::messageDelta(StopReason::EndTurn, Usage{}),
                        StreamEvent::messageStop()};
    CHECK(anthropicOrderProblem(parseSse(encodeAnthropic(events))) ==
          QStringLiteral("delta for block 1 while 0 is open"));
    events[2].index = 0;
    CHECK(anthropicOrderProblem(parseSse(encodeAnthropic(events))).isEmpty());
    events.erase(events.begin() + 3);
    CHECK(anthropicOrderProblem(parseSse(encodeAnthropic(events))) ==
          QStringLiteral("message_delta while block 0 is open"));
}

TEST_CASE("Round trip: every upstream stream becomes a valid Anthropic stream for Claude Code")
{
    struct Case
    {
        const char *fixture;
        std::function<std::unique_ptr<StreamDecoder>()> decoder;
        QList<QByteArray> blockTypes;
        const char *stopReason;
    };
    const auto openAi = [] {
        return std::make_unique<OpenAiSseDecoder>();
    };
    const auto ollama = [] {
        return std::make_unique<OllamaNdjsonDecoder>();
    };
    const auto anthropic = [] {
        return std::make_unique<AnthropicSseDecoder>();
    };
    const Case cases[] = {
        {"openai/stream_parallel_tools.sse", openAi, {"text", "tool_use", "tool_use", "tool_use"}, "tool_use"},
        {"openai/stream_reasoning.sse", openAi, {"thinking", "text"}, "end_turn"},
        {"openai/stream_think_tags.sse", openAi, {"thinking", "text"}, "max_tokens"},
        {"openai/stream_generated_ids.sse", openAi, {"thinking", "tool_use", "tool_use"}, "tool_use"},
        {"ollama/stream_tools.ndjson", ollama, {"thinking", "text", "tool_use", "tool_use"}, "tool_use"},
        {"ollama/stream_think_tags.ndjson", ollama, {"thinking", "text"}, "max_tokens"},
        {"anthropic/upstream_stream_tool_use.sse", anthropic, {"thinking", "text", "tool_use"}, "tool_use"},
    };
    for (const Case &item : cases) {
        INFO(item.fixture);
        const QByteArray sse =
            encodeAnthropic(decodeWhole(item.decoder, readFixture(QString::fromLatin1(item.fixture))));
        const auto events = parseSse(sse);
        CHECK(anthropicOrderProblem(events) == QString());
        QList<QByteArray> blockTypes;
        QSet<QString> toolIds;
        int toolBlocks = 0;
        for (const ParsedSse &event : events) {
            if (event.event != "content_block_start")
                continue;
            const QJsonObject block = event.data.value(QStringLiteral("content_block")).toObject();
            blockTypes.append(block.value(QStringLiteral("type")).toString().toLatin1());
            if (block.value(QStringLiteral("type")).toString() == QStringLiteral("tool_use")) {
                ++toolBlocks;
                toolIds.insert(block.value(QStringLiteral("id")).toString());
                CHECK(block.value(QStringLiteral("input")).toObject().isEmpty());
            }
        }
        CHECK(blockTypes == item.blockTypes);
        CHECK(toolIds.size() == toolBlocks); // each tool call has its own id
        CHECK(events[events.size() - 2]
                  .data.value(QStringLiteral("delta"))
                  .toObject()
                  .value(QStringLiteral("stop_reason"))
                  .toString() == QLatin1String(item.stopReason));
    }
}

TEST_CASE("Round trip: Claude Code request → OpenAI and Ollama bodies keep the essentials")
{
    Request request;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(
        readJsonFixture(QStringLiteral("anthropic/claude_code_main_request.json")), request)));

    const QJsonObject openAi = OpenAiRequestCodec::encode(request);
    const QJsonArray messages = openAi.value(QStringLiteral("messages")).toArray();
    REQUIRE(messages.size() == 3);
    CHECK(messages.at(0).toObject().value(QStringLiteral("role")).toString() == QStringLiteral("system"));
    CHECK_FALSE(
        messages.at(0).toObject().value(QStringLiteral("content")).toString().contains(QStringLiteral("billing")));
    CHECK(messages.at(2).toObject() ==
          QJsonObject{
              {QStringLiteral("role"), QStringLiteral("system")},
              {QStringLiteral("content"), QStringLiteral("Environment: linux, cwd /home/dev/proj, git repo: yes.")}});
    CHECK(openAi.value(QStringLiteral("max_tokens")).toInt() == 32000);
    CHECK(openAi.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool());
    const QJsonArray tools = openAi.value(QStringLiteral("tools")).toArray();
    REQUIRE(tools.size() == 5);
    CHECK(
        tools.at(4).toObject().value(QStringLiteral("function")).toObject().value(QStringLiteral("name")).toString() ==
        QStringLiteral("DeferredToolPlaceholder"));
    CHECK_FALSE(openAi.contains(QStringLiteral("tool_choice")));
    CHECK_FALSE(openAi.contains(QStringLiteral("thinking")));
    CHECK_FALSE(openAi.contains(QStringLiteral("metadata")));

    // The billing line changes every request; nothing else does, so the bodies of two
    // requests that differ only there must be identical (what a prefix cache needs).
    Request again = request;
    again.system[0].text = QStringLiteral("x-anthropic-billing-header: cc_version=2.1.332.000; cc_entrypoint=cli;");
    CHECK(OpenAiRequestCodec::encode(again) == openAi);
    CHECK(OllamaRequestCodec::encode(again, OllamaOptions{}) == OllamaRequestCodec::encode(request, OllamaOptions{}));

    const QJsonObject ollama = OllamaRequestCodec::encode(request, OllamaOptions{});
    CHECK(ollama.value(QStringLiteral("messages")).toArray().size() == 3);
    CHECK(ollama.value(QStringLiteral("stream")).toBool());
    CHECK(ollama.value(QStringLiteral("options")).toObject().value(QStringLiteral("num_predict")).toInt() == 32000);
}

TEST_CASE("Round trip: OpenAI client request → canonical → Anthropic body")
{
    Request request;
    REQUIRE_FALSE(
        failureOf(OpenAiRequestCodec::decode(readJsonFixture(QStringLiteral("openai/client_request.json")), request)));
    const QJsonObject body = AnthropicRequestCodec::encode(request);

    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("gpt-4o"));
    CHECK(body.value(QStringLiteral("max_tokens")).toInt() == 700);
    CHECK(body.value(QStringLiteral("stream")).toBool());
    CHECK(body.value(QStringLiteral("stop_sequences")).toArray() == QJsonArray{QStringLiteral("###")});
    CHECK(body.value(QStringLiteral("tool_choice")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("any")},
                      {QStringLiteral("disable_parallel_tool_use"), true}});
    CHECK(body.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("user_id")).toString() ==
          QStringLiteral("user-42"));
    CHECK(body.value(QStringLiteral("tools")).toArray().at(0).toObject() ==
          QJsonObject{{QStringLiteral("name"), QStringLiteral("list_files")},
                      {QStringLiteral("description"), QStringLiteral("List a directory")},
                      {QStringLiteral("input_schema"),
                       QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                   {QStringLiteral("properties"),
                                    QJsonObject{{QStringLiteral("dir"),
                                                 QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}},
                                   {QStringLiteral("required"), QJsonArray{QStringLiteral("dir")}}}}});

    QStringList systemTexts;
    for (const QJsonValue &block : body.value(QStringLiteral("system")).toArray())
        systemTexts.append(block.toObject().value(QStringLiteral("text")).toString());
    CHECK(systemTexts == QStringList{QStringLiteral("You are terse."), QStringLiteral("Answer in English."),
                                     QStringLiteral("Keep it short.")});

    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    REQUIRE(messages.size() == 4);
    const QJsonArray user = messages.at(0).toObject().value(QStringLiteral("content")).toArray();
    REQUIRE(user.size() == 3);
    CHECK(user.at(1).toObject().value(QStringLiteral("source")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("base64")},
                      {QStringLiteral("media_type"), QStringLiteral("image/jpeg")},
                      {QStringLiteral("data"), QStringLiteral("/9j/4AAQSkZJRg==")}});
    CHECK(user.at(2).toObject().value(QStringLiteral("source")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("url")},
                      {QStringLiteral("url"), QStringLiteral("https://example.test/cat.png")}});
    const QJsonArray assistant = messages.at(1).toObject().value(QStringLiteral("content")).toArray();
    CHECK(assistant.at(1).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                      {QStringLiteral("id"), QStringLiteral("call_2")},
                      {QStringLiteral("name"), QStringLiteral("read_file")},
                      {QStringLiteral("input"), QJsonObject{{QStringLiteral("path"), QStringLiteral("/src/a.txt")}}}});
    const QJsonArray results = messages.at(2).toObject().value(QStringLiteral("content")).toArray();
    CHECK(results.at(0).toObject() == QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_result")},
                                                  {QStringLiteral("tool_use_id"), QStringLiteral("call_1")},
                                                  {QStringLiteral("content"), QStringLiteral("a.txt\nb.txt")}});
    CHECK(messages.at(3)
              .toObject()
              .value(QStringLiteral("content"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("text"))
              .toString() == QStringLiteral("Summarise."));
}

TEST_CASE("Round trip: a non-streaming answer streams and aggregates back unchanged")
{
    Response response;
    REQUIRE_FALSE(failureOf(
        AnthropicResponseCodec::decode(readJsonFixture(QStringLiteral("anthropic/upstream_response.json")), response)));
    const QByteArray sse = encodeAnthropic(ResponseStreamer::toEvents(response));
    CHECK(anthropicOrderProblem(parseSse(sse)).isEmpty());

    AnthropicSseDecoder decoder;
    StreamEvents events;
    decoder.feed(sse, events);
    decoder.finish(events);
    StreamAggregator aggregator;
    aggregator.add(events);
    REQUIRE_FALSE(aggregator.failed());
    CHECK(AnthropicResponseCodec::encode(aggregator.response()) == AnthropicResponseCodec::encode(response));
}
