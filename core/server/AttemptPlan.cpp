#include "AttemptPlan.h"

#include "usage/SecretRedaction.h"

namespace sb {

namespace {
AttemptStep giveUpWith(const ApiError &error, bool relay = false)
{
    AttemptStep step;
    step.kind = AttemptStep::Kind::GiveUp;
    step.error = error;
    step.relayLastAnswer = relay;
    return step;
}

int secondsUntil(qint64 ms)
{
    return int(qMax<qint64>(1, (ms + 999) / 1000));
}
} // namespace

AttemptPlan::AttemptPlan(const RoutePlan &plan, QString clientModel, qint64 estimatedInputTokens)
    : m_clientModel(std::move(clientModel)), m_estimatedInputTokens(estimatedInputTokens),
      m_groups(QStringList{plan.group} + plan.fallbackGroups), m_contextGroups(plan.contextFallbackGroups)
{}

AttemptStep AttemptPlan::next(Router &router, const RouteRequest &route)
{
    while (m_groupIndex < m_groups.size()) {
        const PickResult picked = router.pick(m_groups.at(m_groupIndex), route, m_tried);
        if (picked.deployment) {
            m_tried.append(picked.deployment->id);
            ++m_attempts;
            AttemptStep step;
            step.kind = AttemptStep::Kind::Try;
            step.deployment = *picked.deployment;
            return step;
        }
        if (picked.retryAfterMs >= 0 && (m_soonestMs < 0 || picked.retryAfterMs < m_soonestMs))
            m_soonestMs = picked.retryAfterMs;
        if (!picked.coolingId.isEmpty() && m_coolingId.isEmpty()) {
            m_coolingId = picked.coolingId;
            m_coolingBecause = picked.coolingBecause;
        }
        m_contextSkipped = std::max(m_contextSkipped, picked.largestContext);
        if (m_attempts == 0 && m_groupIndex == 0) {
            // Every deployment is at max_parallel_requests: wait for a slot (the exchange sets
            // the deadline).
            if (picked.blocked == PickBlock::AtParallelLimit) {
                AttemptStep step;
                step.kind = AttemptStep::Kind::WaitForCapacity;
                return step;
            }
            // Over their rpm/tpm this minute: a 429 unless a fallback group can serve.
            if (picked.blocked == PickBlock::OverRateLimit)
                m_rateLimitedMs = picked.retryAfterMs;
        }
        ++m_groupIndex;
        if (m_groupIndex == m_groups.size() && m_attempts == 0 && !m_contextGroups.isEmpty()) {
            // Nothing could even be tried (e.g. every deployment's context is smaller than
            // the prompt): the larger-context groups are the last resort.
            m_groups += m_contextGroups;
            m_contextGroups.clear();
        }
    }
    return giveUp(router);
}

AttemptStep AttemptPlan::failed(Router &router, const RouteRequest &route, AttemptFailure failure,
                                const ApiError &error, int upstreamStatus, bool relayable)
{
    m_lastError = error;
    m_lastRetryable = failure == AttemptFailure::Connect || failure == AttemptFailure::Timeout ||
                      failure == AttemptFailure::RateLimited || failure == AttemptFailure::Overloaded ||
                      failure == AttemptFailure::ServerError;
    m_lastRelayable = relayable;
    switch (failure) {
    case AttemptFailure::ContextExceeded:
        // A larger-context group, if configured; other deployments of this one would fail too.
        if (!m_contextGroups.isEmpty()) {
            m_groups = m_contextGroups;
            m_contextGroups.clear();
            m_groupIndex = 0;
            return next(router, route);
        }
        return giveUp(router);
    case AttemptFailure::ClientError:
        // The request itself is wrong (400, 413, 422): every deployment would say the same.
        // A key or a model missing on this deployment only (401, 403, 404): others may serve it.
        if (upstreamStatus != 401 && upstreamStatus != 403 && upstreamStatus != 404)
            return giveUp(router); // no round of retries: not retryable
        return next(router, route);
    default: return next(router, route);
    }
}

void AttemptPlan::startRound()
{
    m_groupIndex = 0;
    m_tried.clear();
}

AttemptStep AttemptPlan::giveUp(Router &router)
{
    // Nothing left to try now. Another round after a backoff, if the failures were the kind
    // that pass (a refused connection, a 5xx, a 429), else the last error.
    if (m_lastError && m_lastRetryable && m_rounds < router.numRetries()) {
        ++m_rounds;
        AttemptStep step;
        step.kind = AttemptStep::Kind::Backoff;
        step.delayMs = router.backoffMs(m_rounds, m_lastError->retryAfterSeconds);
        return step;
    }
    if (m_lastError)
        return giveUpWith(*m_lastError, m_lastRelayable);
    if (m_rateLimitedMs >= 0)
        return giveUpWith(ApiError::rateLimited(
            QStringLiteral("every deployment that serves \"%1\" is over its rpm/tpm for this minute")
                .arg(m_clientModel),
            secondsUntil(m_rateLimitedMs)));
    if (m_soonestMs < 0 && m_contextSkipped > 0) {
        // Nothing will free up by waiting: the prompt is larger than every context there is.
        // Said in Anthropic's words, Claude Code compacts the conversation instead of retrying.
        return giveUpWith(ApiError::promptTooLong(m_estimatedInputTokens, m_contextSkipped));
    }
    // Never tried: every deployment is cooling down or over its limits. Where one cools down
    // after failures, the last of them says what is wrong (an Ollama that is not running
    // is not "overloaded").
    QString message = QStringLiteral("every deployment that serves \"%1\" is cooling down after failures or over "
                                     "its limits; retry shortly")
                          .arg(m_clientModel);
    if (!m_coolingBecause.isEmpty())
        message += QStringLiteral(" (%1 is cooling down after: %2)")
                       .arg(m_coolingId, secret_redaction::storedErrorMessage(m_coolingBecause));
    return giveUpWith(ApiError::overloaded(message, secondsUntil(m_soonestMs)));
}

} // namespace sb
