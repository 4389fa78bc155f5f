#include "ProtocolTestSupport.h"
#include "protocol/StreamAggregator.h"
#include "protocol/openai/OpenAiSseDecoder.h"
#include "protocol/openai/OpenAiSseEncoder.h"

#include <QJsonArray>

using namespace sb;
using namespace sb::test;

namespace {
const DecoderFactory kDecoder = [] {
    return std::make_unique<OpenAiSseDecoder>();
};

QStringList decodeFixture(const char *name, bool normalize = false)
{
    const QByteArray bytes = readFixture(QString::fromLatin1(name));
    const QStringList events = describe(decodeWhole(kDecoder, bytes));
    CHECK(countSplitMismatches(kDecoder, bytes, events, normalize) == 0);
    return normalize ? normalizeIds(events) : events;
}

QJsonObject delta(const ParsedSse &chunk)
{
    return chunk.data.value(QStringLiteral("choices"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("delta"))
        .toObject();
}
} // namespace

TEST_CASE("OpenAI SSE decoder: text then three parallel tool calls with arguments in pieces")
{
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_chatcmpl-9b1f0c3e7d2a4c51 model=Qwen/Qwen3-Coder-30B-A3B-Instruct in=-1 "
                       "out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 text   "),
        QStringLiteral("TextDelta #0 [I'll check ]"),
        QStringLiteral("TextDelta #0 [both files.]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 tool_use call_aaa111 Read "),
        QStringLiteral("ToolInputDelta #1 [{\"file_]"),
        QStringLiteral("ToolInputDelta #1 [path\": \"/src/ma]"),
        QStringLiteral("ToolInputDelta #1 [in.cpp\"]"),
        QStringLiteral("ToolInputDelta #1 [}]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("BlockStart #2 tool_use call_bbb222 Read "),
        QStringLiteral("ToolInputDelta #2 [{\"file_path\"]"),
        QStringLiteral("ToolInputDelta #2 [: \"/src/你好.h\"}]"),
        QStringLiteral("BlockStop #2"),
        QStringLiteral("BlockStart #3 tool_use call_ccc333 Bash "),
        QStringLiteral("ToolInputDelta #3 [{\"command\": \"git status\"}]"),
        QStringLiteral("BlockStop #3"),
        QStringLiteral("MessageDelta tool_use seq= in=176 out=64 cr=1024 cw=0"),
        QStringLiteral("MessageStop"),
    };
    CHECK(decodeFixture("openai/stream_parallel_tools.sse") == expected);

