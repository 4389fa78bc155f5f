#include "ProtocolTestSupport.h"
#include "protocol/FieldPath.h"
#include "protocol/IdGenerator.h"
#include "protocol/JsonStringWriter.h"
#include "protocol/JsonWriter.h"
#include "protocol/ThinkTagSplitter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

using namespace sb;

TEST_CASE("JsonStringWriter escapes what JSON requires and round-trips through a parser")
{
    const QString nasty = QStringLiteral("quote\" back\\ nl\n cr\r tab\t bell\x07 nul") + QChar(0) +
                          QStringLiteral(" héllo 你好 🎉 </script>");
    QByteArray out;
    JsonStringWriter::append(out, nasty);
    CHECK(out.startsWith("\"quote\\\" back\\\\ nl\\n cr\\r tab\\t bell\\u0007 nul\\u0000"));
    CHECK(out.contains("héllo 你好 🎉"));

    const QByteArray document = "[" + out + "]";
    const QJsonArray parsed = QJsonDocument::fromJson(document).array();
    REQUIRE(parsed.size() == 1);
    CHECK(parsed.at(0).toString() == nasty);
}

TEST_CASE("JsonStringWriter replaces a lone surrogate and handles long strings")
{
    QByteArray out;
    JsonStringWriter::append(out, QString(QChar(0xd800)) + QLatin1Char('x'));
    CHECK(out == QByteArray("\"\xef\xbf\xbdx\""));

    const QString longText = QString(1000, QChar(0x4f60)) + QString(1000, QLatin1Char('"'));
    QByteArray longOut;
    JsonStringWriter::append(longOut, longText);
    CHECK(QJsonDocument::fromJson("[" + longOut + "]").array().at(0).toString() == longText);
}

TEST_CASE("JsonStringWriter escapes a special character at every offset of a run of plain ASCII")
{
    // Plain ASCII goes through four units at a time; a character that needs more than a copy
    // must be caught wherever it sits in such a group, and text around it kept exact.
    const QString specials[] = {QStringLiteral("\""), QStringLiteral("\\"),  QStringLiteral("\n"),
                                QString(QChar(0x1f)), QString(QChar(0x7f)),  QStringLiteral("é"),
                                QStringLiteral("🎉"),  QString(QChar(0xdc00))};
    for (const QString &special : specials) {
        for (int offset = 0; offset < 12; ++offset) {
            const QString text = QString(offset, QLatin1Char('a')) + special + QStringLiteral("bcdefghij");
            QByteArray out;
            JsonStringWriter::append(out, text);
            INFO("unit " << int(special.at(0).unicode()) << " at " << offset);
            const QString expected = special == QString(QChar(0xdc00)) ? QString(offset, QLatin1Char('a')) +
                                                                             QChar(0xfffd) + QStringLiteral("bcdefghij")
                                                                       : text;
            CHECK(QJsonDocument::fromJson("[" + out + "]").array().at(0).toString() == expected);
            CHECK(out.startsWith("\"" + QByteArray(offset, 'a')));
            CHECK(out.endsWith("bcdefghij\""));
        }
    }
    // Units that only look plain in their low byte (0x0122, 0x015c, 0x0161) are not narrowed.
    const QString wide = QStringLiteral("abc") + QChar(0x0122) + QChar(0x015c) + QChar(0x0161) + QStringLiteral("defg");
    QByteArray out;
    JsonStringWriter::append(out, wide);
    CHECK(out == QByteArray("\"abc\xc4\xa2\xc5\x9c\xc5\xa1"
                            "defg\""));
}

TEST_CASE("JsonStringWriter writes strings longer than its block whole, with a pair or an escape on the boundary")
{
    // The writer works in blocks of 4,096 UTF-16 units: a surrogate pair split by the
    // boundary, control characters (6 bytes each) filling whole blocks, and text appended
    // after what the buffer already held must all come out exact.
    const QString emoji = QStringLiteral("🎉"); // two UTF-16 units
    for (const qsizetype before : {4094, 4095, 4096, 8191}) {
        const QString text =
            QString(before, QLatin1Char('a')) + emoji + QStringLiteral("é\x01") + QString(5000, QChar(0x1f));
        QByteArray out("prefix:");
        JsonStringWriter::append(out, text);
        INFO("pair after " << before << " units");
        REQUIRE(out.startsWith("prefix:\""));
        const QByteArray literal = out.mid(7);
        CHECK(QJsonDocument::fromJson("[" + literal + "]").array().at(0).toString() == text);
        CHECK(literal.size() == 2 + before + 4 + 2 + 6 + 5000 * 6);
    }
}

