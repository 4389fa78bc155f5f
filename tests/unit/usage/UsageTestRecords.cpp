#include "UsageTestRecords.h"

namespace sb::test {

UsageRecord makeUsageRecord(qint64 index, qint64 startedMs)
{
    UsageRecord usage;
    RequestRecord &r = usage.request;
    r.startedAt = QDateTime::fromMSecsSinceEpoch(startedMs, Qt::UTC);
    r.requestId = QStringLiteral("req_%1").arg(index);
    r.method = QStringLiteral("POST");
    r.path = QStringLiteral("/v1/messages");
    r.clientModel = index % 3 == 0 ? QStringLiteral("claude-haiku-4-5") : QStringLiteral("claude-opus-5-5");
    r.modelGroup = QStringLiteral("claude-*");
    r.deployment = index % 2 == 0 ? QStringLiteral("local#0") : QStringLiteral("local#1");
    r.upstreamModel = QStringLiteral("qwen2.5-coder:7b");
    r.provider = QStringLiteral("ollama");
    r.sessionId = QStringLiteral("session-%1").arg(index % 4);
    r.userAgent = QStringLiteral("claude-cli/2.1.0 (external, cli)");
    r.stream = true;
    r.status = index % 10 == 9 ? 500 : 200;
    r.errorType = r.status == 500 ? QStringLiteral("api_error") : QString();
    r.inputTokens = 1000 + index % 100;
    r.outputTokens = 50 + index % 7;
    r.cacheReadTokens = 100;
    r.firstTokenMs = 120;
    r.totalMs = 900;
    usage.costUsd = 0;
    usage.costKnown = true;
    usage.claudeListUsd = 0.001 * double(1 + index % 5);
    usage.savedUsd = usage.claudeListUsd;
    return usage;
}

} // namespace sb::test
