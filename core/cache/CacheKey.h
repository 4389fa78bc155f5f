#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace sb {

// The response cache key: a SHA-256 over the canonical form of a request. The canonical form
// keeps only what decides the answer (group, system, messages, tools, tool_choice, sampling)
// and drops per-request noise (metadata, session ids, stream flag, cache_control markers and
// Claude Code's `x-anthropic-billing-header:` system line, which changes on every request).
// Works on Anthropic and OpenAI request bodies alike.
class CacheKey final
{
public:
    CacheKey() = delete;

    // 64 lowercase hex characters.
    static QString compute(const QString &group, const QJsonObject &body);

    // The JSON that is hashed; exposed for tests and debugging.
    static QByteArray canonicalJson(const QString &group, const QJsonObject &body);

    // True when temperature is 0 or top_k is 1: only such requests are cached unless the
    // caller opts in to caching sampled answers.
    static bool isDeterministic(const QJsonObject &body);
};

} // namespace sb