TEST_CASE("JsonWriter writes compact JSON with commas and colons where they belong")
{
    QByteArray out;
    JsonWriter json(out);
    json.beginObject().key(QLatin1String("a")).number(qint64(1)).key(QLatin1String("b")).beginArray();
    json.string(QStringLiteral("x\"y")).number(0.1).number(std::nan("")).boolean(false).null();
    json.beginObject().endObject().beginArray().endArray().raw(QByteArrayLiteral("{\"k\":[1,2]}"));
    json.endArray().key(QLatin1String("c")).boolean(true);
    json.key(QLatin1String("d"))
        .strings({QStringLiteral("p"), QStringLiteral("q\n")})
        .key(QLatin1String("e"))
        .strings({});
    json.endObject();
    CHECK(out ==
          QByteArray(R"({"a":1,"b":["x\"y",0.1,null,false,null,{},[],{"k":[1,2]}],"c":true,"d":["p","q\n"],"e":[]})"));
    QJsonParseError error;
    QJsonDocument::fromJson(out, &error);
    CHECK(error.error == QJsonParseError::NoError);
}

TEST_CASE("IdGenerator makes prefixed 24-character alphanumeric ids")
{
    const QRegularExpression messagePattern(QStringLiteral("^msg_[A-Za-z0-9]{24}$"));
    const QRegularExpression toolPattern(QStringLiteral("^toolu_[A-Za-z0-9]{24}$"));
    const QString first = IdGenerator::messageId();
    CHECK(messagePattern.match(first).hasMatch());
    CHECK(toolPattern.match(IdGenerator::toolUseId()).hasMatch());
    CHECK(first != IdGenerator::messageId());
}

TEST_CASE("FieldPath names nested fields")
{
    const FieldPath root;
    const FieldPath messages(root, "messages");
    const FieldPath second(messages, 2);
    const FieldPath content(second, "content");
    CHECK(FieldPath(content, 0).toString() == QStringLiteral("messages.2.content.0"));
    const ApiError error = FieldPath(content, 0).error(QStringLiteral("bad"));
    CHECK(error.httpStatus == 400);
    CHECK(error.type == QStringLiteral("invalid_request_error"));
    CHECK(error.message == QStringLiteral("messages.2.content.0: bad"));
    CHECK(FieldPath(root, "model").missing().message == QStringLiteral("model: field required"));
}

namespace {
QStringList segmentsOf(const std::vector<ThinkSegment> &segments)
{
    QStringList lines;
    for (const ThinkSegment &segment : segments)
        lines.append((segment.thinking ? QStringLiteral("T:") : QStringLiteral("A:")) + segment.text);
    return lines;
}

// Feeds `pieces` and merges adjacent segments of one kind, so different cuts compare equal.
QStringList splitPieces(const QStringList &pieces)
{
    ThinkTagSplitter splitter;
    std::vector<ThinkSegment> segments;
    for (const QString &piece : pieces)
        splitter.feed(piece, segments);
    splitter.finish(segments);
    std::vector<ThinkSegment> merged;
    for (const ThinkSegment &segment : segments) {
        if (!merged.empty() && merged.back().thinking == segment.thinking)
            merged.back().text += segment.text;
        else
            merged.push_back(segment);
    }
    return segmentsOf(merged);
}
} // namespace

TEST_CASE("ThinkTagSplitter separates a leading think block from the answer")
{
    CHECK(segmentsOf(ThinkTagSplitter::split(QStringLiteral("\n<think>plan 你好</think>\n\nAnswer"))) ==
          QStringList{QStringLiteral("T:plan 你好"), QStringLiteral("A:Answer")});
    CHECK(segmentsOf(ThinkTagSplitter::split(QStringLiteral("No tags <think>here</think>"))) ==
          QStringList{QStringLiteral("A:No tags <think>here</think>")});
    CHECK(segmentsOf(ThinkTagSplitter::split(QStringLiteral("<thin"))) == QStringList{QStringLiteral("A:<thin")});
    CHECK(segmentsOf(ThinkTagSplitter::split(QStringLiteral("<think>never closed</thi"))) ==
          QStringList{QStringLiteral("T:never closed</thi")});
    CHECK(segmentsOf(ThinkTagSplitter::split(QStringLiteral("<think>a < b </think>  "))) ==
          QStringList{QStringLiteral("T:a < b ")});
}

TEST_CASE("ThinkTagSplitter gives the same result for every cut of the text")
{
    const QString text = QStringLiteral("<think>x</thin>y 🎉</think>\n Done 你好");
    const QStringList expected{QStringLiteral("T:x</thin>y 🎉"), QStringLiteral("A:Done 你好")};
    for (qsizetype first = 0; first <= text.size(); ++first) {
        for (qsizetype second = first; second <= text.size(); ++second) {
            INFO("cuts " << first << " " << second);
            REQUIRE(splitPieces({text.left(first), text.mid(first, second - first), text.mid(second)}) == expected);
        }
    }
}
