#include "ProtocolTestSupport.h"
#include "protocol/NdjsonParser.h"
#include "protocol/SseParser.h"

using namespace sb;

namespace {
std::vector<SseEvent> parseAll(const QByteArray &bytes)
{
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed(bytes, events);
    return events;
}

QStringList summary(const std::vector<SseEvent> &events)
{
    QStringList lines;
    for (const SseEvent &event : events)
        lines.append(QString::fromUtf8(event.event + '|' + event.data));
    return lines;
}
} // namespace

TEST_CASE("SseParser joins data lines, keeps event names and skips comments")
{
    const QByteArray stream = ": keep-alive comment\n"
                              "event: message_start\n"
                              "data: {\"a\":1}\n"
                              "\n"
                              "data: first\n"
                              "data:second\n"
                              "id: 7\n"
                              "retry: 100\n"
                              "\n"
                              "event: lonely\n"
                              "\n"
                              "data\n"
                              "\n";
    const auto events = parseAll(stream);
    REQUIRE(events.size() == 3);
    CHECK(events[0].event == QByteArray("message_start"));
    CHECK(events[0].data == QByteArray("{\"a\":1}"));
    CHECK(events[1].event.isEmpty());
    CHECK(events[1].data == QByteArray("first\nsecond"));
    // An event name without data dispatches nothing and does not leak into the next event.
    CHECK(events[2].event.isEmpty());
    CHECK(events[2].data.isEmpty());
}

TEST_CASE("SseParser accepts CRLF and lone CR line endings")
{
    const auto crlf = parseAll("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r");
    CHECK(summary(crlf) == QStringList{QStringLiteral("a|1"), QStringLiteral("b|2")});
}

TEST_CASE("SseParser gives the same events for every split of the input")
{
    const QByteArray stream = "event: x\r\ndata: héllo 你好 🎉\r\n\r\n: c\ndata: a\ndata: b\n\nevent: y\rdata: z\r\r";
    const QStringList expected = summary(parseAll(stream));
    REQUIRE(expected.size() == 3);
    CHECK(expected[0] == QStringLiteral("x|héllo 你好 🎉"));
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        SseParser parser;
        std::vector<SseEvent> events;
        parser.feed(stream.constData(), cut, events);
        parser.feed(stream.constData() + cut, stream.size() - cut, events);
        INFO("cut at " << cut);
        CHECK(summary(events) == expected);
    }
    SseParser parser;
    std::vector<SseEvent> events;
    for (char c : stream)
        parser.feed(&c, 1, events);
    CHECK(summary(events) == expected);
}

TEST_CASE("SseParser::finish dispatches an event whose blank line never came")
{
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed(QByteArray("data: one\n\ndata: [DONE]"), events);
    CHECK(events.size() == 1);
    parser.finish(events);
    REQUIRE(events.size() == 2);
    CHECK(events[1].data == QByteArray("[DONE]"));
    parser.finish(events);
    CHECK(events.size() == 2);
}

TEST_CASE("NdjsonParser splits lines cut anywhere and keeps the unterminated remainder")
{
    const QByteArray body = "{\"a\":1}\n\r\n{\"b\":\"你好\"}\r\n   \n{\"c\":3}";
    for (qsizetype cut = 0; cut <= body.size(); ++cut) {
        NdjsonParser parser;
        QList<QByteArray> lines;
        parser.feed(body.constData(), cut, lines);
        parser.feed(body.constData() + cut, body.size() - cut, lines);
        INFO("cut at " << cut);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] == QByteArray("{\"a\":1}"));
        CHECK(lines[1] == QByteArray("{\"b\":\"你好\"}"));
        CHECK(parser.takeRemainder() == QByteArray("{\"c\":3}"));
        CHECK(parser.takeRemainder().isEmpty());
    }
}
