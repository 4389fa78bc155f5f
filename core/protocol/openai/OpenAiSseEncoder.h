#pragma once

#include "protocol/Codec.h"

#include <QString>

#include <vector>

namespace sb {

// Canonical events → chat.completion.chunk SSE for OpenAI clients: a role delta first, text
// as delta.content, thinking as delta.reasoning_content, each tool_use block as one
// tool_calls[k] entry (id, name, then argument pieces), the finish_reason chunk, a usage
// chunk with empty choices when the client asked for it, then `data: [DONE]`. Written
// directly, without a QJsonDocument per chunk. After an Error nothing more is written.
class OpenAiSseEncoder final : public StreamEncoder
{
public:
    // `model` is the name the client asked for; `includeUsage` is stream_options.include_usage.
    OpenAiSseEncoder(const QString &model, bool includeUsage);

    void encode(const StreamEvent &event, QByteArray &out) override;

private:
    void ensurePrefix(const QString &messageId);
    void beginChunk(QByteArray &out) const;
    void endChunk(QByteArray &out) const;
    int toolIndexOf(int blockIndex) const;

    QString m_model;
    bool m_includeUsage = false;
    qint64 m_created = 0;
    QString m_completionId;
    QByteArray m_prefix; // `data: {"id":…,"object":…,"created":…,"model":…,` shared by every chunk
    std::vector<std::pair<int, int>> m_toolIndexByBlock; // block index → tool_calls index
    Usage m_usage;
    bool m_failed = false;
};

} // namespace sb
