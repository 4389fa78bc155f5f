#include "OpenAiSseDecoder.h"

#include "OpenAiErrorCodec.h"
#include "OpenAiResponseCodec.h"
#include "protocol/IdGenerator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

void OpenAiSseDecoder::finish(StreamEvents &out)
{
    drainParser(out);
    if (m_complete)
        return;
    if (m_sawFinishReason)
        complete(out);
    else
        fail(ApiError::truncatedStream(), out);
}

void OpenAiSseDecoder::fail(const ApiError &error, StreamEvents &out)
{
    out.push_back(StreamEvent::failure(error));
    m_complete = true;
}

void OpenAiSseDecoder::handle(const SseEvent &event, StreamEvents &out)
{
    if (event.data == "[DONE]") {
        complete(out);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(event.data, &parseError);
    if (!document.isObject()) {
        if (m_finishing) {
            fail(ApiError::truncatedStream(), out);
            return;
        }
        fail(ApiError::upstream(
                 502, QStringLiteral("upstream sent a malformed stream chunk: %1").arg(parseError.errorString())),
             out);
        return;
    }
    const QJsonObject chunk = document.object();
    const QJsonValue error = chunk.value(QLatin1String("error"));
    if ((error.isObject() || error.isString()) || event.event == "error") {
        const QJsonValue code = error.toObject().value(QLatin1String("code"));
        const int status = code.isDouble() && code.toInt() >= 400 && code.toInt() < 600 ? code.toInt() : 500;
        fail(OpenAiErrorCodec::decode(status, event.data), out);
        return;
    }
    handleChunk(chunk, out);
}

void OpenAiSseDecoder::ensureStarted(const QJsonObject &chunk, StreamEvents &out)
{
    if (m_started)
        return;
    m_started = true;
    const QString upstreamId = chunk.value(QLatin1String("id")).toString();
    out.push_back(
        StreamEvent::messageStart(upstreamId.isEmpty() ? IdGenerator::messageId() : QStringLiteral("msg_") + upstreamId,
                                  chunk.value(QLatin1String("model")).toString(), Usage{}));
}

void OpenAiSseDecoder::handleChunk(const QJsonObject &chunk, StreamEvents &out)
{
    ensureStarted(chunk, out);

    const QJsonValue usageValue = chunk.value(QLatin1String("usage"));
    if (usageValue.isObject()) {
        m_usage = OpenAiResponseCodec::usage(usageValue.toObject());
    }

    const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty())
        return;
    const QJsonObject choice = choices.at(0).toObject();
    const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();

    QString reasoning = delta.value(QLatin1String("reasoning_content")).toString();
    if (reasoning.isEmpty())
        reasoning = delta.value(QLatin1String("reasoning")).toString();
    if (!reasoning.isEmpty()) {
        startPendingTool(out);
        if (m_complete)
            return;
        m_blocks.appendThinking(reasoning, out);
    }

    const QString content = delta.value(QLatin1String("content")).toString();
    if (!content.isEmpty())
        appendContent(content, out);
    if (m_complete)
        return;

    const QJsonArray toolCalls = delta.value(QLatin1String("tool_calls")).toArray();
    for (const QJsonValue &piece : toolCalls) {
        handleToolCall(piece.toObject(), out);
        if (m_complete)
            return;
    }

    const QJsonValue finishReason = choice.value(QLatin1String("finish_reason"));
    if (finishReason.isString() && !finishReason.toString().isEmpty()) {
        m_finishReason = finishReason.toString();
        m_sawFinishReason = true;
    }
}

void OpenAiSseDecoder::appendContent(const QString &text, StreamEvents &out)
{
    startPendingTool(out);
    if (m_complete)
        return;
    m_segments.clear();
    m_thinkTags.feed(text, m_segments);
    m_blocks.appendSegments(m_segments, out);
}

void OpenAiSseDecoder::flushText(StreamEvents &out)
{
    m_segments.clear();
    m_thinkTags.finish(m_segments);
    m_blocks.appendSegments(m_segments, out);
}

void OpenAiSseDecoder::startPendingTool(StreamEvents &out)
{
    if (m_tool.index < 0 || m_tool.started)
        return;
    // A call whose name never came cannot be run, and a nameless tool_use would come back in
    // the next request's history, which no upstream takes: the answer fails instead.
    if (m_tool.name.isEmpty()) {
        fail(ApiError::upstream(502, QStringLiteral("upstream sent a tool call without a function name")), out);
        return;
    }
    m_tool.started = true;
    m_blocks.startToolUse(m_tool.id.isEmpty() ? IdGenerator::toolUseId() : m_tool.id, m_tool.name, out);
    m_blocks.appendToolInput(m_tool.pendingArguments, out);
    m_tool.pendingArguments.clear();
}

void OpenAiSseDecoder::handleToolCall(const QJsonObject &piece, StreamEvents &out)
{
    const int index = piece.value(QLatin1String("index")).toInt(m_tool.index < 0 ? 0 : m_tool.index);
    const QString id = piece.value(QLatin1String("id")).toString();
    const QJsonObject function = piece.value(QLatin1String("function")).toObject();
    const QString name = function.value(QLatin1String("name")).toString();
    const QJsonValue argumentsValue = function.value(QLatin1String("arguments"));
    // Servers that send whole calls may give arguments as an object instead of a string.
    const QString arguments =
        argumentsValue.isObject()
            ? QString::fromUtf8(QJsonDocument(argumentsValue.toObject()).toJson(QJsonDocument::Compact))
            : argumentsValue.toString();

    // A new call: another index, or (servers that number every call 0) another id.
    const bool newCall =
        m_tool.index != index || (!id.isEmpty() && !m_tool.id.isEmpty() && id != m_tool.id && m_tool.started);
    if (newCall) {
        flushText(out);
        startPendingTool(out);
        if (m_complete)
            return;
        m_blocks.closeBlock(out);
        m_tool = ToolCall{};
        m_tool.index = index;
    }
    if (m_tool.id.isEmpty())
        m_tool.id = id;
    if (m_tool.name.isEmpty())
        m_tool.name = name;

    if (!m_tool.started) {
        m_tool.pendingArguments += arguments;
        if (!m_tool.name.isEmpty())
            startPendingTool(out);
        return;
    }
    if (m_blocks.isToolUseOpen())
        m_blocks.appendToolInput(arguments, out);
}

void OpenAiSseDecoder::complete(StreamEvents &out)
{
    if (!m_started)
        ensureStarted(QJsonObject(), out);
    flushText(out);
    startPendingTool(out);
    if (m_complete)
        return;
    m_blocks.closeBlock(out);

    StopReason reason = m_sawFinishReason ? OpenAiResponseCodec::stopReason(m_finishReason) : StopReason::EndTurn;
    if (m_blocks.sawToolUse() && reason == StopReason::EndTurn)
        reason = StopReason::ToolUse;
    out.push_back(StreamEvent::messageDelta(reason, m_usage));
    out.push_back(StreamEvent::messageStop());
    m_complete = true;
}

} // namespace sb
