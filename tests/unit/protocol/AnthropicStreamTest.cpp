#include "ProtocolTestSupport.h"
#include "protocol/ResponseStreamer.h"
#include "protocol/StreamAggregator.h"
#include "protocol/anthropic/AnthropicSseDecoder.h"
#include "protocol/anthropic/AnthropicSseEncoder.h"

#include <QJsonArray>

using namespace sb;
using namespace sb::test;

namespace {
const DecoderFactory kDecoder = [] {
    return std::make_unique<AnthropicSseDecoder>();
};
} // namespace

TEST_CASE("Anthropic SSE decoder: thinking, text and a tool call in pieces")
{
    const QByteArray bytes = readFixture(QStringLiteral("anthropic/upstream_stream_tool_use.sse"));
    const QStringList events = describe(decodeWhole(kDecoder, bytes));
    const QStringList expected{
        QStringLiteral(
            "MessageStart id=msg_01XyZupstream0000000001 model=claude-sonnet-4-5 in=2150 out=3 cr=1800 cw=120"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [Need a greeting file]"),
        QStringLiteral("ThinkingDelta #0 [ with unicode.]"),
        QStringLiteral("SignatureDelta #0 [EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDSOz]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("Ping"),
        QStringLiteral("BlockStart #1 text   "),
        QStringLiteral("TextDelta #1 [Writing héllo 你好 🎉]"),
        QStringLiteral("TextDelta #1 [ to the file.\n]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("BlockStart #2 tool_use toolu_01UpstreamToolCall00001 Write "),
        QStringLiteral("ToolInputDelta #2 []"),
        QStringLiteral("ToolInputDelta #2 [{\"file_pa]"),
        QStringLiteral("ToolInputDelta #2 [th\": \"/home/dev/proj/gr]"),
        QStringLiteral("ToolInputDelta #2 [eeting.txt\", \"con]"),
        QStringLiteral("ToolInputDelta #2 [tent\": \"héllo 你好 🎉\\n\"}]"),
        QStringLiteral("BlockStop #2"),
        QStringLiteral("MessageDelta tool_use seq= in=2150 out=87 cr=1800 cw=120"),
        QStringLiteral("MessageStop"),
    };
    CHECK(events == expected);
    CHECK(countSplitMismatches(kDecoder, bytes, expected) == 0);

    AnthropicSseDecoder decoder;
    StreamEvents out;
    decoder.feed(bytes, out);
    CHECK(decoder.isComplete());
}

TEST_CASE("Anthropic SSE decoder: an error event ends the stream with its error")
{
    const QByteArray bytes = readFixture(QStringLiteral("anthropic/upstream_stream_error.sse"));
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_01Overloaded000000000001 model=claude-sonnet-4-5 in=12 out=1 cr=0 cw=0"),
        QStringLiteral("Error 529 overloaded_error Overloaded"),
    };
    CHECK(describe(decodeWhole(kDecoder, bytes)) == expected);
    CHECK(countSplitMismatches(kDecoder, bytes, expected) == 0);
}

TEST_CASE("Anthropic SSE decoder: a truncated stream ends with an Error from finish()")
{
    const QByteArray bytes = readFixture(QStringLiteral("anthropic/upstream_stream_truncated.sse"));
    const QStringList events = describe(decodeWhole(kDecoder, bytes));
    REQUIRE(events.size() == 11);
    CHECK(events.at(9) == QStringLiteral("TextDelta #1 [ to the file.\n]"));
    CHECK(events.last() == QStringLiteral("Error 502 api_error upstream stream ended before it was complete"));
    CHECK(countSplitMismatches(kDecoder, bytes, events) == 0);

    AnthropicSseDecoder decoder;
    StreamEvents out;
    decoder.feed(bytes, out);
    CHECK_FALSE(decoder.isComplete());
}

TEST_CASE("Anthropic SSE decoder: malformed data is an error, not silence")
{
    const QByteArray bytes("event: message_start\ndata: {not json\n\n");
    const StreamEvents out = decodeWhole(kDecoder, bytes);
    REQUIRE(out.size() == 1);
    CHECK(out[0].type == StreamEvent::Type::Error);
    CHECK(out[0].error.httpStatus == 502);
    CHECK(out[0].error.message.startsWith(QStringLiteral("upstream sent a malformed stream event")));
    CHECK(countSplitMismatches(kDecoder, bytes, describe(out)) == 0);
}

TEST_CASE("Anthropic SSE encoder: every event kind in the exact wire shape")
{
    AnthropicSseEncoder encoder;
    QByteArray out;
    Usage startUsage;
    startUsage.inputTokens = 42;
    startUsage.cacheReadTokens = 7;
    encoder.encode(StreamEvent::messageStart(QStringLiteral("msg_1"), QStringLiteral("qwen3"), startUsage), out);
    CHECK(out ==
          QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                     "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"qwen3\",\"content\":[],"
                     "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":42,"
                     "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":7,\"output_tokens\":0}}}\n\n"));

    out.clear();
    encoder.encode(StreamEvent::blockStart(0, StreamEvent::BlockKind::Thinking), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::ThinkingDelta, 0, QStringLiteral("a \"b\"")), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::SignatureDelta, 0, QStringLiteral("sig")), out);
    encoder.encode(StreamEvent::blockStop(0), out);
    encoder.encode(StreamEvent::ping(), out);
    encoder.encode(StreamEvent::blockStart(1, StreamEvent::BlockKind::Text), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::TextDelta, 1, QStringLiteral("héllo 你好 🎉\n")), out);
    encoder.encode(StreamEvent::blockStop(1), out);
    encoder.encode(
        StreamEvent::blockStart(2, StreamEvent::BlockKind::ToolUse, QStringLiteral("toolu_9"), QStringLiteral("Bash")),
        out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::ToolInputDelta, 2, QStringLiteral("{\"command\":")), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::ToolInputDelta, 2, QStringLiteral("\"ls\"}")), out);
    encoder.encode(StreamEvent::blockStop(2), out);
    StreamEvent redacted = StreamEvent::blockStart(3, StreamEvent::BlockKind::RedactedThinking);
    redacted.text = QStringLiteral("opaque");
    encoder.encode(redacted, out);
    encoder.encode(StreamEvent::blockStop(3), out);
    Usage endUsage;
    endUsage.inputTokens = 42;
    endUsage.outputTokens = 17;
    encoder.encode(StreamEvent::messageDelta(StopReason::ToolUse, endUsage), out);
    encoder.encode(StreamEvent::messageStop(), out);

    const auto parsed = parseSse(out);
    const QList<QByteArray> names{"content_block_start",
                                  "content_block_delta",
                                  "content_block_delta",
                                  "content_block_stop",
                                  "ping",
                                  "content_block_start",
                                  "content_block_delta",
                                  "content_block_stop",
                                  "content_block_start",
                                  "content_block_delta",
                                  "content_block_delta",
                                  "content_block_stop",
                                  "content_block_start",
                                  "content_block_stop",
                                  "message_delta",
                                  "message_stop"};
    REQUIRE(parsed.size() == size_t(names.size()));
    for (size_t i = 0; i < parsed.size(); ++i) {
        INFO("event " << i);
        CHECK(parsed[i].event == names[qsizetype(i)]);
        // The data's type always repeats the event name.
        CHECK(parsed[i].data.value(QStringLiteral("type")).toString() == QString::fromLatin1(names[qsizetype(i)]));
    }
    CHECK(parsed[0].data.value(QStringLiteral("content_block")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("thinking")}, {QStringLiteral("thinking"), QString()}});
    CHECK(parsed[1].data.value(QStringLiteral("delta")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("thinking_delta")},
                      {QStringLiteral("thinking"), QStringLiteral("a \"b\"")}});
    CHECK(parsed[2].data.value(QStringLiteral("delta")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("signature_delta")},
                      {QStringLiteral("signature"), QStringLiteral("sig")}});
    CHECK(parsed[3].data.value(QStringLiteral("index")).toInt(-1) == 0);
    CHECK(parsed[5].data.value(QStringLiteral("content_block")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), QString()}});
    CHECK(parsed[6].data.value(QStringLiteral("index")).toInt() == 1);
    CHECK(parsed[6].data.value(QStringLiteral("delta")).toObject().value(QStringLiteral("text")).toString() ==
          QStringLiteral("héllo 你好 🎉\n"));
    CHECK(parsed[8].data.value(QStringLiteral("content_block")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                      {QStringLiteral("id"), QStringLiteral("toolu_9")},
                      {QStringLiteral("name"), QStringLiteral("Bash")},
                      {QStringLiteral("input"), QJsonObject()}});
    CHECK(parsed[9].data.value(QStringLiteral("delta")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("input_json_delta")},
                      {QStringLiteral("partial_json"), QStringLiteral("{\"command\":")}});
    CHECK(parsed[12].data.value(QStringLiteral("content_block")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("redacted_thinking")},
                      {QStringLiteral("data"), QStringLiteral("opaque")}});
    const QJsonObject messageDelta = parsed[14].data;
    CHECK(messageDelta.value(QStringLiteral("delta")).toObject() ==
          QJsonObject{{QStringLiteral("stop_reason"), QStringLiteral("tool_use")},
                      {QStringLiteral("stop_sequence"), QJsonValue()}});
    CHECK(messageDelta.value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInt() == 17);
    CHECK(messageDelta.value(QStringLiteral("usage")).toObject().value(QStringLiteral("input_tokens")).toInt() == 42);
}

