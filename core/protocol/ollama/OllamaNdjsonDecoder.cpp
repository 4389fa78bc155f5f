#include "OllamaNdjsonDecoder.h"

#include "OllamaErrorCodec.h"
#include "OllamaResponseCodec.h"
#include "protocol/FramingLimits.h"
#include "protocol/IdGenerator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

void OllamaNdjsonDecoder::feed(const char *data, qsizetype size, StreamEvents &out)
{
    if (m_complete)
        return;
    m_lines.clear();
    m_parser.feed(data, size, m_lines);
    for (const QByteArray &line : std::as_const(m_lines)) {
        if (m_complete)
            break;
        handleLine(line, out);
    }
    if (m_parser.overflowed() && !m_complete)
        fail(upstreamLineTooLong(m_parser.maxBytes()), out);
}

void OllamaNdjsonDecoder::finish(StreamEvents &out)
{
    m_finishing = true;
    if (!m_complete) {
        const QByteArray rest = m_parser.takeRemainder();
        if (!rest.isEmpty())
            handleLine(rest, out);
    }
    if (!m_complete)
        fail(ApiError::truncatedStream(), out);
}

void OllamaNdjsonDecoder::fail(const ApiError &error, StreamEvents &out)
{
    out.push_back(StreamEvent::failure(error));
    m_complete = true;
}

void OllamaNdjsonDecoder::appendContent(const QString &text, StreamEvents &out)
{
    m_segments.clear();
    m_thinkTags.feed(text, m_segments);
    m_blocks.appendSegments(m_segments, out);
}

void OllamaNdjsonDecoder::flushText(StreamEvents &out)
{
    m_segments.clear();
    m_thinkTags.finish(m_segments);
    m_blocks.appendSegments(m_segments, out);
}

void OllamaNdjsonDecoder::handleLine(const QByteArray &line, StreamEvents &out)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (!document.isObject()) {
        if (m_finishing) {
            fail(ApiError::truncatedStream(), out);
            return;
        }
        fail(ApiError::upstream(
                 502, QStringLiteral("Ollama sent a malformed stream line: %1").arg(parseError.errorString())),
             out);
        return;
    }
    const QJsonObject object = document.object();
    if (object.contains(QLatin1String("error"))) {
        fail(OllamaErrorCodec::decode(500, line), out);
        return;
    }

    if (!m_started) {
        m_started = true;
        out.push_back(StreamEvent::messageStart(IdGenerator::messageId(),
                                                object.value(QLatin1String("model")).toString(), Usage{}));
    }

    const QJsonObject message = object.value(QLatin1String("message")).toObject();
    const QString thinking = message.value(QLatin1String("thinking")).toString();
    if (!thinking.isEmpty())
        m_blocks.appendThinking(thinking, out);
    const QString content = message.value(QLatin1String("content")).toString();
    if (!content.isEmpty())
        appendContent(content, out);

    const QJsonArray toolCalls = message.value(QLatin1String("tool_calls")).toArray();
    if (!toolCalls.isEmpty())
        flushText(out);
    for (const QJsonValue &value : toolCalls) {
        const QJsonObject function = value.toObject().value(QLatin1String("function")).toObject();
        if (function.value(QLatin1String("name")).toString().isEmpty()) {
            fail(ApiError::upstream(502, QStringLiteral("Ollama sent a tool call without a function name")), out);
            return;
        }
        m_blocks.startToolUse(IdGenerator::toolUseId(), function.value(QLatin1String("name")).toString(), out);
        const QJsonObject arguments = function.value(QLatin1String("arguments")).toObject();
        m_blocks.appendToolInput(QString::fromUtf8(QJsonDocument(arguments).toJson(QJsonDocument::Compact)), out);
        m_blocks.closeBlock(out);
    }

    if (!object.value(QLatin1String("done")).toBool())
        return;
    flushText(out);
    m_blocks.closeBlock(out);
    Usage usage;
    const QJsonValue promptCount = object.value(QLatin1String("prompt_eval_count"));
    const QJsonValue evalCount = object.value(QLatin1String("eval_count"));
    bool clamped = false;
    if (const std::optional<qint64> count = reportedTokenCount(promptCount, &clamped))
        usage.inputTokens = *count;
    if (const std::optional<qint64> count = reportedTokenCount(evalCount, &clamped))
        usage.outputTokens = *count;
    usage.estimated = clamped;
    out.push_back(StreamEvent::messageDelta(
        OllamaResponseCodec::stopReason(object.value(QLatin1String("done_reason")).toString(), m_blocks.sawToolUse()),
        usage));
    out.push_back(StreamEvent::messageStop());
    m_complete = true;
}

} // namespace sb
