#include "OpenAiResponseCodec.h"

#include "protocol/IdGenerator.h"
#include "protocol/JsonWriter.h"
#include "protocol/ThinkTagSplitter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace sb {

QString OpenAiResponseCodec::completionId(const QString &messageId)
{
    if (messageId.isEmpty())
        return IdGenerator::withPrefix(QStringLiteral("chatcmpl-"));
    // "msg_chatcmpl-x" (an OpenAI upstream's id, as the stream decoder wraps it) → "chatcmpl-x";
    // "msg_abc" → "chatcmpl-abc".
    const QString bare = messageId.startsWith(QLatin1String("msg_")) ? messageId.mid(4) : messageId;
    if (bare.startsWith(QLatin1String("chatcmpl")))
        return bare;
    return QStringLiteral("chatcmpl-") + bare;
}

QString OpenAiResponseCodec::finishReason(StopReason reason)
{
    switch (reason) {
    case StopReason::MaxTokens: return QStringLiteral("length");
    case StopReason::ToolUse: return QStringLiteral("tool_calls");
    case StopReason::Refusal: return QStringLiteral("content_filter");
    case StopReason::None:
    case StopReason::EndTurn:
    case StopReason::StopSequence:
    case StopReason::PauseTurn: break;
    }
    return QStringLiteral("stop");
}

StopReason OpenAiResponseCodec::stopReason(const QString &finishReason)
{
    if (finishReason == QLatin1String("length"))
        return StopReason::MaxTokens;
    if (finishReason == QLatin1String("tool_calls") || finishReason == QLatin1String("function_call"))
        return StopReason::ToolUse;
    if (finishReason == QLatin1String("content_filter"))
        return StopReason::Refusal;
    return StopReason::EndTurn;
}

QString OpenAiResponseCodec::fallbackToolCallId(const QString &completionId, int blockIndex)
{
    const QString bare = completionId.startsWith(QLatin1String("chatcmpl-")) ? completionId.mid(9) : completionId;
    return QStringLiteral("call_%1_%2").arg(bare).arg(blockIndex);
}

QJsonObject OpenAiResponseCodec::encode(const Response &response)
{
    return QJsonDocument::fromJson(encodeBytes(response)).object();
}

QByteArray OpenAiResponseCodec::encodeBytes(const Response &response)
{
    const QString id = completionId(response.id);
    QString text;
    QString reasoning;
    std::vector<std::pair<const ContentPart *, int>> toolCalls; // with their block index
    for (size_t blockIndex = 0; blockIndex < response.content.size(); ++blockIndex) {
        const ContentPart &part = response.content[blockIndex];
        switch (part.kind) {
        case ContentPart::Kind::Text: text += part.text; break;
        case ContentPart::Kind::Thinking: reasoning += part.text; break;
        case ContentPart::Kind::ToolUse: toolCalls.emplace_back(&part, int(blockIndex)); break;
        default: break;
        }
    }

    QByteArray out;
    out.reserve(text.size() + reasoning.size() + 512);
    JsonWriter json(out);
    json.beginObject().key(QLatin1String("id")).string(id);
    json.key(QLatin1String("object")).string(QLatin1String("chat.completion"));
    json.key(QLatin1String("created")).number(QDateTime::currentSecsSinceEpoch());
    json.key(QLatin1String("model")).string(response.model);
    json.key(QLatin1String("choices")).beginArray().beginObject().key(QLatin1String("index")).number(qint64(0));
    json.key(QLatin1String("message")).beginObject().key(QLatin1String("role")).string(QLatin1String("assistant"));
    json.key(QLatin1String("content"));
    if (text.isEmpty() && !toolCalls.empty())
        json.null();
    else
        json.string(text);
    if (!toolCalls.empty()) {
        json.key(QLatin1String("tool_calls")).beginArray();
        for (const auto &[part, blockIndex] : toolCalls) {
            json.beginObject().key(QLatin1String("id"));
            json.string(part->toolId.isEmpty() ? fallbackToolCallId(id, blockIndex) : part->toolId);
            json.key(QLatin1String("type")).string(QLatin1String("function"));
            json.key(QLatin1String("function")).beginObject().key(QLatin1String("name")).string(part->toolName);
            json.key(QLatin1String("arguments"))
                .string(QString::fromUtf8(QJsonDocument(part->toolInput).toJson(QJsonDocument::Compact)));
            json.endObject().endObject();
        }
        json.endArray();
    }
    if (!reasoning.isEmpty())
        json.key(QLatin1String("reasoning_content")).string(reasoning);
    json.endObject();
    json.key(QLatin1String("logprobs")).null();
    json.key(QLatin1String("finish_reason")).string(finishReason(response.stopReason));
    json.endObject().endArray();

    const qint64 input = std::max<qint64>(0, response.usage.inputTokens) + response.usage.cacheReadTokens +
                         response.usage.cacheWriteTokens;
    const qint64 output = std::max<qint64>(0, response.usage.outputTokens);
    json.key(QLatin1String("usage")).beginObject().key(QLatin1String("prompt_tokens")).number(input);
    json.key(QLatin1String("completion_tokens")).number(output);
    json.key(QLatin1String("total_tokens")).number(input + output);
    if (response.usage.cacheReadTokens > 0) {
        json.key(QLatin1String("prompt_tokens_details")).beginObject();
        json.key(QLatin1String("cached_tokens")).number(response.usage.cacheReadTokens);
        json.endObject();
    }
    json.endObject().endObject();
    return out;
}

