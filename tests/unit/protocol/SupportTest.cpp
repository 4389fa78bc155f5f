#include "ProtocolTestSupport.h"
#include "protocol/FieldPath.h"
#include "protocol/IdGenerator.h"
#include "protocol/JsonStringWriter.h"
#include "protocol/ThinkTagSplitter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

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
