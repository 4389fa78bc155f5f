#include "AnthropicSseEncoder.h"

#include "protocol/JsonStringWriter.h"

#include <algorithm>
#include <charconv>

namespace sb {

namespace {

void string(QByteArray &out, const QString &text)
{
    JsonStringWriter::append(out, text);
}

void inputUsage(QByteArray &out, const Usage &usage)
{
    JsonStringWriter::appendLiteral(out, "\"input_tokens\":");
    JsonStringWriter::appendNumber(out, usage.inputTokens < 0 ? 0 : usage.inputTokens);
    JsonStringWriter::appendLiteral(out, ",\"cache_creation_input_tokens\":");
    JsonStringWriter::appendNumber(out, usage.cacheWriteTokens);
    JsonStringWriter::appendLiteral(out, ",\"cache_read_input_tokens\":");
    JsonStringWriter::appendNumber(out, usage.cacheReadTokens);
}

void blockStart(QByteArray &out, const StreamEvent &event)
{
    JsonStringWriter::appendLiteral(out,
                                    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":");
    JsonStringWriter::appendNumber(out, event.index);
    JsonStringWriter::appendLiteral(out, ",\"content_block\":");
    switch (event.blockKind) {
    case StreamEvent::BlockKind::Text: JsonStringWriter::appendLiteral(out, "{\"type\":\"text\",\"text\":\"\"}"); break;
    case StreamEvent::BlockKind::ToolUse:
        JsonStringWriter::appendLiteral(out, "{\"type\":\"tool_use\",\"id\":");
        string(out, event.toolId);
        JsonStringWriter::appendLiteral(out, ",\"name\":");
        string(out, event.toolName);
        JsonStringWriter::appendLiteral(out, ",\"input\":{}}");
        break;
    case StreamEvent::BlockKind::Thinking:
        JsonStringWriter::appendLiteral(out, "{\"type\":\"thinking\",\"thinking\":\"\"}");
        break;
    case StreamEvent::BlockKind::RedactedThinking:
        JsonStringWriter::appendLiteral(out, "{\"type\":\"redacted_thinking\",\"data\":");
        string(out, event.text);
        JsonStringWriter::appendLiteral(out, "}");
        break;
    }
    JsonStringWriter::appendLiteral(out, "}\n\n");
}

void blockDelta(QByteArray &out, const StreamEvent &event, const char *deltaType, const char *field)
{
    JsonStringWriter::appendLiteral(out,
                                    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");
    JsonStringWriter::appendNumber(out, event.index);
    JsonStringWriter::appendLiteral(out, ",\"delta\":{\"type\":\"");
    out.append(deltaType);
    JsonStringWriter::appendLiteral(out, "\",\"");
    out.append(field);
    JsonStringWriter::appendLiteral(out, "\":");
    string(out, event.text);
    JsonStringWriter::appendLiteral(out, "}}\n\n");
}

} // namespace

void AnthropicSseEncoder::encode(const StreamEvent &event, QByteArray &out)
{
    if (m_failed)
        return;
    switch (event.type) {
    case StreamEvent::Type::MessageStart:
        out.reserve(out.size() + 320 + event.messageId.size() + event.model.size());
        JsonStringWriter::appendLiteral(out,
                                        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":");
        string(out, event.messageId);
        JsonStringWriter::appendLiteral(out, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        string(out, event.model);
        JsonStringWriter::appendLiteral(out, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{");
        inputUsage(out, event.usage);
        JsonStringWriter::appendLiteral(out, ",\"output_tokens\":");
        JsonStringWriter::appendNumber(out, event.usage.outputTokens < 0 ? 0 : event.usage.outputTokens);
        JsonStringWriter::appendLiteral(out, "}}}\n\n");
        break;
    case StreamEvent::Type::BlockStart:
        blockStart(out, event);
        if (event.blockKind == StreamEvent::BlockKind::Thinking)
            m_unsignedThinking.push_back(event.index);
        break;
    case StreamEvent::Type::TextDelta: blockDelta(out, event, "text_delta", "text"); break;
    case StreamEvent::Type::ToolInputDelta: blockDelta(out, event, "input_json_delta", "partial_json"); break;
    case StreamEvent::Type::ThinkingDelta: blockDelta(out, event, "thinking_delta", "thinking"); break;
    case StreamEvent::Type::SignatureDelta:
        blockDelta(out, event, "signature_delta", "signature");
        m_unsignedThinking.erase(std::remove(m_unsignedThinking.begin(), m_unsignedThinking.end(), event.index),
                                 m_unsignedThinking.end());
        break;
    case StreamEvent::Type::BlockStop: {
        const auto open = std::find(m_unsignedThinking.begin(), m_unsignedThinking.end(), event.index);
        if (open != m_unsignedThinking.end()) {
            m_unsignedThinking.erase(open);
            StreamEvent signature = StreamEvent::delta(StreamEvent::Type::SignatureDelta, event.index, QString());
            blockDelta(out, signature, "signature_delta", "signature");
        }
        JsonStringWriter::appendLiteral(out,
                                        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":");
        JsonStringWriter::appendNumber(out, event.index);
        JsonStringWriter::appendLiteral(out, "}\n\n");
        break;
    }
    case StreamEvent::Type::MessageDelta: {
        JsonStringWriter::appendLiteral(
            out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
        const QString reason = stopReasonName(event.stopReason);
        if (reason.isEmpty())
            JsonStringWriter::appendLiteral(out, "null");
        else
            string(out, reason);
        JsonStringWriter::appendLiteral(out, ",\"stop_sequence\":");
        if (event.stopSequence.isEmpty())
            JsonStringWriter::appendLiteral(out, "null");
        else
            string(out, event.stopSequence);
        JsonStringWriter::appendLiteral(out, "},\"usage\":{");
        if (event.usage.inputTokens >= 0) {
            inputUsage(out, event.usage);
            JsonStringWriter::appendLiteral(out, ",");
        }
        JsonStringWriter::appendLiteral(out, "\"output_tokens\":");
        JsonStringWriter::appendNumber(out, event.usage.outputTokens < 0 ? 0 : event.usage.outputTokens);
        JsonStringWriter::appendLiteral(out, "}}\n\n");
        break;
    }
    case StreamEvent::Type::MessageStop:
        JsonStringWriter::appendLiteral(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        break;
    case StreamEvent::Type::Ping:
        JsonStringWriter::appendLiteral(out, "event: ping\ndata: {\"type\":\"ping\"}\n\n");
        break;
    case StreamEvent::Type::Error:
        JsonStringWriter::appendLiteral(out, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":");
        string(out, event.error.type);
        JsonStringWriter::appendLiteral(out, ",\"message\":");
        string(out, event.error.message);
        JsonStringWriter::appendLiteral(out, "}}\n\n");
        m_failed = true;
        break;
    }
}

} // namespace sb
