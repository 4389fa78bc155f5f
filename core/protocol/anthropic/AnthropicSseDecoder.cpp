#include "AnthropicSseDecoder.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

namespace {

void readUsage(const QJsonObject &usage, Usage &into)
{
    bool clamped = false;
    const auto read = [&usage, &clamped](const char *key, qint64 &field) {
        if (const std::optional<qint64> count = reportedTokenCount(usage.value(QLatin1String(key)), &clamped))
            field = *count;
    };
    read("input_tokens", into.inputTokens);
    read("output_tokens", into.outputTokens);
    read("cache_creation_input_tokens", into.cacheWriteTokens);
    read("cache_read_input_tokens", into.cacheReadTokens);
    if (clamped)
        into.estimated = true;
}

// Unknown block types (server_tool_use …) map to text so indices stay aligned.
StreamEvent::BlockKind blockKind(const QString &type)
{
    if (type == QLatin1String("text"))
        return StreamEvent::BlockKind::Text;
    if (type == QLatin1String("tool_use"))
        return StreamEvent::BlockKind::ToolUse;
    if (type == QLatin1String("thinking"))
        return StreamEvent::BlockKind::Thinking;
    if (type == QLatin1String("redacted_thinking"))
        return StreamEvent::BlockKind::RedactedThinking;
    return StreamEvent::BlockKind::Text;
}

} // namespace

void AnthropicSseDecoder::finish(StreamEvents &out)
{
    drainParser(out);
    if (!m_complete)
        fail(ApiError::truncatedStream(), out);
}

void AnthropicSseDecoder::fail(const ApiError &error, StreamEvents &out)
{
    out.push_back(StreamEvent::failure(error));
    m_complete = true;
}

void AnthropicSseDecoder::handle(const SseEvent &event, StreamEvents &out)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(event.data, &parseError);
    if (!document.isObject()) {
        if (m_finishing) {
            fail(ApiError::truncatedStream(), out);
            return;
        }
        fail(ApiError::upstream(
                 502, QStringLiteral("upstream sent a malformed stream event: %1").arg(parseError.errorString())),
             out);
        return;
    }
    const QJsonObject data = document.object();
    QString type = data.value(QLatin1String("type")).toString();
    if (type.isEmpty())
        type = QString::fromLatin1(event.event);

    if (type == QLatin1String("content_block_delta")) {
        const QJsonObject delta = data.value(QLatin1String("delta")).toObject();
        const QString deltaType = delta.value(QLatin1String("type")).toString();
        const int index = data.value(QLatin1String("index")).toInt();
        if (deltaType == QLatin1String("text_delta"))
            out.push_back(
                StreamEvent::delta(StreamEvent::Type::TextDelta, index, delta.value(QLatin1String("text")).toString()));
        else if (deltaType == QLatin1String("input_json_delta"))
            out.push_back(StreamEvent::delta(StreamEvent::Type::ToolInputDelta, index,
                                             delta.value(QLatin1String("partial_json")).toString()));
        else if (deltaType == QLatin1String("thinking_delta"))
            out.push_back(StreamEvent::delta(StreamEvent::Type::ThinkingDelta, index,
                                             delta.value(QLatin1String("thinking")).toString()));
        else if (deltaType == QLatin1String("signature_delta"))
            out.push_back(StreamEvent::delta(StreamEvent::Type::SignatureDelta, index,
                                             delta.value(QLatin1String("signature")).toString()));
        // Other delta types (citations …) have no canonical form; pass-through relays them.
        return;
    }
    if (type == QLatin1String("content_block_start")) {
        const QJsonObject block = data.value(QLatin1String("content_block")).toObject();
        const StreamEvent::BlockKind kind = blockKind(block.value(QLatin1String("type")).toString());
        const int index = data.value(QLatin1String("index")).toInt();
        StreamEvent start = StreamEvent::blockStart(index, kind, block.value(QLatin1String("id")).toString(),
                                                    block.value(QLatin1String("name")).toString());
        if (kind == StreamEvent::BlockKind::RedactedThinking)
            start.text = block.value(QLatin1String("data")).toString();
        out.push_back(std::move(start));
        if (kind == StreamEvent::BlockKind::Text) {
            const QString initial = block.value(QLatin1String("text")).toString();
            if (!initial.isEmpty())
                out.push_back(StreamEvent::delta(StreamEvent::Type::TextDelta, index, initial));
        }
        return;
    }
    if (type == QLatin1String("content_block_stop")) {
        out.push_back(StreamEvent::blockStop(data.value(QLatin1String("index")).toInt()));
        return;
    }
    if (type == QLatin1String("message_start")) {
        const QJsonObject message = data.value(QLatin1String("message")).toObject();
        readUsage(message.value(QLatin1String("usage")).toObject(), m_usage);
        out.push_back(StreamEvent::messageStart(message.value(QLatin1String("id")).toString(),
                                                message.value(QLatin1String("model")).toString(), m_usage));
        return;
    }
    if (type == QLatin1String("message_delta")) {
        const QJsonObject delta = data.value(QLatin1String("delta")).toObject();
        readUsage(data.value(QLatin1String("usage")).toObject(), m_usage);
        out.push_back(
            StreamEvent::messageDelta(stopReasonFromName(delta.value(QLatin1String("stop_reason")).toString()), m_usage,
                                      delta.value(QLatin1String("stop_sequence")).toString()));
        return;
    }
    if (type == QLatin1String("message_stop")) {
        out.push_back(StreamEvent::messageStop());
        m_complete = true;
        return;
    }
    if (type == QLatin1String("ping")) {
        out.push_back(StreamEvent::ping());
        return;
    }
    if (type == QLatin1String("error")) {
        const QJsonObject error = data.value(QLatin1String("error")).toObject();
        m_upstreamError = true;
        fail(ApiError::fromType(error.value(QLatin1String("type")).toString(),
                                error.value(QLatin1String("message")).toString()),
             out);
        return;
    }
    // Unknown event types are new API features; ignoring them is what the SDKs do.
}

} // namespace sb
