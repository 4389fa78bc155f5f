#pragma once

#include "protocol/ApiError.h"
#include "routing/AttemptFailure.h"
#include "routing/Router.h"

#include <QStringList>

#include <optional>

namespace sb {

// What an exchange does next, as its attempt plan decides.
struct AttemptStep
{
    enum class Kind {
        Try,             // send the request to `deployment`
        WaitForCapacity, // every deployment is at its parallel limit: queue until a slot frees
        Backoff,         // nothing left this round: try the groups again after `delayMs`
        GiveUp           // answer `error` (or the last pass-through upstream's own answer)
    };
    Kind kind = Kind::GiveUp;
    Deployment deployment; // Try
    qint64 delayMs = 0;    // Backoff
    ApiError error;        // GiveUp
    // GiveUp: the last failure was an Anthropic-format upstream's own error answer, which goes
    // to the client unchanged if nothing has been sent yet (Claude Code matches its wording).
    bool relayLastAnswer = false;
};

// The order of attempts for one request, without sockets or timers: the plan's group, its
// fallbacks, larger-context groups once a prompt proved too long, other deployments after a
// failure, rounds after a backoff, and the error to answer when nothing is left. It asks the
// Router to pick (so cooldowns, limits and the Router's clock decide) and to time backoffs;
// the exchange does the sending and the Router's attempt bookkeeping.
class AttemptPlan final
{
public:
    AttemptPlan() = default;
    AttemptPlan(const RoutePlan &plan, QString clientModel, qint64 estimatedInputTokens);

    // The next step from where the plan stands. `router` picks within the current group.
    AttemptStep next(Router &router, const RouteRequest &route);
    // The attempt on `deployment` failed with `failure` (the upstream's `upstreamStatus`, 0 for
    // a connection failure); `relayable` when the client could be given the upstream's own
    // answer. Only called while a retry is still allowed (nothing reached the client).
    AttemptStep failed(Router &router, const RouteRequest &route, AttemptFailure failure, const ApiError &error,
                       int upstreamStatus, bool relayable);
    // A new round after a backoff: every deployment may be tried again.
    void startRound();

    int attempts() const { return m_attempts; }
    // The group being tried, and whether it is a fallback (not the plan's own group).
    QString currentGroup() const { return m_groups.value(m_groupIndex); }
    bool onFallback() const { return m_groupIndex > 0; }

private:
    AttemptStep giveUp(Router &router);

    QString m_clientModel;
    qint64 m_estimatedInputTokens = 0;
    QStringList m_groups;        // the plan's group, then its fallbacks
    QStringList m_contextGroups; // used once a prompt proved too long
    int m_groupIndex = 0;
    QStringList m_tried; // deployment ids tried in this round
    int m_attempts = 0;
    int m_rounds = 0;            // full passes over the groups after backoff
    qint64 m_soonestMs = -1;     // when the first busy/cooling deployment frees up
    qint64 m_rateLimitedMs = -1; // >= 0: the group was over its rpm/tpm; when it frees up
    int m_contextSkipped = 0;    // > 0: deployments were skipped as too small; the largest context
    QString m_coolingId;         // the first deployment found cooling down, and its last failure
    QString m_coolingBecause;
    std::optional<ApiError> m_lastError;
    bool m_lastRetryable = false; // the last failure may pass with time (a backoff round helps)
    bool m_lastRelayable = false;
};

} // namespace sb
