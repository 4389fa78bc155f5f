#include "ProtocolTestSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

#include <catch2/catch.hpp>

namespace sb::test {

QByteArray readFixture(const QString &relativePath)
{
    QFile file(QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/protocol/") + relativePath);
    if (!file.open(QIODevice::ReadOnly))
        FAIL("cannot open fixture " << relativePath.toStdString());
    return file.readAll();
}

QJsonObject parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject())
        FAIL("not a JSON object: " << error.errorString().toStdString() << " in " << json.left(200).toStdString());
    return document.object();
}

QJsonObject readJsonFixture(const QString &relativePath)
{
    return parseObject(readFixture(relativePath));
}

namespace {
const char *typeName(StreamEvent::Type type)
{
    switch (type) {
    case StreamEvent::Type::MessageStart: return "MessageStart";
    case StreamEvent::Type::BlockStart: return "BlockStart";
    case StreamEvent::Type::TextDelta: return "TextDelta";
    case StreamEvent::Type::ToolInputDelta: return "ToolInputDelta";
    case StreamEvent::Type::ThinkingDelta: return "ThinkingDelta";
    case StreamEvent::Type::SignatureDelta: return "SignatureDelta";
    case StreamEvent::Type::BlockStop: return "BlockStop";
    case StreamEvent::Type::MessageDelta: return "MessageDelta";
    case StreamEvent::Type::MessageStop: return "MessageStop";
    case StreamEvent::Type::Ping: return "Ping";
    case StreamEvent::Type::Error: return "Error";
    }
    return "?";
}

const char *kindName(StreamEvent::BlockKind kind)
{
    switch (kind) {
    case StreamEvent::BlockKind::Text: return "text";
    case StreamEvent::BlockKind::ToolUse: return "tool_use";
    case StreamEvent::BlockKind::Thinking: return "thinking";
    case StreamEvent::BlockKind::RedactedThinking: return "redacted_thinking";
    }
    return "?";
}

QString usageText(const Usage &usage)
{
    return QStringLiteral("in=%1 out=%2 cr=%3 cw=%4")
        .arg(usage.inputTokens)
        .arg(usage.outputTokens)
        .arg(usage.cacheReadTokens)
        .arg(usage.cacheWriteTokens);
}
} // namespace

QString describe(const StreamEvent &event)
{
    const QString type = QLatin1String(typeName(event.type));
    switch (event.type) {
    case StreamEvent::Type::MessageStart:
        return QStringLiteral("%1 id=%2 model=%3 %4").arg(type, event.messageId, event.model, usageText(event.usage));
    case StreamEvent::Type::BlockStart:
        return QStringLiteral("%1 #%2 %3 %4 %5 %6")
            .arg(type)
            .arg(event.index)
            .arg(QLatin1String(kindName(event.blockKind)), event.toolId, event.toolName, event.text);
    case StreamEvent::Type::TextDelta:
    case StreamEvent::Type::ToolInputDelta:
    case StreamEvent::Type::ThinkingDelta:
    case StreamEvent::Type::SignatureDelta:
        return QStringLiteral("%1 #%2 [%3]").arg(type).arg(event.index).arg(event.text);
    case StreamEvent::Type::BlockStop: return QStringLiteral("%1 #%2").arg(type).arg(event.index);
    case StreamEvent::Type::MessageDelta:
        return QStringLiteral("%1 %2 seq=%3 %4")
            .arg(type, stopReasonName(event.stopReason), event.stopSequence, usageText(event.usage));
    case StreamEvent::Type::MessageStop:
    case StreamEvent::Type::Ping: return type;
    case StreamEvent::Type::Error:
        return QStringLiteral("%1 %2 %3 %4")
            .arg(type)
            .arg(event.error.httpStatus)
            .arg(event.error.type, event.error.message);
    }
    return type;
}

QStringList describe(const StreamEvents &events)
{
    QStringList lines;
    for (const StreamEvent &event : events)
        lines.append(describe(event));
    return lines;
}

StreamEvents decodeWhole(const DecoderFactory &factory, const QByteArray &bytes)
{
    auto decoder = factory();
    StreamEvents events;
    decoder->feed(bytes, events);
    decoder->finish(events);
    return events;
}

StreamEvents decodeSplit(const DecoderFactory &factory, const QByteArray &bytes, qsizetype cut)
{
    auto decoder = factory();
    StreamEvents events;
    decoder->feed(bytes.constData(), cut, events);
    decoder->feed(bytes.constData() + cut, bytes.size() - cut, events);
    decoder->finish(events);
    return events;
}

StreamEvents decodeByteByByte(const DecoderFactory &factory, const QByteArray &bytes)
{
    auto decoder = factory();
    StreamEvents events;
    for (qsizetype i = 0; i < bytes.size(); ++i)
        decoder->feed(bytes.constData() + i, 1, events);
    decoder->finish(events);
    return events;
}

QStringList normalizeIds(const QStringList &lines)
{
    static const QRegularExpression generated(QStringLiteral("\\b(msg|toolu)_[A-Za-z0-9]{24}\\b"));
    QStringList normalized;
    for (QString line : lines)
        normalized.append(line.replace(generated, QStringLiteral("\\1_*")));
    return normalized;
}

int countSplitMismatches(const DecoderFactory &factory, const QByteArray &bytes, const QStringList &expectedLines,
                         bool normalize)
{
    const auto prepare = [normalize](const QStringList &lines) {
        return normalize ? normalizeIds(lines) : lines;
    };
    const QStringList expected = prepare(expectedLines);
    int mismatches = 0;
    for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
        if (prepare(describe(decodeSplit(factory, bytes, cut))) != expected) {
            if (mismatches == 0)
                UNSCOPED_INFO("first mismatching cut at byte " << cut);
            ++mismatches;
        }
    }
    if (prepare(describe(decodeByteByByte(factory, bytes))) != expected) {
        UNSCOPED_INFO("byte-by-byte feed differs");
        ++mismatches;
    }
    return mismatches;
}

std::vector<ParsedSse> parseSse(const QByteArray &bytes)
{
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed(bytes, events);
    std::vector<ParsedSse> parsed;
    for (const SseEvent &event : events) {
        ParsedSse item{event.event, event.data, {}};
        const QJsonDocument document = QJsonDocument::fromJson(event.data);
        if (document.isObject())
            item.data = document.object();
        parsed.push_back(item);
    }
    return parsed;
}

} // namespace sb::test
