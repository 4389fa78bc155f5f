#pragma once

#include "AttemptFailure.h"
#include "RoutingTable.h"
#include "config/GatewayConfig.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace sb {

// What the router needs to know about one request (all cheap to extract).
struct RouteRequest
{
    QString model;         // the model the client asked for
    QString sessionId;     // x-claude-code-session-id, else metadata.user_id's session_id
    QString requestClass;  // x-claude-code-request-class hint (e.g. "background"), may be empty
    QString agentId;       // x-claude-code-agent-id, may be empty
    bool thinking = false; // thinking requested (enabled / adaptive)
    bool hasImage = false;
    qint64 estimatedTokens = 0; // estimated prompt tokens
    QString token;              // the credential presented (for per-token limits)
};

// The outcome of planning: which group(s) to try, in order, and why.
struct RoutePlan
{
    QString group;                     // the group the request resolved to (after rules/aliases)
    QString rule;                      // the scenario rule that fired, empty when none
    QStringList fallbackGroups;        // tried in order once `group` is exhausted
    QStringList contextFallbackGroups; // used when the prompt exceeds a deployment's context
};

// Why pick() found no deployment. When deployments are blocked for different reasons, the
// most hopeful one is given (in this order).
enum class PickBlock {
    None,            // a deployment was picked
    AtParallelLimit, // at max_parallel_requests (its own or the gateway's): a slot frees when an attempt ends
    OverRateLimit,   // over its rpm/tpm this minute
    CoolingDown,     // cooling down after failures
    ContextTooSmall, // every deployment left has a context smaller than the prompt
    NoneLeft         // an unknown group, or every deployment excluded
};

struct PickResult
{
    const Deployment *deployment = nullptr;
    PickBlock blocked = PickBlock::None;
    // Blocked by a limit or a cooldown: when the first of them frees up (a parallel limit
    // gives a 1 s hint). -1: nothing will free up by waiting.
    qint64 retryAfterMs = -1;
    // The largest context among the deployments skipped as too small (0: none skipped).
    int largestContext = 0;
    // Cooling down: the deployment that frees up first and the failure that put it there
    // ("" when it was not said), so the answer can name the cause, not only the cooldown.
    QString coolingId;
    QString coolingBecause;
};

// Routing state and decisions for the whole gateway (lives on the gateway thread; not
// thread-safe). Strategies, session affinity, cooldowns, per-deployment concurrency and
// rpm/tpm windows, with an injectable clock and random source so tests are exact.
class Router final
{
public:
    using Clock = std::function<qint64()>; // monotonic milliseconds

    // USD per input + output token of a deployment, for cost-based routing; the gateway passes
    // the cost report's own prices (CostCalculator::routingPrice), so both agree.
    using PriceOf = std::function<double(const Deployment &)>;

    explicit Router(const GatewayConfig &config, Clock clock = {}, quint32 seed = std::random_device{}(),
                    PriceOf priceOf = {});
    ~Router();
    Router(const Router &) = delete;
    Router &operator=(const Router &) = delete;

    // Resolves the group (scenario rules first, then exact name, alias, wildcard) and its
    // fallbacks. nullopt when no group serves the model.
    std::optional<RoutePlan> plan(const RouteRequest &request) const;

    // Picks the deployment for the next attempt in `group`, skipping the ids in `exclude`,
    // cooled-down deployments, deployments at max_parallel_requests, over their rpm/tpm this
    // minute, or whose known context is smaller than the estimated prompt. Without a
    // deployment, the result says why and when waiting would help.
    PickResult pick(const QString &group, const RouteRequest &request, const QStringList &exclude);

    // Bookkeeping around an attempt. attemptStarted counts the request and its estimated
    // prompt tokens into the deployment's minute; attemptSucceeded's `tokens` is the exchange's
    // total (input + output) and replaces that estimate; `firstByteMs` (< 0: unknown, then
    // `totalMs` is used) feeds latency-based routing; `sessionId` (may be empty) is remembered
    // for session affinity. Every started attempt must end with attemptEnded.
    void attemptStarted(const Deployment &deployment, qint64 estimatedTokens);
    void attemptSucceeded(const Deployment &deployment, const QString &sessionId, qint64 firstByteMs, qint64 totalMs,
                          qint64 tokens);
    // `reason`: the failure in words, kept for the answer while the deployment cools down.
    void attemptFailed(const Deployment &deployment, AttemptFailure failure, int retryAfterSeconds = -1,
                       const QString &reason = {});
    void attemptEnded(const Deployment &deployment); // after succeeded/failed: in-flight count goes down

    // Retry policy: how many extra attempts, and the delay before attempt `n` (1-based),
    // exponential with jitter, at least `retryAfterSeconds` when the upstream gave one.
    int numRetries() const;
    qint64 backoffMs(int attempt, int retryAfterSeconds = -1);

    // Per-credential rpm/tpm limits (general_settings / router limits); >= 0: over the
    // limit, retry after that many seconds.
    int checkTokenLimits(const QString &token, qint64 estimatedTokens);

    struct DeploymentHealth
    {
        QString id;
        bool healthy = true;
        qint64 coolingForMs = 0; // > 0 while cooling down
        int inFlight = 0;
        int recentFailures = 0;
        double latencyMs = -1; // recent (EWMA) time to first byte
    };
    std::vector<DeploymentHealth> health() const;

    const std::vector<Deployment> &deployments() const;
    QString strategy() const;

    // Additions beyond the first interface (nothing above changed):
    // The settings in force (queue size and deadline, global limit, affinity…).
    const RouterSettings &settings() const;
    // Requests in flight across every deployment (what the global max_parallel_requests counts).
    int inFlight() const;
    // Called from attemptEnded(): a parallel slot may have freed up, so a queue can try pick() again.
    void setCapacityListener(std::function<void()> listener);

private:
    struct State;
    std::unique_ptr<State> d;
};

} // namespace sb
