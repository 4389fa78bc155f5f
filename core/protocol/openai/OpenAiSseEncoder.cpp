#include "OpenAiSseEncoder.h"

#include "OpenAiErrorCodec.h"
#include "OpenAiResponseCodec.h"
#include "protocol/JsonStringWriter.h"

#include <QDateTime>

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

} // namespace

OpenAiSseEncoder::OpenAiSseEncoder(const QString &model, bool includeUsage)
    : m_model(model)
    , m_includeUsage(includeUsage)
    , m_created(QDateTime::currentSecsSinceEpoch())
{
}

void OpenAiSseEncoder::ensurePrefix(const QString &messageId)
{
    if (!m_prefix.isEmpty())
        return;
    m_prefix.reserve(128 + m_model.size());
    literal(m_prefix, "data: {\"id\":");
    JsonStringWriter::append(m_prefix, OpenAiResponseCodec::completionId(messageId));
    literal(m_prefix, ",\"object\":\"chat.completion.chunk\",\"created\":");
    number(m_prefix, m_created);
    literal(m_prefix, ",\"model\":");
    JsonStringWriter::append(m_prefix, m_model);
    literal(m_prefix, ",");
}

void OpenAiSseEncoder::beginChunk(QByteArray &out) const
{
    out.append(m_prefix);
    literal(out, "\"choices\":[{\"index\":0,\"delta\":");
}

void OpenAiSseEncoder::endChunk(QByteArray &out) const
{
    literal(out, ",\"finish_reason\":null}]}\n\n");
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
        literal(out, "{\"role\":\"assistant\",\"content\":\"\"}");
        endChunk(out);
        break;
    case StreamEvent::Type::BlockStart:
        if (event.blockKind == StreamEvent::BlockKind::ToolUse) {
            const int toolIndex = int(m_toolIndexByBlock.size());
            m_toolIndexByBlock.emplace_back(event.index, toolIndex);
            beginChunk(out);
            literal(out, "{\"tool_calls\":[{\"index\":");
            number(out, toolIndex);
            literal(out, ",\"id\":");
            JsonStringWriter::append(out, event.toolId);
            literal(out, ",\"type\":\"function\",\"function\":{\"name\":");
            JsonStringWriter::append(out, event.toolName);
            literal(out, ",\"arguments\":\"\"}}]}");
            endChunk(out);
        }
        break;
    case StreamEvent::Type::TextDelta:
        if (event.text.isEmpty())
            break;
        beginChunk(out);
        literal(out, "{\"content\":");
        JsonStringWriter::append(out, event.text);
        literal(out, "}");
        endChunk(out);
        break;
    case StreamEvent::Type::ThinkingDelta:
        if (event.text.isEmpty())
            break;
        beginChunk(out);
        literal(out, "{\"reasoning_content\":");
        JsonStringWriter::append(out, event.text);
        literal(out, "}");
        endChunk(out);
        break;
    case StreamEvent::Type::ToolInputDelta: {
        const int toolIndex = toolIndexOf(event.index);
        if (toolIndex < 0 || event.text.isEmpty())
            break;
        beginChunk(out);
        literal(out, "{\"tool_calls\":[{\"index\":");
        number(out, toolIndex);
        literal(out, ",\"function\":{\"arguments\":");
        JsonStringWriter::append(out, event.text);
        literal(out, "}}]}");
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
        literal(out, "{},\"finish_reason\":\"");
        out.append(OpenAiResponseCodec::finishReason(event.stopReason).toLatin1());
        literal(out, "\"}]}\n\n");
        if (m_includeUsage) {
            const qint64 prompt = std::max<qint64>(0, m_usage.inputTokens) + m_usage.cacheReadTokens + m_usage.cacheWriteTokens;
            const qint64 completion = std::max<qint64>(0, m_usage.outputTokens);
            out.append(m_prefix);
            literal(out, "\"choices\":[],\"usage\":{\"prompt_tokens\":");
            number(out, prompt);
            literal(out, ",\"completion_tokens\":");
            number(out, completion);
            literal(out, ",\"total_tokens\":");
            number(out, prompt + completion);
            if (m_usage.cacheReadTokens > 0) {
                literal(out, ",\"prompt_tokens_details\":{\"cached_tokens\":");
                number(out, m_usage.cacheReadTokens);
                literal(out, "}");
            }
            literal(out, "}}\n\n");
        }
        break;
    }
    case StreamEvent::Type::MessageStop:
        literal(out, "data: [DONE]\n\n");
        break;
    case StreamEvent::Type::Ping:
        // A comment: OpenAI clients skip it, but it keeps idle proxies from closing the stream
        // while a local model is still reading a long prompt.
        literal(out, ": ping\n\n");
        break;
    case StreamEvent::Type::Error:
        literal(out, "data: ");
        out.append(OpenAiErrorCodec::encode(event.error));
        literal(out, "\n\n");
        m_failed = true;
        break;
    case StreamEvent::Type::SignatureDelta:
    case StreamEvent::Type::BlockStop:
        break;
    }
}

} // namespace sb
