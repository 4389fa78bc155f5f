#include "UsageRecord.h"

namespace sb {

QJsonObject UsageRecord::toJson() const
{
    const RequestRecord &r = request;
    QJsonObject object{
        {QStringLiteral("time"), r.startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("request_id"), r.requestId},
        {QStringLiteral("method"), r.method},
        {QStringLiteral("path"), r.path},
        {QStringLiteral("session_id"), r.sessionId},
        {QStringLiteral("user_agent"), r.userAgent},
        {QStringLiteral("model"), r.clientModel},
        {QStringLiteral("model_group"), r.modelGroup},
        {QStringLiteral("deployment"), r.deployment},
        {QStringLiteral("upstream_model"), r.upstreamModel},
        {QStringLiteral("provider"), r.provider},
        {QStringLiteral("route_rule"), r.routeRule},
        {QStringLiteral("stream"), r.stream},
        {QStringLiteral("status"), r.status},
        {QStringLiteral("error_type"), r.errorType},
        {QStringLiteral("error_message"), r.errorMessage},
        {QStringLiteral("input_tokens"), r.inputTokens},
        {QStringLiteral("output_tokens"), r.outputTokens},
        {QStringLiteral("cache_read_tokens"), r.cacheReadTokens},
        {QStringLiteral("cache_write_tokens"), r.cacheWriteTokens},
        {QStringLiteral("tokens_estimated"), r.tokensEstimated},
        {QStringLiteral("first_token_ms"), r.firstTokenMs},
        {QStringLiteral("total_ms"), r.totalMs},
        {QStringLiteral("retries"), r.retries},
        {QStringLiteral("fallback_used"), r.fallbackUsed},
        {QStringLiteral("cost_usd"), costUsd},
        {QStringLiteral("cost_known"), costKnown},
        {QStringLiteral("claude_list_usd"), claudeListUsd},
        {QStringLiteral("saved_usd"), savedUsd},
    };
    const double speed = r.outputTokensPerSecond();
    object.insert(QStringLiteral("output_tokens_per_second"), speed >= 0 ? QJsonValue(speed) : QJsonValue());
    return object;
}

} // namespace sb