TEST_CASE("Anthropic SSE encoder: message_delta omits unknown input usage; error ends the output")
{
    AnthropicSseEncoder encoder;
    QByteArray out;
    Usage usage;
    usage.outputTokens = 5;
    encoder.encode(StreamEvent::messageDelta(StopReason::EndTurn, usage, QStringLiteral("END")), out);
    CHECK(out ==
          QByteArray("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                     "\"stop_sequence\":\"END\"},\"usage\":{\"output_tokens\":5}}\n\n"));
    out.clear();
    encoder.encode(StreamEvent::failure(ApiError::upstream(503, QStringLiteral("Ollama is busy"))), out);
    CHECK(out ==
          QByteArray(
              "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Ollama "
              "is busy\"}}\n\n"));
    encoder.encode(StreamEvent::messageStop(), out);
    CHECK(out.count("event:") == 1);
}

TEST_CASE("Anthropic SSE: encoder output decodes back to the same events")
{
    const QByteArray upstream = readFixture(QStringLiteral("anthropic/upstream_stream_tool_use.sse"));
    const StreamEvents events = decodeWhole(kDecoder, upstream);
    AnthropicSseEncoder encoder;
    QByteArray encoded;
    for (const StreamEvent &event : events)
        encoder.encode(event, encoded);
    const QStringList original = describe(events);
    CHECK(describe(decodeWhole(kDecoder, encoded)) == original);
    CHECK(countSplitMismatches(kDecoder, encoded, original) == 0);
}

