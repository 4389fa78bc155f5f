#include "AnthropicSseEncoder.h"

#include "protocol/JsonStringWriter.h"

#include <charconv>

namespace sb {

namespace {

template<qsizetype N>
void literal(QByteArray &out, const char (&text)[N])
{
    out.append(text, N - 1);
}

void number(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void string(QByteArray &out, const QString &text)
{
    JsonStringWriter::append(out, text);
}

void inputUsage(QByteArray &out, const Usage &usage)
{
    literal(out, "\"input_tokens\":");
    number(out, usage.inputTokens < 0 ? 0 : usage.inputTokens);
    literal(out, ",\"cache_creation_input_tokens\":");
    number(out, usage.cacheWriteTokens);
    literal(out, ",\"cache_read_input_tokens\":");
    number(out, usage.cacheReadTokens);
}

void blockStart(QByteArray &out, const StreamEvent &event)
{
    literal(out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":");
    number(out, event.index);
    literal(out, ",\"content_block\":");
    switch (event.blockKind) {
    case StreamEvent::BlockKind::Text:
        literal(out, "{\"type\":\"text\",\"text\":\"\"}");
        break;
    case StreamEvent::BlockKind::ToolUse:
        literal(out, "{\"type\":\"tool_use\",\"id\":");
        string(out, event.toolId);
        literal(out, ",\"name\":");
        string(out, event.toolName);
        literal(out, ",\"input\":{}}");
        break;
    case StreamEvent::BlockKind::Thinking:
        literal(out, "{\"type\":\"thinking\",\"thinking\":\"\"}");
        break;
    case StreamEvent::BlockKind::RedactedThinking:
        literal(out, "{\"type\":\"redacted_thinking\",\"data\":");
        string(out, event.text);
        literal(out, "}");
        break;
    }
    literal(out, "}\n\n");
}

void blockDelta(QByteArray &out, const StreamEvent &event, const char *deltaType, const char *field)
{
    literal(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");
    number(out, event.index);
    literal(out, ",\"delta\":{\"type\":\"");
    out.append(deltaType);
    literal(out, "\",\"");
    out.append(field);
    literal(out, "\":");
    string(out, event.text);
    literal(out, "}}\n\n");
}

} // namespace

void AnthropicSseEncoder::encode(const StreamEvent &event, QByteArray &out)
{
    if (m_failed)
        return;
    switch (event.type) {
    case StreamEvent::Type::MessageStart:
        out.reserve(out.size() + 320 + event.messageId.size() + event.model.size());
        literal(out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":");
        string(out, event.messageId);
        literal(out, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        string(out, event.model);
        literal(out, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{");
        inputUsage(out, event.usage);
        literal(out, ",\"output_tokens\":");
        number(out, event.usage.outputTokens < 0 ? 0 : event.usage.outputTokens);
        literal(out, "}}}\n\n");
        break;
    case StreamEvent::Type::BlockStart:
        blockStart(out, event);
        break;
    case StreamEvent::Type::TextDelta:
        blockDelta(out, event, "text_delta", "text");
        break;
    case StreamEvent::Type::ToolInputDelta:
        blockDelta(out, event, "input_json_delta", "partial_json");
        break;
    case StreamEvent::Type::ThinkingDelta:
        blockDelta(out, event, "thinking_delta", "thinking");
        break;
    case StreamEvent::Type::SignatureDelta:
        blockDelta(out, event, "signature_delta", "signature");
        break;
    case StreamEvent::Type::BlockStop:
        literal(out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":");
        number(out, event.index);
        literal(out, "}\n\n");
        break;
    case StreamEvent::Type::MessageDelta: {
        literal(out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
        const QString reason = stopReasonName(event.stopReason);
        if (reason.isEmpty())
            literal(out, "null");
        else
            string(out, reason);
        literal(out, ",\"stop_sequence\":");
        if (event.stopSequence.isEmpty())
            literal(out, "null");
        else
            string(out, event.stopSequence);
        literal(out, "},\"usage\":{");
        if (event.usage.inputTokens >= 0) {
            inputUsage(out, event.usage);
            literal(out, ",");
        }
        literal(out, "\"output_tokens\":");
        number(out, event.usage.outputTokens < 0 ? 0 : event.usage.outputTokens);
        literal(out, "}}\n\n");
        break;
    }
    case StreamEvent::Type::MessageStop:
        literal(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        break;
    case StreamEvent::Type::Ping:
        literal(out, "event: ping\ndata: {\"type\":\"ping\"}\n\n");
        break;
    case StreamEvent::Type::Error:
        literal(out, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":");
        string(out, event.error.type);
        literal(out, ",\"message\":");
        string(out, event.error.message);
        literal(out, "}}\n\n");
        m_failed = true;
        break;
    }
}

} // namespace sb