    StreamAggregator aggregator;
    aggregator.add(decodeWhole(kDecoder, readFixture(QStringLiteral("openai/stream_parallel_tools.sse"))));
    REQUIRE_FALSE(aggregator.failed());
    const Response response = aggregator.response();
    REQUIRE(response.content.size() == 4);
    CHECK(response.content[1].toolInput == QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/src/main.cpp")}});
    CHECK(response.content[2].toolInput == QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/src/你好.h")}});
    CHECK(response.content[3].toolInput == QJsonObject{{QStringLiteral("command"), QStringLiteral("git status")}});
}

TEST_CASE("OpenAI SSE decoder: reasoning_content over CRLF framing, multi-byte text")
{
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_chatcmpl-r1 model=deepseek-reasoner in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [The user greets ]"),
        QStringLiteral("ThinkingDelta #0 [in three scripts.]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 text   "),
        QStringLiteral("TextDelta #1 [héllo 你好 🎉]"),
        QStringLiteral("TextDelta #1 [ back!]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("MessageDelta end_turn seq= in=30 out=12 cr=0 cw=0"),
        QStringLiteral("MessageStop"),
    };
    CHECK(decodeFixture("openai/stream_reasoning.sse") == expected);
}

TEST_CASE("OpenAI SSE decoder: <think> tags cut across chunks; finish_reason without [DONE]")
{
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_chatcmpl-think model=qwen3:32b in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [plan: say hi 你]"),
        QStringLiteral("ThinkingDelta #0 [好]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 text   "),
        QStringLiteral("TextDelta #1 [Hi 🎉]"),
        QStringLiteral("TextDelta #1 [ there]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("MessageDelta max_tokens seq= in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("MessageStop"),
    };
    CHECK(decodeFixture("openai/stream_think_tags.sse") == expected);

    OpenAiSseDecoder decoder;
    StreamEvents events;
    decoder.feed(readFixture(QStringLiteral("openai/stream_think_tags.sse")), events);
    CHECK_FALSE(decoder.isComplete()); // waits for [DONE] or the end of the body
    decoder.finish(events);
    CHECK(decoder.isComplete());
}

TEST_CASE("OpenAI SSE decoder: missing ids are generated; `reasoning`; tool calls override stop")
{
    const QStringList events = decodeFixture("openai/stream_generated_ids.sse", true);
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_* model=local-gguf in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [Need the date.]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 tool_use toolu_* Bash "),
        QStringLiteral("ToolInputDelta #1 [{\"command\":\"date\"}]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("BlockStart #2 tool_use toolu_* Bash "),
        QStringLiteral("ToolInputDelta #2 [{\"command\":\"uptime\"}]"),
        QStringLiteral("BlockStop #2"),
        QStringLiteral("MessageDelta tool_use seq= in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("MessageStop"),
    };
    CHECK(events == expected);

    const StreamEvents raw = decodeWhole(kDecoder, readFixture(QStringLiteral("openai/stream_generated_ids.sse")));
    REQUIRE(raw.size() == size_t(expected.size()));
    CHECK(raw[4].toolId.size() == 30);
    CHECK(raw[4].toolId != raw[7].toolId);
}

TEST_CASE("OpenAI SSE decoder: truncated streams and error chunks become Error events")
{
    const QStringList truncated = decodeFixture("openai/stream_truncated.sse");
    const QStringList expectedTruncated{
        QStringLiteral("MessageStart id=msg_chatcmpl-9b1f0c3e7d2a4c51 model=Qwen/Qwen3-Coder-30B-A3B-Instruct in=-1 "
                       "out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 text   "),
        QStringLiteral("TextDelta #0 [Partial ans]"),
        QStringLiteral("Error 502 api_error upstream stream ended before it was complete"),
    };
    CHECK(truncated == expectedTruncated);

    const QStringList errored = decodeFixture("openai/stream_error.sse");
    REQUIRE(errored.size() == 4);
    CHECK(errored[2] == QStringLiteral("TextDelta #0 [Work]"));
    CHECK(errored[3] == QStringLiteral("Error 503 overloaded_error The model is overloaded, retry later"));

    const QByteArray empty("data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\ndata: "
                           "{\"choices\":[{\"delta\":{\"content\":\"\\n\\n\"}}]}\n\n");
    OpenAiSseDecoder decoder;
    StreamEvents events;
    decoder.feed(empty, events);
    REQUIRE(events.size() == 1); // empty (and so far whitespace-only) content opens no block
    CHECK(events[0].type == StreamEvent::Type::MessageStart);
    decoder.finish(events);
    REQUIRE(events.size() == 2);
    CHECK(events[1].type == StreamEvent::Type::Error);
    CHECK(countSplitMismatches(kDecoder, empty, describe(events), true) == 0);
}

TEST_CASE("OpenAI SSE encoder: chunks in order, parsed back and checked")
{
    const StreamEvents events = decodeWhole(kDecoder, readFixture(QStringLiteral("openai/stream_parallel_tools.sse")));
    OpenAiSseEncoder encoder(QStringLiteral("my-model"), true);
    QByteArray out;
    for (const StreamEvent &event : events)
        encoder.encode(event, out);

    const auto chunks = parseSse(out);
    REQUIRE(chunks.size() == 16);
    for (size_t i = 0; i + 1 < chunks.size(); ++i) {
        INFO("chunk " << i);
        CHECK(chunks[i].data.value(QStringLiteral("id")).toString() == QStringLiteral("chatcmpl-9b1f0c3e7d2a4c51"));
        CHECK(chunks[i].data.value(QStringLiteral("object")).toString() == QStringLiteral("chat.completion.chunk"));
        CHECK(chunks[i].data.value(QStringLiteral("model")).toString() == QStringLiteral("my-model"));
    }
    CHECK(delta(chunks[0]) ==
          QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QString()}});
    CHECK(delta(chunks[1]) == QJsonObject{{QStringLiteral("content"), QStringLiteral("I'll check ")}});
    CHECK(delta(chunks[2]) == QJsonObject{{QStringLiteral("content"), QStringLiteral("both files.")}});
    const QJsonObject firstCall = delta(chunks[3]).value(QStringLiteral("tool_calls")).toArray().at(0).toObject();
    CHECK(firstCall ==
          QJsonObject{{QStringLiteral("index"), 0},
                      {QStringLiteral("id"), QStringLiteral("call_aaa111")},
                      {QStringLiteral("type"), QStringLiteral("function")},
                      {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Read")},
                                                               {QStringLiteral("arguments"), QString()}}}});
    CHECK(delta(chunks[4]).value(QStringLiteral("tool_calls")).toArray().at(0).toObject() ==
          QJsonObject{
              {QStringLiteral("index"), 0},
              {QStringLiteral("function"), QJsonObject{{QStringLiteral("arguments"), QStringLiteral("{\"file_")}}}});
    CHECK(delta(chunks[8])
              .value(QStringLiteral("tool_calls"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("index"))
              .toInt() == 1);
    CHECK(delta(chunks[11])
              .value(QStringLiteral("tool_calls"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("id"))
              .toString() == QStringLiteral("call_ccc333"));
    CHECK(delta(chunks[11])
              .value(QStringLiteral("tool_calls"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("index"))
              .toInt() == 2);
    CHECK(delta(chunks[12])
              .value(QStringLiteral("tool_calls"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("function"))
              .toObject()
              .value(QStringLiteral("arguments"))
              .toString() == QStringLiteral("{\"command\": \"git status\"}"));
    const QJsonObject finish = chunks[13].data.value(QStringLiteral("choices")).toArray().at(0).toObject();
    CHECK(finish.value(QStringLiteral("finish_reason")).toString() == QStringLiteral("tool_calls"));
    CHECK(finish.value(QStringLiteral("delta")).toObject().isEmpty());
    CHECK(chunks[14].data.value(QStringLiteral("choices")).toArray().isEmpty());
    CHECK(chunks[14].data.value(QStringLiteral("usage")).toObject() ==
          QJsonObject{{QStringLiteral("prompt_tokens"), 1200},
                      {QStringLiteral("completion_tokens"), 64},
                      {QStringLiteral("total_tokens"), 1264},
                      {QStringLiteral("prompt_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), 1024}}}});
    CHECK(chunks[15].rawData == QByteArray("[DONE]"));
}

TEST_CASE("OpenAI SSE: encoder output decodes back to the same events")
{
    for (const char *fixture :
         {"openai/stream_parallel_tools.sse", "openai/stream_reasoning.sse", "openai/stream_think_tags.sse"}) {
        INFO(fixture);
        const StreamEvents events = decodeWhole(kDecoder, readFixture(QString::fromLatin1(fixture)));
        // Ask for the usage chunk only when the upstream reported usage: an encoder without
        // counts writes zeros, which would not decode back to "unknown".
        const bool hasUsage = events[events.size() - 2].usage.inputTokens >= 0;
        OpenAiSseEncoder encoder(events.front().model, hasUsage);
        QByteArray encoded;
        for (const StreamEvent &event : events)
            encoder.encode(event, encoded);
        CHECK(describe(decodeWhole(kDecoder, encoded)) == describe(events));
    }
}

TEST_CASE("OpenAI SSE encoder: thinking, no usage chunk unless asked, error ends the stream")
{
    OpenAiSseEncoder encoder(QStringLiteral("m"), false);
    QByteArray out;
    encoder.encode(StreamEvent::messageStart(QStringLiteral("msg_x"), QStringLiteral("upstream"), Usage{}), out);
    encoder.encode(StreamEvent::blockStart(0, StreamEvent::BlockKind::Thinking), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::ThinkingDelta, 0, QStringLiteral("hmm")), out);
    encoder.encode(StreamEvent::delta(StreamEvent::Type::SignatureDelta, 0, QStringLiteral("sig")), out);
    encoder.encode(StreamEvent::blockStop(0), out);
    encoder.encode(StreamEvent::ping(), out);
    encoder.encode(StreamEvent::messageDelta(StopReason::EndTurn, Usage{}), out);
    encoder.encode(StreamEvent::messageStop(), out);
    const auto chunks = parseSse(out);
    REQUIRE(chunks.size() == 4);
    CHECK(chunks[0].data.value(QStringLiteral("id")).toString() == QStringLiteral("chatcmpl-x"));
    CHECK(delta(chunks[1]) == QJsonObject{{QStringLiteral("reasoning_content"), QStringLiteral("hmm")}});
    CHECK(chunks[2]
              .data.value(QStringLiteral("choices"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("finish_reason"))
              .toString() == QStringLiteral("stop"));
    CHECK(chunks[3].rawData == QByteArray("[DONE]"));
    CHECK(out.contains(": ping\n\n"));

    OpenAiSseEncoder failing(QStringLiteral("m"), true);
    QByteArray failed;
    failing.encode(StreamEvent::messageStart(QStringLiteral("msg_y"), QStringLiteral("m"), Usage{}), failed);
    failed.clear();
    failing.encode(StreamEvent::failure(ApiError::upstream(529, QStringLiteral("busy"))), failed);
    failing.encode(StreamEvent::messageStop(), failed);
    CHECK(
        failed ==
        QByteArray(
            "data: "
            "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded\"}}\n\n"));
}
