#include "ProtocolTestSupport.h"
#include "protocol/StreamAggregator.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"

using namespace sb;
using namespace sb::test;

namespace {
const DecoderFactory kDecoder = [] {
    return std::make_unique<OllamaNdjsonDecoder>();
};

QStringList decodeFixture(const char *name)
{
    const QByteArray bytes = readFixture(QString::fromLatin1(name));
    const QStringList events = describe(decodeWhole(kDecoder, bytes));
    CHECK(countSplitMismatches(kDecoder, bytes, events, true) == 0);
    return normalizeIds(events);
}
} // namespace

TEST_CASE("Ollama NDJSON decoder: thinking, text and two whole tool calls")
{
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_* model=qwen3-coder:30b in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [Two files ]"),
        QStringLiteral("ThinkingDelta #0 [to look at.]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 text   "),
        QStringLiteral("TextDelta #1 [Reading ]"),
        QStringLiteral("TextDelta #1 [héllo 你好 🎉 ]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("BlockStart #2 tool_use toolu_* Read "),
        QStringLiteral("ToolInputDelta #2 [{\"file_path\":\"/src/main.cpp\"}]"),
        QStringLiteral("BlockStop #2"),
        QStringLiteral("BlockStart #3 tool_use toolu_* Bash "),
        QStringLiteral("ToolInputDelta #3 [{\"command\":\"ls -l\",\"timeout\":3000}]"),
        QStringLiteral("BlockStop #3"),
        QStringLiteral("MessageDelta tool_use seq= in=812 out=57 cr=0 cw=0"),
        QStringLiteral("MessageStop"),
    };
    CHECK(decodeFixture("ollama/stream_tools.ndjson") == expected);

    OllamaNdjsonDecoder decoder;
    StreamEvents events;
    decoder.feed(readFixture(QStringLiteral("ollama/stream_tools.ndjson")), events);
    CHECK(decoder.isComplete());
    REQUIRE(events.size() == size_t(expected.size()));
    CHECK(events[9].toolId != events[12].toolId);

    StreamAggregator aggregator;
    aggregator.add(events);
    REQUIRE_FALSE(aggregator.failed());
    CHECK(aggregator.response().content.at(3).toolInput.value(QStringLiteral("timeout")).toInt() == 3000);
}

TEST_CASE("Ollama NDJSON decoder: <think> tags in content, CRLF lines, unterminated done line")
{
    const QStringList expected{
        QStringLiteral("MessageStart id=msg_* model=deepseek-r1:14b in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 thinking   "),
        QStringLiteral("ThinkingDelta #0 [short plan]"),
        QStringLiteral("BlockStop #0"),
        QStringLiteral("BlockStart #1 text   "),
        QStringLiteral("TextDelta #1 [Done: ]"),
        QStringLiteral("TextDelta #1 [héllo 你好 🎉]"),
        QStringLiteral("BlockStop #1"),
        QStringLiteral("MessageDelta max_tokens seq= in=20 out=100 cr=0 cw=0"),
        QStringLiteral("MessageStop"),
    };
    CHECK(decodeFixture("ollama/stream_think_tags.ndjson") == expected);
}

TEST_CASE("Ollama NDJSON decoder: error lines and truncated bodies end with an Error")
{
    const QStringList errored = decodeFixture("ollama/stream_error.ndjson");
    const QStringList expectedError{
        QStringLiteral("MessageStart id=msg_* model=qwen3-coder:30b in=-1 out=-1 cr=0 cw=0"),
        QStringLiteral("BlockStart #0 text   "),
        QStringLiteral("TextDelta #0 [Start]"),
        QStringLiteral(
            "Error 500 api_error an error was encountered while running the model: CUDA error: out of memory"),
    };
    CHECK(errored == expectedError);

    const QStringList truncated = decodeFixture("ollama/stream_truncated.ndjson");
    REQUIRE(truncated.size() == 4);
    CHECK(truncated[2] == QStringLiteral("TextDelta #0 [Start]"));
    CHECK(truncated[3] == QStringLiteral("Error 502 api_error upstream stream ended before it was complete"));

    OllamaNdjsonDecoder decoder;
    StreamEvents events;
    decoder.feed(QByteArray("{\"error\":\"model 'nope' not found\"}\n"), events);
    REQUIRE(events.size() == 1);
    CHECK(events[0].error.httpStatus == 404);
    CHECK(decoder.isComplete());
    decoder.finish(events);
    CHECK(events.size() == 1);
}