TEST_CASE("StreamAggregator builds the Response; ResponseStreamer streams it back")
{
    StreamAggregator aggregator;
    aggregator.add(decodeWhole(kDecoder, readFixture(QStringLiteral("anthropic/upstream_stream_tool_use.sse"))));
    REQUIRE_FALSE(aggregator.failed());
    CHECK(aggregator.isComplete());
    const Response response = aggregator.response();
    CHECK(response.id == QStringLiteral("msg_01XyZupstream0000000001"));
    CHECK(response.stopReason == StopReason::ToolUse);
    CHECK(response.usage.inputTokens == 2150);
    CHECK(response.usage.outputTokens == 87);
    CHECK(response.usage.cacheReadTokens == 1800);
    REQUIRE(response.content.size() == 3);
    CHECK(response.content[0].text == QStringLiteral("Need a greeting file with unicode."));
    CHECK(response.content[0].signature == QStringLiteral("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDSOz"));
    CHECK(response.content[1].text == QStringLiteral("Writing héllo 你好 🎉 to the file.\n"));
    CHECK(response.content[2].toolId == QStringLiteral("toolu_01UpstreamToolCall00001"));
    CHECK(response.content[2].toolInput ==
          QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/home/dev/proj/greeting.txt")},
                      {QStringLiteral("content"), QStringLiteral("héllo 你好 🎉\n")}});

    const StreamEvents replay = ResponseStreamer::toEvents(response);
    const QStringList lines = describe(replay);
    const QStringList expected{
        QStringLiteral(
            "MessageStart id=msg_01XyZupstream0000000001 model=claude-sonnet-4-5 in=2150 out=1 cr=1800 cw=120"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [Need a greeting file with unicode.]"),
        QStringLiteral("SignatureDelta #0 [EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDSOz]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 text   "),
        QStringLiteral("TextDelta #1 [Writing héllo 你好 🎉 to the file.\n]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("BlockStart #2 tool_use toolu_01UpstreamToolCall00001 Write "),
        QStringLiteral(
            "ToolInputDelta #2 [{\"content\":\"héllo 你好 🎉\\n\",\"file_path\":\"/home/dev/proj/greeting.txt\"}]"),
        QStringLiteral("BlockStop #2"),
        QStringLiteral("MessageDelta tool_use seq= in=2150 out=87 cr=1800 cw=120"),
        QStringLiteral("MessageStop"),
    };
    CHECK(lines == expected);

    StreamAggregator again;
    again.add(replay);
    CHECK(again.response().content[2].toolInput == response.content[2].toolInput);
    CHECK(again.response().content[0].signature == response.content[0].signature);
}

TEST_CASE("StreamAggregator fails on error events and on invalid tool JSON")
{
    StreamAggregator errored;
    errored.add(decodeWhole(kDecoder, readFixture(QStringLiteral("anthropic/upstream_stream_error.sse"))));
    CHECK(errored.failed());
    CHECK(errored.error().type == QStringLiteral("overloaded_error"));

    StreamAggregator broken;
    broken.add(
        StreamEvent::blockStart(0, StreamEvent::BlockKind::ToolUse, QStringLiteral("t"), QStringLiteral("Bash")));
    broken.add(StreamEvent::delta(StreamEvent::Type::ToolInputDelta, 0, QStringLiteral("{\"command\": ")));
    broken.add(StreamEvent::blockStop(0));
    CHECK(broken.failed());
    CHECK(broken.error().message.contains(QStringLiteral("\"Bash\"")));

    StreamAggregator noArguments;
    noArguments.add(
        StreamEvent::blockStart(0, StreamEvent::BlockKind::ToolUse, QStringLiteral("t"), QStringLiteral("Now")));
    noArguments.add(StreamEvent::blockStop(0));
    CHECK_FALSE(noArguments.failed());
    CHECK(noArguments.response().content.at(0).toolInput.isEmpty());
}

TEST_CASE("Anthropic SSE encoder: a thinking block without a signature gets an empty signature_delta before its stop")
{
    // As from an OpenAI-compatible or Ollama upstream, which send reasoning but no signature.
    AnthropicSseEncoder encoder;
    QByteArray out;
    encoder.encode(StreamEvent::blockStart(0, StreamEvent::BlockKind::Thinking), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::ThinkingDelta, 0, QStringLiteral("hmm")), out);
    encoder.encode(StreamEvent::blockStop(0), out);
    encoder.encode(StreamEvent::blockStart(1, StreamEvent::BlockKind::Text), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::TextDelta, 1, QStringLiteral("hi")), out);
    encoder.encode(StreamEvent::blockStop(1), out);
    const auto parsed = parseSse(out);
    REQUIRE(parsed.size() == 7);
    CHECK(parsed[2].event == QByteArray("content_block_delta"));
    CHECK(parsed[2].data.value(QStringLiteral("index")).toInt(-1) == 0);
    CHECK(parsed[2].data.value(QStringLiteral("delta")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("signature_delta")},
                      {QStringLiteral("signature"), QString()}});
    CHECK(parsed[3].event == QByteArray("content_block_stop"));
    // A text block gets none.
    CHECK(parsed[5].data.value(QStringLiteral("delta")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("text_delta"));
    CHECK(parsed[6].event == QByteArray("content_block_stop"));
}
