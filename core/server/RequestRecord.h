#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace sb {

// What the gateway knows about one finished request. The headless log prints it; the
// usage room will store and aggregate it.
struct RequestRecord
{
    QDateTime startedAt;
    QString requestId;
    QString method;
    QString path;
    QString clientModel;
    QString deployment;     // deployment id, empty when none was chosen
    QString upstreamModel;
    QString sessionId;      // x-claude-code-session-id
    QString userAgent;
    bool stream = false;
    int status = 0;         // HTTP status sent (499: the client hung up first)
    QString errorType;
    qint64 inputTokens = -1;
    qint64 outputTokens = -1;
    bool tokensEstimated = false;
    qint64 firstTokenMs = -1;
    qint64 totalMs = 0;

    // "2026-11-26T10:01:02Z POST /v1/messages claude-opus-5-5 → claude-*#1 200 in=1200 out=35 512ms"
    QString logLine() const;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::RequestRecord)
