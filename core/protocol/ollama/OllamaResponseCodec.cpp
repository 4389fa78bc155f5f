#include "OllamaResponseCodec.h"

#include "OllamaErrorCodec.h"
#include "protocol/IdGenerator.h"
#include "protocol/ThinkTagSplitter.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sb {

StopReason OllamaResponseCodec::stopReason(const QString &doneReason, bool sawToolCalls)
{
    if (sawToolCalls)
        return StopReason::ToolUse;
    if (doneReason == QLatin1String("length"))
        return StopReason::MaxTokens;
    return StopReason::EndTurn;
}

Expected<void, ApiError> OllamaResponseCodec::decode(const QJsonObject &body, Response &out)
{
    if (body.contains(QLatin1String("error")))
        return unexpected(OllamaErrorCodec::decode(500, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    if (!body.value(QLatin1String("message")).isObject())
        return unexpected(ApiError::upstream(502, QStringLiteral("Ollama's answer has no message")));
    // A whole answer ends with done: true; without it the text may be cut anywhere.
    if (body.value(QLatin1String("done")) != QJsonValue(true))
        return unexpected(
            ApiError::upstream(502, QStringLiteral("Ollama's answer ended before it was done (no \"done\": true)")));

    const QJsonObject message = body.value(QLatin1String("message")).toObject();
    out.id = IdGenerator::messageId();
    out.model = body.value(QLatin1String("model")).toString();

    const QString thinking = message.value(QLatin1String("thinking")).toString();
    if (!thinking.isEmpty())
        out.content.push_back(ContentPart::makeThinking(thinking));
    for (const ThinkSegment &segment : ThinkTagSplitter::split(message.value(QLatin1String("content")).toString())) {
        if (segment.thinking)
            out.content.push_back(ContentPart::makeThinking(segment.text));
        else
            out.content.push_back(ContentPart::makeText(segment.text));
    }

    const QJsonArray toolCalls = message.value(QLatin1String("tool_calls")).toArray();
    for (const QJsonValue &value : toolCalls) {
        const QJsonObject function = value.toObject().value(QLatin1String("function")).toObject();
        if (function.value(QLatin1String("name")).toString().isEmpty())
            return unexpected(
                ApiError::upstream(502, QStringLiteral("Ollama sent a tool call without a function name")));
        out.content.push_back(ContentPart::makeToolUse(IdGenerator::toolUseId(),
                                                       function.value(QLatin1String("name")).toString(),
                                                       function.value(QLatin1String("arguments")).toObject()));
    }

    out.stopReason = stopReason(body.value(QLatin1String("done_reason")).toString(), !toolCalls.isEmpty());
    const QJsonValue promptCount = body.value(QLatin1String("prompt_eval_count"));
    const QJsonValue evalCount = body.value(QLatin1String("eval_count"));
    bool clamped = false;
    if (const std::optional<qint64> count = reportedTokenCount(promptCount, &clamped))
        out.usage.inputTokens = *count;
    if (const std::optional<qint64> count = reportedTokenCount(evalCount, &clamped))
        out.usage.outputTokens = *count;
    out.usage.estimated = clamped;
    return {};
}

} // namespace sb
