#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace sb {

// What the gateway knows about one finished request: the usage room's record, filled in by the
// gateway and stored, priced and aggregated here; the headless log prints it.
struct RequestRecord
{
    QDateTime startedAt;
    QString requestId;
    QString method;
    QString path;
    QString clientModel;
    QString modelGroup; // the model_name group the client model resolved to
    QString deployment; // deployment id, empty when none was chosen
    QString upstreamModel;
    QString provider;  // "ollama", "openai", "anthropic"; empty when none was chosen
    QString routeRule; // the scenario rule that chose the group, empty when none fired
    QString sessionId; // x-claude-code-session-id
    QString userAgent;
    bool stream = false;
    int status = 0; // HTTP status sent (499: the client hung up first)
    QString errorType;
    QString errorMessage;    // what the client was told, e.g. "Ollama at … refused the connection"
    qint64 inputTokens = -1; // all prompt tokens, cached ones included
    qint64 outputTokens = -1;
    qint64 cacheReadTokens = 0;  // of inputTokens, read from the upstream's prompt cache
    qint64 cacheWriteTokens = 0; // of inputTokens, written to it
    bool tokensEstimated = false;
    qint64 firstTokenMs = -1; // request start → first content byte from the upstream
    qint64 totalMs = 0;
    int retries = 0;           // attempts beyond the first
    bool fallbackUsed = false; // answered by a deployment outside the first group

    // Output tokens per second over the generation phase (first token → end); -1 if unknown.
    double outputTokensPerSecond() const;

    // "2026-11-26T10:01:02Z POST /v1/messages claude-opus-5-5 → claude-*#1 200 in=1200 out=35 512ms"
    QString logLine() const;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::RequestRecord)