Expected<void, ApiError> OpenAiResponseCodec::decode(const QJsonObject &body, Response &out)
{
    const QJsonValue error = body.value(QLatin1String("error"));
    if (error.isObject() || error.isString()) {
        const QString message =
            error.isObject() ? error.toObject().value(QLatin1String("message")).toString() : error.toString();
        const int code = error.toObject().value(QLatin1String("code")).toInt(502);
        return unexpected(ApiError::upstream(code >= 400 && code < 600 ? code : 502, message));
    }
    const QJsonArray choices = body.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty())
        return unexpected(ApiError::upstream(502, QStringLiteral("upstream answer has no choices")));
    const QJsonObject choice = choices.at(0).toObject();
    const QJsonObject message = choice.value(QLatin1String("message")).toObject();

    out.id = body.value(QLatin1String("id")).toString();
    if (!out.id.isEmpty())
        out.id.prepend(QStringLiteral("msg_"));
    else
        out.id = IdGenerator::messageId();
    out.model = body.value(QLatin1String("model")).toString();

    QString reasoning = message.value(QLatin1String("reasoning_content")).toString();
    if (reasoning.isEmpty())
        reasoning = message.value(QLatin1String("reasoning")).toString();
    if (!reasoning.isEmpty())
        out.content.push_back(ContentPart::makeThinking(reasoning));
    for (const ThinkSegment &segment : ThinkTagSplitter::split(message.value(QLatin1String("content")).toString())) {
        if (segment.thinking)
            out.content.push_back(ContentPart::makeThinking(segment.text));
        else
            out.content.push_back(ContentPart::makeText(segment.text));
    }

    const QJsonArray toolCalls = message.value(QLatin1String("tool_calls")).toArray();
    for (const QJsonValue &value : toolCalls) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(QLatin1String("function")).toObject();
        const QString name = function.value(QLatin1String("name")).toString();
        // A nameless call cannot be run, and would come back in the next request's history.
        if (name.isEmpty())
            return unexpected(
                ApiError::upstream(502, QStringLiteral("upstream sent a tool call without a function name")));
        QString id = call.value(QLatin1String("id")).toString();
        if (id.isEmpty())
            id = IdGenerator::toolUseId();
        const QJsonValue arguments = function.value(QLatin1String("arguments"));
        QJsonObject input;
        if (arguments.isObject()) {
            input = arguments.toObject();
        } else if (!arguments.toString().trimmed().isEmpty()) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(arguments.toString().toUtf8(), &parseError);
            if (!document.isObject())
                return unexpected(
                    ApiError::upstream(502, QStringLiteral("upstream sent invalid JSON arguments for tool \"%1\": %2")
                                                .arg(name, parseError.errorString())));
            input = document.object();
        }
        out.content.push_back(ContentPart::makeToolUse(id, name, input));
    }

    out.stopReason = stopReason(choice.value(QLatin1String("finish_reason")).toString());
    if (!toolCalls.isEmpty() && out.stopReason == StopReason::EndTurn)
        out.stopReason = StopReason::ToolUse;

    const QJsonObject usage = body.value(QLatin1String("usage")).toObject();
    if (!usage.isEmpty()) {
        out.usage = OpenAiResponseCodec::usage(usage);
    }
    return {};
}

Usage OpenAiResponseCodec::usage(const QJsonObject &usage)
{
    Usage out;
    bool clamped = false;
    const qint64 prompt = reportedTokenCount(usage.value(QLatin1String("prompt_tokens")), &clamped).value_or(0);
    const qint64 cached = std::min(
        prompt,
        reportedTokenCount(
            usage.value(QLatin1String("prompt_tokens_details")).toObject().value(QLatin1String("cached_tokens")),
            &clamped)
            .value_or(0));
    // Anthropic counts cache reads apart from input_tokens; OpenAI includes them.
    out.cacheReadTokens = cached;
    out.inputTokens = prompt - cached;
    out.outputTokens = reportedTokenCount(usage.value(QLatin1String("completion_tokens")), &clamped).value_or(0);
    out.estimated = clamped;
    return out;
}

} // namespace sb
