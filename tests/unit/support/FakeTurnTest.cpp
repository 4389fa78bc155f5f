// The dialect-neutral turn and the helpers every fake renders it with.
#include "FakeTurn.h"
#include "FakeJson.h"

#include <catch2/catch.hpp>

#include <QJsonDocument>
#include <QJsonObject>

using namespace sb::test;

TEST_CASE("fakeSplitText splits on code points, evenly, never emptily", "[fakes][turn]")
{
    CHECK(fakeSplitText(QStringLiteral("abcdefgh"), 4) == QStringList{"ab", "cd", "ef", "gh"});
    CHECK(fakeSplitText(QStringLiteral("abcde"), 2) == QStringList{"ab", "cde"});
    CHECK(fakeSplitText(QStringLiteral("ab"), 5) == QStringList{"a", "b"});
    CHECK(fakeSplitText(QStringLiteral("abc"), 0) == QStringList{"abc"});
    CHECK(fakeSplitText(QString(), 3).isEmpty());

    // U+1F600 is a surrogate pair in UTF-16: it must stay whole.
    const QString emoji = QString::fromUtf8("a\xF0\x9F\x98\x80"
                                            "b");
    const QStringList parts = fakeSplitText(emoji, 3);
    REQUIRE(parts.size() == 3);
    CHECK(parts.at(0) == QStringLiteral("a"));
    CHECK(parts.at(1).toUtf8() == QByteArray("\xF0\x9F\x98\x80"));
    CHECK(parts.at(2) == QStringLiteral("b"));
    CHECK(parts.join(QString()) == emoji);
}

TEST_CASE("fakeSplitInsideUtf8 cuts right after a multi-byte lead byte", "[fakes][turn]")
{
    const QByteArray event = "data: {\"t\":\"caf\xC3\xA9\"}\n\n";
    const QList<QByteArray> parts = fakeSplitInsideUtf8(event);
    REQUIRE(parts.size() == 2);
    CHECK(parts.at(0).endsWith("caf\xC3"));
    CHECK(parts.at(1).startsWith("\xA9\"}"));
    CHECK(parts.at(0) + parts.at(1) == event);
    // Pure ASCII: cut in the middle.
    CHECK(fakeSplitInsideUtf8("abcdef") == QList<QByteArray>{"abc", "def"});
    CHECK(fakeSplitInsideUtf8("a") == QList<QByteArray>{"a"});
}

TEST_CASE("FakeTurn derives its stop reason", "[fakes][turn]")
{
    CHECK(FakeTurn::withText(QStringLiteral("x")).effectiveStopReason() == QStringLiteral("end_turn"));
    CHECK(FakeTurn::withToolCall(QStringLiteral("Read"), {}).effectiveStopReason() == QStringLiteral("tool_use"));
    FakeTurn t = FakeTurn::withText(QStringLiteral("x"));
    t.stopReason = QStringLiteral("max_tokens");
    CHECK(t.effectiveStopReason() == QStringLiteral("max_tokens"));
    const FakeTurn hello = FakeTurn::hello();
    CHECK(hello.text.toUtf8().size() > hello.text.size()); // has multi-byte characters
    CHECK(hello.inputTokens == 12);
    CHECK(hello.outputTokens == 7);
    CHECK(hello.textPieces == 4);
}

TEST_CASE("FakeJson keeps key order and escapes like a JSON encoder", "[fakes][turn]")
{
    const QByteArray bytes = FakeJson()
                                 .str("type", QByteArray("x"))
                                 .num("index", 3)
                                 .boolean("done", false)
                                 .null("param")
                                 .raw("arr", FakeJson::array({"1", "\"b\""}))
                                 .obj("o", FakeJson().str("k", QStringLiteral("caf\u00e9")))
                                 .bytes();
    CHECK(bytes == "{\"type\":\"x\",\"index\":3,\"done\":false,\"param\":null,\"arr\":[1,\"b\"],"
                   "\"o\":{\"k\":\"caf\xC3\xA9\"}}");
    CHECK(FakeJson::quote(QByteArray("a\"b\\c\nd\te\x01")) == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
    // Whatever it writes parses back to the same string.
    const QString tricky = QStringLiteral("q\"\\/\b\f\n\r\t\u0007 \u00e9 \u2014");
    const QByteArray doc = FakeJson().str("s", tricky).bytes();
    QJsonParseError error{};
    const QJsonObject parsed = QJsonDocument::fromJson(doc, &error).object();
    REQUIRE(error.error == QJsonParseError::NoError);
    CHECK(parsed.value(QStringLiteral("s")).toString() == tricky);
}
