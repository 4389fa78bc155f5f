// Issue #16 item 10: an upstream line without a line break was buffered without bound.
#include "ProtocolTestSupport.h"
#include "protocol/FramingLimits.h"
#include "protocol/NdjsonParser.h"
#include "protocol/SseParser.h"
#include "protocol/anthropic/AnthropicSseDecoder.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"
#include "protocol/openai/OpenAiSseDecoder.h"

using namespace sb;

namespace {

constexpr qsizetype kChunk = 64 * 1024;
const QByteArray kFiller(kChunk, 'x');

// Feeds `prefix` then `total` bytes without a line break; returns the most bytes the framing
// held at any point and the events decoded.
template<typename Decoder>
qsizetype feedEndlessLine(Decoder &decoder, const QByteArray &prefix, qsizetype total, StreamEvents &events)
{
    decoder.feed(prefix, events);
    qsizetype most = decoder.parser().bufferedBytes();
    for (qsizetype sent = 0; sent < total; sent += kChunk) {
        decoder.feed(kFiller, events);
        most = qMax(most, decoder.parser().bufferedBytes());
    }
    return most;
}

void checkEndsWithLineError(const StreamEvents &events)
{
    REQUIRE_FALSE(events.empty());
    const StreamEvent &last = events.back();
    REQUIRE(last.type == StreamEvent::Type::Error);
    CHECK(last.error.httpStatus == 502);
    CHECK(last.error.message.contains(QStringLiteral("longer than 8192 KiB")));
    int errors = 0;
    for (const StreamEvent &event : events)
        errors += event.type == StreamEvent::Type::Error ? 1 : 0;
    CHECK(errors == 1);
}

} // namespace

TEST_CASE("the upstream line limit is 8 MiB, far above the largest real event")
{
    CHECK(kMaxUpstreamLineBytes == 8 * 1024 * 1024);
}

TEST_CASE("OpenAI SSE decoder: an endless line stops at the limit with one Error, buffer bounded")
{
    OpenAiSseDecoder decoder;
    StreamEvents events;
    const qsizetype most = feedEndlessLine(
        decoder,
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"",
        20 * 1024 * 1024, events);
    CHECK(most <= kMaxUpstreamLineBytes);
    CHECK(decoder.parser().bufferedBytes() == 0); // released, not kept
    CHECK(decoder.isComplete());
    checkEndsWithLineError(events);
    const size_t before = events.size();
    decoder.finish(events); // no second error (no "truncated" after the line error)
    CHECK(events.size() == before);
}

TEST_CASE("Anthropic SSE decoder: data lines piling up without a blank line are bounded too")
{
    AnthropicSseDecoder decoder;
    StreamEvents events;
    decoder.feed(QByteArray("event: content_block_delta\n"), events);
    qsizetype most = 0;
    const QByteArray line = "data: " + QByteArray(kChunk, 'y') + "\n";
    for (int i = 0; i < 200; ++i) { // 12.5 MiB of data: lines, never dispatched
        decoder.feed(line, events);
        most = qMax(most, decoder.parser().bufferedBytes());
    }
    CHECK(most <= kMaxUpstreamLineBytes + line.size());
    checkEndsWithLineError(events);
}

TEST_CASE("Ollama NDJSON decoder: an endless record stops at the limit with one Error, buffer bounded")
{
    OllamaNdjsonDecoder decoder;
    StreamEvents events;
    const qsizetype most =
        feedEndlessLine(decoder, "{\"message\":{\"role\":\"assistant\",\"content\":\"", 20 * 1024 * 1024, events);
    CHECK(most <= kMaxUpstreamLineBytes);
    CHECK(decoder.parser().bufferedBytes() == 0);
    checkEndsWithLineError(events);
    const size_t before = events.size();
    decoder.finish(events);
    CHECK(events.size() == before);
}

TEST_CASE("the line limit leaves a long but terminated line alone")
{
    NdjsonParser ndjson;
    ndjson.setMaxBytes(1024);
    QList<QByteArray> lines;
    ndjson.feed(QByteArray(1000, 'a'), lines);
    ndjson.feed(QByteArray("\n"), lines);
    CHECK(lines.size() == 1);
    CHECK_FALSE(ndjson.overflowed());
    ndjson.feed(QByteArray(1025, 'b'), lines);
    CHECK(ndjson.overflowed());

    SseParser sse;
    sse.setMaxBytes(1024);
    std::vector<SseEvent> out;
    sse.feed("data: " + QByteArray(1000, 'c') + "\n\n", out);
    CHECK(out.size() == 1);
    CHECK_FALSE(sse.overflowed());
}
