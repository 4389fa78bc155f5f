#include "OpenAiSseEncoder.h"

#include "OpenAiErrorCodec.h"
#include "OpenAiResponseCodec.h"
#include "protocol/JsonStringWriter.h"

#include <QDateTime>

#include <charconv>

namespace sb {

OpenAiSseEncoder::OpenAiSseEncoder(const QString &model, bool includeUsage)
    : m_model(model), m_includeUsage(includeUsage), m_created(QDateTime::currentSecsSinceEpoch())
{}

void OpenAiSseEncoder::ensurePrefix(const QString &messageId)
{
    if (!m_prefix.isEmpty())
        return;
    m_prefix.reserve(128 + m_model.size());
    JsonStringWriter::appendLiteral(m_prefix, "data: {\"id\":");
    m_completionId = OpenAiResponseCodec::completionId(messageId);
    JsonStringWriter::append(m_prefix, m_completionId);
    JsonStringWriter::appendLiteral(m_prefix, ",\"object\":\"chat.completion.chunk\",\"created\":");
    JsonStringWriter::appendNumber(m_prefix, m_created);
    JsonStringWriter::appendLiteral(m_prefix, ",\"model\":");
    JsonStringWriter::append(m_prefix, m_model);
    JsonStringWriter::appendLiteral(m_prefix, ",");
}

void OpenAiSseEncoder::beginChunk(QByteArray &out) const
{
    out.append(m_prefix);
    JsonStringWriter::appendLiteral(out, "\"choices\":[{\"index\":0,\"delta\":");
}

void OpenAiSseEncoder::endChunk(QByteArray &out) const
{
    JsonStringWriter::appendLiteral(out, ",\"finish_reason\":null}]}\n\n");
}

int OpenAiSseEncoder::toolIndexOf(int blockIndex) const
{
    for (const auto &[block, tool] : m_toolIndexByBlock) {
        if (block == blockIndex)
            return tool;
    }
    return -1;
}

void OpenAiSseEncoder::encode(const StreamEvent &event, QByteArray &out)
{
    if (m_failed)
        return;
    if (event.type != StreamEvent::Type::Error)
        ensurePrefix(event.messageId);

    switch (event.type) {
    case StreamEvent::Type::MessageStart:
        m_usage = event.usage;
        beginChunk(out);
        JsonStringWriter::appendLiteral(out, "{\"role\":\"assistant\",\"content\":\"\"}");
        endChunk(out);
        break;
    case StreamEvent::Type::BlockStart:
        if (event.blockKind == StreamEvent::BlockKind::ToolUse) {
            const int toolIndex = int(m_toolIndexByBlock.size());
            m_toolIndexByBlock.emplace_back(event.index, toolIndex);
            beginChunk(out);
            JsonStringWriter::appendLiteral(out, "{\"tool_calls\":[{\"index\":");
            JsonStringWriter::appendNumber(out, toolIndex);
            JsonStringWriter::appendLiteral(out, ",\"id\":");
            JsonStringWriter::append(out, event.toolId.isEmpty()
                                              ? OpenAiResponseCodec::fallbackToolCallId(m_completionId, event.index)
                                              : event.toolId);
            JsonStringWriter::appendLiteral(out, ",\"type\":\"function\",\"function\":{\"name\":");
            JsonStringWriter::append(out, event.toolName);
            JsonStringWriter::appendLiteral(out, ",\"arguments\":\"\"}}]}");
            endChunk(out);
        }
        break;
    case StreamEvent::Type::TextDelta:
        if (event.text.isEmpty())
            break;
        beginChunk(out);
        JsonStringWriter::appendLiteral(out, "{\"content\":");
        JsonStringWriter::append(out, event.text);
        JsonStringWriter::appendLiteral(out, "}");
        endChunk(out);
        break;
    case StreamEvent::Type::ThinkingDelta:
        if (event.text.isEmpty())
            break;
        beginChunk(out);
        JsonStringWriter::appendLiteral(out, "{\"reasoning_content\":");
        JsonStringWriter::append(out, event.text);
        JsonStringWriter::appendLiteral(out, "}");
        endChunk(out);
        break;
    case StreamEvent::Type::ToolInputDelta: {
        const int toolIndex = toolIndexOf(event.index);
        if (toolIndex < 0 || event.text.isEmpty())
            break;
        beginChunk(out);
        JsonStringWriter::appendLiteral(out, "{\"tool_calls\":[{\"index\":");
        JsonStringWriter::appendNumber(out, toolIndex);
        JsonStringWriter::appendLiteral(out, ",\"function\":{\"arguments\":");
        JsonStringWriter::append(out, event.text);
        JsonStringWriter::appendLiteral(out, "}}]}");
        endChunk(out);
        break;
    }
    case StreamEvent::Type::MessageDelta: {
        if (event.usage.inputTokens >= 0)
            m_usage.inputTokens = event.usage.inputTokens;
        if (event.usage.outputTokens >= 0)
            m_usage.outputTokens = event.usage.outputTokens;
        if (event.usage.cacheReadTokens > 0)
            m_usage.cacheReadTokens = event.usage.cacheReadTokens;
        if (event.usage.cacheWriteTokens > 0)
            m_usage.cacheWriteTokens = event.usage.cacheWriteTokens;
        beginChunk(out);
        JsonStringWriter::appendLiteral(out, "{},\"finish_reason\":\"");
        out.append(OpenAiResponseCodec::finishReason(event.stopReason).toLatin1());
        JsonStringWriter::appendLiteral(out, "\"}]}\n\n");
        if (m_includeUsage) {
            const qint64 prompt =
                std::max<qint64>(0, m_usage.inputTokens) + m_usage.cacheReadTokens + m_usage.cacheWriteTokens;
            const qint64 completion = std::max<qint64>(0, m_usage.outputTokens);
            out.append(m_prefix);
            JsonStringWriter::appendLiteral(out, "\"choices\":[],\"usage\":{\"prompt_tokens\":");
            JsonStringWriter::appendNumber(out, prompt);
            JsonStringWriter::appendLiteral(out, ",\"completion_tokens\":");
            JsonStringWriter::appendNumber(out, completion);
            JsonStringWriter::appendLiteral(out, ",\"total_tokens\":");
            JsonStringWriter::appendNumber(out, prompt + completion);
            if (m_usage.cacheReadTokens > 0) {
                JsonStringWriter::appendLiteral(out, ",\"prompt_tokens_details\":{\"cached_tokens\":");
                JsonStringWriter::appendNumber(out, m_usage.cacheReadTokens);
                JsonStringWriter::appendLiteral(out, "}");
            }
            JsonStringWriter::appendLiteral(out, "}}\n\n");
        }
        break;
    }
    case StreamEvent::Type::MessageStop: JsonStringWriter::appendLiteral(out, "data: [DONE]\n\n"); break;
    case StreamEvent::Type::Ping:
        // A comment: OpenAI clients skip it, but it keeps idle proxies from closing the stream
        // while a local model is still reading a long prompt.
        JsonStringWriter::appendLiteral(out, ": ping\n\n");
        break;
    case StreamEvent::Type::Error:
        JsonStringWriter::appendLiteral(out, "data: ");
        out.append(OpenAiErrorCodec::encode(event.error));
        JsonStringWriter::appendLiteral(out, "\n\n");
        m_failed = true;
        break;
    case StreamEvent::Type::SignatureDelta:
    case StreamEvent::Type::BlockStop: break;
    }
}

} // namespace sb
