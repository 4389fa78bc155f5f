#include "Router.h"

#include "MinuteWindow.h"
#include "RoutingStrategy.h"
#include "SessionAffinityMap.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace sb {

namespace {

constexpr qint64 kFailureWindowMs = 60000;             // allowed_fails counts failures within a minute
constexpr int kAffinityCapacity = 10000;               // sessions remembered for affinity
constexpr qint64 kParallelRetryHintMs = 1000;          // when only max_parallel_requests blocks
constexpr qint64 kMaxUpstreamCooldownMs = 3600 * 1000; // longest cooldown an upstream retry-after sets
constexpr double kLatencyWeight = 0.3;                 // EWMA weight of the newest TTFT sample
constexpr qint64 kBackoffBaseMs = 500;
constexpr qint64 kBackoffCapMs = 8000;

qint64 monotonicMs()
{
    static const QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer.elapsed();
}

bool countsTowardCooldown(AttemptFailure failure)
{
    switch (failure) {
    case AttemptFailure::Connect:
    case AttemptFailure::Timeout:
    case AttemptFailure::RateLimited:
    case AttemptFailure::Overloaded:
    case AttemptFailure::ServerError: return true;
    case AttemptFailure::ContextExceeded: // another deployment with a larger context may serve it
    case AttemptFailure::ClientError:     // the request's fault, not the deployment's
        return false;
    }
    return false;
}

struct DeploymentState
{
    int inFlight = 0;
    int maxParallel = 0;         // resolved; 0: no limit
    int order = 0;               // resolved; unset orders sort last
    double price = 0;            // USD per input + output token, for cost-based routing
    qint64 cooldownUntil = 0;    // clock ms; cooling while now < cooldownUntil
    QString lastFailure;         // the last counted failure in words ("": not said)
    std::deque<qint64> failures; // times of counted failures within the last minute
    MinuteWindow usage;          // rpm / tpm this minute
    double latencyMs = -1;       // EWMA of time to first byte; -1: no sample yet
    qint64 estimateSum = 0;      // estimated prompt tokens of the attempts in flight
    int estimateCount = 0;
};

} // namespace

struct Router::State
{
    State(const GatewayConfig &config, Clock clock, quint32 seed)
        : settings(config.router), aliases(config.groupAliases), deployments(config.deployments),
          clock(clock ? std::move(clock) : Clock(&monotonicMs)), rng(seed), affinity(kAffinityCapacity)
    {}

    qint64 now() const { return clock(); }
    // A uniform double in [0, 1) from the seeded generator. mt19937's output is fixed by the
    // standard (unlike std::uniform_real_distribution's), so seeded tests are exact everywhere.
    double unit() { return double(rng() >> 8) * (1.0 / 16777216.0); }
    int indexOf(const Deployment &deployment) const;
    const std::vector<int> *members(const QString &group) const;
    QString resolveGroup(const QString &model) const;
    QString resolveGroupUncached(const QString &model) const;
    bool ruleMatches(const ScenarioRule &rule, const RouteRequest &request) const;
    int choose(); // applies the strategy to `scratch`
    int randomAmongBest(const std::vector<int> &candidates, const std::function<double(int)> &score, double tolerance);
    void pruneFailures(DeploymentState &state, qint64 now) const;

    RouterSettings settings;
    QHash<QString, QString> aliases;                // router_settings.model_group_alias
    std::vector<QString> patterns;                  // distinct wildcard model_names, config order
    mutable QHash<QString, QString> resolvedGroups; // model → group ("" for none), bounded
    struct GroupFallbacks
    {
        QStringList fallbacks; // resolved: the group's own list, else default_fallbacks
        bool ownFallbacks = false;
        QStringList contextFallbacks; // resolved context_window_fallbacks
        bool ownContextFallbacks = false;
    };
    QHash<QString, GroupFallbacks> fallbacksByGroup; // computed once: plan() does no list work
    QStringList resolvedGroupList(const QStringList &names, const QString &self) const;
    std::vector<Deployment> deployments;
    std::vector<DeploymentState> states;
    QHash<QString, std::vector<int>> groups; // model_name → deployment indices, config order
    // model_info.id → that one deployment, for fallbacks and routes that name a deployment
    // (never a model_name: a group of that name wins).
    QHash<QString, std::vector<int>> byId;
    // What a fallback or route names: a group, an alias's group, a deployment id, or the
    // pattern of a wildcard that serves it; empty when none.
    QString targetOf(const QString &name) const;
    RoutingStrategy strategy = RoutingStrategy::SimpleShuffle;
    Clock clock;
    std::mt19937 rng;
    SessionAffinityMap affinity;
    int totalInFlight = 0;
    QHash<QString, MinuteWindow> tokenWindows;
    std::vector<int> scratch; // reused by pick(): no allocation per decision
    std::function<void()> capacityListener;
};

int Router::State::indexOf(const Deployment &deployment) const
{
    const Deployment *first = deployments.data();
    const Deployment *last = first + deployments.size();
    const std::less<const Deployment *> less;
    if (!less(&deployment, first) && less(&deployment, last))
        return int(&deployment - first);
    for (size_t i = 0; i < deployments.size(); ++i) {
        if (deployments[i].id == deployment.id)
            return int(i);
    }
    return -1;
}

const std::vector<int> *Router::State::members(const QString &group) const
{
    auto it = groups.constFind(group);
    if (it != groups.constEnd())
        return &it.value();
    if (!aliases.contains(group)) {
        const auto id = byId.constFind(group);
        if (id != byId.constEnd())
            return &id.value();
    }
    it = groups.constFind(resolveGroup(group));
    return it == groups.constEnd() ? nullptr : &it.value();
}

QString Router::State::targetOf(const QString &name) const
{
    if (groups.contains(name))
        return name;
    if (!aliases.contains(name) && byId.contains(name))
        return name;
    return resolveGroup(name);
}

QString Router::State::resolveGroupUncached(const QString &model) const
{
    // The same order as RoutingTable::groupFor: an exact model_name, an alias, then the most
    // specific wildcard (most literal characters; ties to the earlier one). Distinct patterns
    // only, so a group of 100 deployments costs one match, not 100.
    if (!model.contains(QLatin1Char('*')) && groups.contains(model))
        return model;
    const auto alias = aliases.constFind(model);
    if (alias != aliases.constEnd())
        return alias.value();
    QString best;
    qsizetype bestLiterals = -1;
    for (const QString &pattern : patterns) {
        if (!RoutingTable::wildcardMatches(pattern, model))
            continue;
        const qsizetype literals = pattern.size() - pattern.count(QLatin1Char('*'));
        if (literals > bestLiterals) {
            best = pattern;
            bestLiterals = literals;
        }
    }
    return best;
}

QString Router::State::resolveGroup(const QString &model) const
{
    const auto cached = resolvedGroups.constFind(model);
    if (cached != resolvedGroups.constEnd())
        return cached.value();
    const QString group = resolveGroupUncached(model);
    if (resolvedGroups.size() >= 4096)
        resolvedGroups.clear(); // clients send few distinct names; this only bounds abuse
    resolvedGroups.insert(model, group);
    return group;
}

QStringList Router::State::resolvedGroupList(const QStringList &names, const QString &self) const
{
    QStringList result;
    for (const QString &name : names) {
        const QString group = targetOf(name);
        // A name a wildcard serves stays itself: the upstream model is made from it (LiteLLM
        // resolves such a fallback per request), and pick() resolves it to its pattern.
        const bool servedByPattern = !group.isEmpty() && group != name && !aliases.contains(name);
        const QString entry = servedByPattern ? name : group;
        if (!group.isEmpty() && entry != self && !result.contains(entry))
            result.append(entry);
    }
    return result;
}

bool Router::State::ruleMatches(const ScenarioRule &rule, const RouteRequest &request) const
{
    if (!rule.model.isEmpty() && !RoutingTable::wildcardMatches(rule.model, request.model))
        return false;
    if (!rule.requestClass.isEmpty() && rule.requestClass.compare(request.requestClass, Qt::CaseInsensitive) != 0)
        return false;
    if (rule.agent && *rule.agent != !request.agentId.isEmpty())
        return false;
    if (rule.thinking && *rule.thinking != request.thinking)
        return false;
    if (rule.hasImage && *rule.hasImage != request.hasImage)
        return false;
    if (rule.minTokens > 0 && request.estimatedTokens < rule.minTokens)
        return false;
    return true;
}

void Router::State::pruneFailures(DeploymentState &state, qint64 now) const
{
    while (!state.failures.empty() && state.failures.front() <= now - kFailureWindowMs)
        state.failures.pop_front();
}

int Router::State::randomAmongBest(const std::vector<int> &candidates, const std::function<double(int)> &score,
                                   double tolerance)
{
    double best = std::numeric_limits<double>::infinity();
    for (int index : candidates)
        best = std::min(best, score(index));
    const double limit = best + std::max(0.0, std::abs(best) * tolerance);
    int ties = 0;
    for (int index : candidates) {
        if (score(index) <= limit)
            ++ties;
    }
    int pickAt = ties > 1 ? int(unit() * ties) : 0;
    for (int index : candidates) {
        if (score(index) <= limit && pickAt-- == 0)
            return index;
    }
    return candidates.front();
}

int Router::State::choose()
{
    switch (strategy) {
    case RoutingStrategy::SimpleShuffle: {
        // LiteLLM's order of preference: weight, then rpm, then tpm; unset counts 0.
        auto weightOf = [this](int index, int by) -> double {
            const Deployment &d = deployments[size_t(index)];
            return by == 0 ? d.weight : by == 1 ? double(d.rpm) : double(d.tpm);
        };
        for (int by = 0; by < 3; ++by) {
            double total = 0;
            for (int index : scratch)
                total += weightOf(index, by);
            if (total <= 0)
                continue;
            double r = unit() * total;
            for (int index : scratch) {
                r -= weightOf(index, by);
                if (r < 0)
                    return index;
            }
            for (auto it = scratch.rbegin(); it != scratch.rend(); ++it) {
                if (weightOf(*it, by) > 0)
                    return *it; // rounding left r at 0: the last weighted one
            }
        }
        return scratch[size_t(unit() * double(scratch.size()))];
    }
    case RoutingStrategy::LeastBusy:
        return randomAmongBest(
            scratch, [this](int i) { return double(states[size_t(i)].inFlight); }, 0);
    case RoutingStrategy::LatencyBased:
        // Untried deployments count as fastest, so each gets measured (LiteLLM does the same).
        return randomAmongBest(
            scratch, [this](int i) { return std::max(0.0, states[size_t(i)].latencyMs); },
            settings.lowestLatencyBuffer);
    case RoutingStrategy::UsageBased:
        return randomAmongBest(
            scratch, [this](int i) { return double(states[size_t(i)].usage.tokens()); }, 0);
    case RoutingStrategy::CostBased:
        return randomAmongBest(
            scratch, [this](int i) { return states[size_t(i)].price; }, 0);
    }
    return scratch.front();
}

Router::Router(const GatewayConfig &config, Clock clock, quint32 seed, PriceOf priceOf)
    : d(std::make_unique<State>(config, std::move(clock), seed))
{
    d->strategy = routingStrategyFromName(d->settings.routingStrategy).value_or(RoutingStrategy::SimpleShuffle);
    d->states.resize(d->deployments.size());
    for (size_t i = 0; i < d->deployments.size(); ++i) {
        const Deployment &deployment = d->deployments[i];
        DeploymentState &state = d->states[i];
        std::vector<int> &members = d->groups[deployment.modelName];
        if (members.empty() && deployment.isWildcard())
            d->patterns.push_back(deployment.modelName);
        members.push_back(int(i));
        state.maxParallel = deployment.maxParallelRequests > 0 ? deployment.maxParallelRequests
                                                               : d->settings.defaultMaxParallelRequests;
        state.order = deployment.order > 0 ? deployment.order : std::numeric_limits<int>::max();
        state.price = priceOf ? priceOf(deployment) : 0;
    }
    for (size_t i = 0; i < d->deployments.size(); ++i) {
        const QString &id = d->deployments[i].id;
        if (!d->groups.contains(id) && !d->byId.contains(id))
            d->byId.insert(id, std::vector<int>{int(i)});
    }
    d->scratch.reserve(d->deployments.size());
    for (auto it = d->groups.cbegin(); it != d->groups.cend(); ++it) {
        const QString &group = it.key();
        State::GroupFallbacks entry;
        const auto own = d->settings.fallbacks.constFind(group);
        entry.ownFallbacks = own != d->settings.fallbacks.constEnd();
        entry.fallbacks = d->resolvedGroupList(entry.ownFallbacks ? own.value() : d->settings.defaultFallbacks, group);
        const auto context = d->settings.contextWindowFallbacks.constFind(group);
        entry.ownContextFallbacks = context != d->settings.contextWindowFallbacks.constEnd();
        if (entry.ownContextFallbacks)
            entry.contextFallbacks = d->resolvedGroupList(context.value(), group);
        d->fallbacksByGroup.insert(group, entry);
    }
}

Router::~Router() = default;

std::optional<RoutePlan> Router::plan(const RouteRequest &request) const
{
    RoutePlan plan;
    for (const ScenarioRule &rule : d->settings.routes) {
        if (d->ruleMatches(rule, request)) {
            const QString group = d->targetOf(rule.group);
            if (!group.isEmpty()) {
                plan.group = group;
                plan.rule = rule.name;
                break;
            }
        }
    }
    if (plan.group.isEmpty())
        plan.group = d->targetOf(request.model); // a model_info.id asks for that deployment alone
    if (plan.group.isEmpty())
        return std::nullopt;

    const auto cached = d->fallbacksByGroup.constFind(plan.group);
    if (cached != d->fallbacksByGroup.constEnd()) {
        plan.fallbackGroups = cached->fallbacks;
        plan.contextFallbackGroups = cached->contextFallbacks;
    }
    // Lists keyed by the alias the client used, for a group without its own.
    if (request.model != plan.group) {
        const bool ownFallbacks = cached != d->fallbacksByGroup.constEnd() && cached->ownFallbacks;
        const bool ownContext = cached != d->fallbacksByGroup.constEnd() && cached->ownContextFallbacks;
        if (!ownFallbacks) {
            const auto byAlias = d->settings.fallbacks.constFind(request.model);
            if (byAlias != d->settings.fallbacks.constEnd())
                plan.fallbackGroups = d->resolvedGroupList(byAlias.value(), plan.group);
        }
        if (!ownContext) {
            const auto byAlias = d->settings.contextWindowFallbacks.constFind(request.model);
            if (byAlias != d->settings.contextWindowFallbacks.constEnd())
                plan.contextFallbackGroups = d->resolvedGroupList(byAlias.value(), plan.group);
        }
    }
    return plan;
}

PickResult Router::pick(const QString &group, const RouteRequest &request, const QStringList &exclude)
{
    PickResult result;
    const std::vector<int> *members = d->members(group);
    if (!members) {
        result.blocked = PickBlock::NoneLeft;
        return result;
    }
    const qint64 now = d->now();
    if (d->settings.globalMaxParallelRequests > 0 && d->totalInFlight >= d->settings.globalMaxParallelRequests) {
        result.blocked = PickBlock::AtParallelLimit;
        result.retryAfterMs = kParallelRetryHintMs;
        return result;
    }

    constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    qint64 soonest = kNever;
    qint64 soonestCooling = kNever;
    bool atParallel = false, overRate = false, cooling = false;
    std::vector<int> &available = d->scratch;
    available.clear();
    int bestOrder = std::numeric_limits<int>::max();
    for (int index : *members) {
        const Deployment &deployment = d->deployments[size_t(index)];
        DeploymentState &state = d->states[size_t(index)];
        if (!exclude.isEmpty() && exclude.contains(deployment.id))
            continue;
        if (request.estimatedTokens > 0 && deployment.contextLength > 0 &&
            deployment.contextLength < request.estimatedTokens) {
            result.largestContext = std::max(result.largestContext, deployment.contextLength);
            continue;
        }
        if (state.cooldownUntil > now) {
            if (state.cooldownUntil - now < soonestCooling) {
                soonestCooling = state.cooldownUntil - now;
                result.coolingId = deployment.id;
                result.coolingBecause = state.lastFailure;
            }
            soonest = std::min(soonest, state.cooldownUntil - now);
            cooling = true;
            continue;
        }
        if (state.maxParallel > 0 && state.inFlight >= state.maxParallel) {
            soonest = std::min(soonest, kParallelRetryHintMs);
            atParallel = true;
            continue;
        }
        if (deployment.rpm > 0 || deployment.tpm > 0) {
            state.usage.roll(now);
            const bool overRpm = deployment.rpm > 0 && state.usage.requests() >= deployment.rpm;
            // A prompt larger than the whole tpm still goes to an idle minute, or it never would.
            const bool overTpm = deployment.tpm > 0 && state.usage.tokens() > 0 &&
                                 state.usage.tokens() + request.estimatedTokens > deployment.tpm;
            if (overRpm || overTpm) {
                soonest = std::min(soonest, state.usage.msUntilNext(now));
                overRate = true;
                continue;
            }
        }
        available.push_back(index);
        bestOrder = std::min(bestOrder, state.order);
    }
    if (available.empty()) {
        result.blocked = atParallel                  ? PickBlock::AtParallelLimit
                         : overRate                  ? PickBlock::OverRateLimit
                         : cooling                   ? PickBlock::CoolingDown
                         : result.largestContext > 0 ? PickBlock::ContextTooSmall
                                                     : PickBlock::NoneLeft;
        if (soonest != kNever)
            result.retryAfterMs = soonest;
        return result;
    }
    // LiteLLM's `order`: only the lowest order still available takes traffic.
    available.erase(std::remove_if(available.begin(), available.end(),
                                   [&](int index) { return d->states[size_t(index)].order != bestOrder; }),
                    available.end());

    if (d->settings.sessionAffinity && !request.sessionId.isEmpty()) {
        const int sticky = d->affinity.find(request.sessionId);
        if (sticky >= 0 && std::find(available.begin(), available.end(), sticky) != available.end()) {
            result.deployment = &d->deployments[size_t(sticky)];
            return result;
        }
    }
    if (available.size() == 1) {
        result.deployment = &d->deployments[size_t(available.front())];
        return result;
    }
    if (d->strategy == RoutingStrategy::UsageBased) {
        for (int index : available)
            d->states[size_t(index)].usage.roll(now);
    }
    result.deployment = &d->deployments[size_t(d->choose())];
    return result;
}

void Router::attemptStarted(const Deployment &deployment, qint64 estimatedTokens)
{
    const int index = d->indexOf(deployment);
    if (index < 0)
        return;
    DeploymentState &state = d->states[size_t(index)];
    const qint64 tokens = std::max<qint64>(0, estimatedTokens);
    ++state.inFlight;
    ++d->totalInFlight;
    state.usage.roll(d->now());
    state.usage.add(1, tokens);
    state.estimateSum += tokens;
    ++state.estimateCount;
}

void Router::attemptSucceeded(const Deployment &deployment, const QString &sessionId, qint64 firstByteMs,
                              qint64 totalMs, qint64 tokens)
{
    const int index = d->indexOf(deployment);
    if (index < 0)
        return;
    DeploymentState &state = d->states[size_t(index)];
    const qint64 sample = firstByteMs >= 0 ? firstByteMs : totalMs;
    if (sample >= 0) {
        state.latencyMs = state.latencyMs < 0
                              ? double(sample)
                              : (1 - kLatencyWeight) * state.latencyMs + kLatencyWeight * double(sample);
    }
    if (tokens > 0) {
        const qint64 estimate = state.estimateCount > 0 ? state.estimateSum / state.estimateCount : 0;
        state.usage.roll(d->now());
        state.usage.add(0, std::max<qint64>(0, tokens - estimate));
    }
    if (d->settings.sessionAffinity && !sessionId.isEmpty())
        d->affinity.set(sessionId, index);
}

void Router::attemptFailed(const Deployment &deployment, AttemptFailure failure, int retryAfterSeconds,
                           const QString &reason)
{
    const int index = d->indexOf(deployment);
    if (index < 0 || !countsTowardCooldown(failure))
        return;
    DeploymentState &state = d->states[size_t(index)];
    state.lastFailure = reason;
    const qint64 now = d->now();
    if ((failure == AttemptFailure::RateLimited || failure == AttemptFailure::Overloaded) && retryAfterSeconds > 0) {
        // The upstream said when it will take requests again: believe it.
        const qint64 until = now + std::min<qint64>(qint64(retryAfterSeconds) * 1000, kMaxUpstreamCooldownMs);
        state.cooldownUntil = std::max(state.cooldownUntil, until);
        state.failures.clear();
        return;
    }
    d->pruneFailures(state, now);
    state.failures.push_back(now);
    // LiteLLM cools a deployment once its failures this minute exceed allowed_fails.
    if (int(state.failures.size()) > d->settings.allowedFails && d->settings.cooldownSeconds > 0) {
        state.cooldownUntil =
            std::max(state.cooldownUntil, now + qint64(std::llround(d->settings.cooldownSeconds * 1000)));
        state.failures.clear();
    }
}

void Router::attemptEnded(const Deployment &deployment)
{
    const int index = d->indexOf(deployment);
    if (index < 0)
        return;
    DeploymentState &state = d->states[size_t(index)];
    if (state.inFlight > 0) {
        --state.inFlight;
        d->totalInFlight = std::max(0, d->totalInFlight - 1);
    }
    if (state.estimateCount > 0) {
        state.estimateSum -= state.estimateSum / state.estimateCount;
        if (--state.estimateCount == 0)
            state.estimateSum = 0;
    }
    if (d->capacityListener)
        d->capacityListener();
}

int Router::numRetries() const
{
    return d->settings.numRetries;
}

qint64 Router::backoffMs(int attempt, int retryAfterSeconds)
{
    const int exponent = std::clamp(attempt, 1, 32) - 1;
    const qint64 base = std::min(kBackoffCapMs, kBackoffBaseMs << std::min(exponent, 10));
    const double jitter = 0.75 + 0.5 * d->unit(); // ±25 %
    qint64 delay = std::min(kBackoffCapMs, qint64(std::llround(double(base) * jitter)));
    const qint64 floorMs = std::max<qint64>(retryAfterSeconds > 0 ? qint64(retryAfterSeconds) * 1000 : 0,
                                            qint64(std::llround(d->settings.retryAfterSeconds * 1000)));
    return std::max(delay, floorMs);
}

int Router::checkTokenLimits(const QString &token, qint64 estimatedTokens)
{
    const qint64 rpm = d->settings.tokenRpm;
    const qint64 tpm = d->settings.tokenTpm;
    if (rpm <= 0 && tpm <= 0)
        return -1;
    const qint64 now = d->now();
    if (d->tokenWindows.size() > 4096) {
        // Forget credentials idle since an earlier minute (only a misbehaving client gets here).
        MinuteWindow probe;
        probe.roll(now);
        for (auto it = d->tokenWindows.begin(); it != d->tokenWindows.end();) {
            if (it->minute() != probe.minute())
                it = d->tokenWindows.erase(it);
            else
                ++it;
        }
    }
    MinuteWindow &window = d->tokenWindows[token];
    window.roll(now);
    const qint64 tokens = std::max<qint64>(0, estimatedTokens);
    const bool overRpm = rpm > 0 && window.requests() >= rpm;
    const bool overTpm = tpm > 0 && window.tokens() > 0 && window.tokens() + tokens > tpm;
    if (overRpm || overTpm)
        return int(std::max<qint64>(1, (window.msUntilNext(now) + 999) / 1000));
    window.add(1, tokens);
    return -1;
}

std::vector<Router::DeploymentHealth> Router::health() const
{
    const qint64 now = d->now();
    std::vector<DeploymentHealth> result;
    result.reserve(d->deployments.size());
    for (size_t i = 0; i < d->deployments.size(); ++i) {
        DeploymentState &state = d->states[i];
        d->pruneFailures(state, now);
        DeploymentHealth health;
        health.id = d->deployments[i].id;
        health.coolingForMs = std::max<qint64>(0, state.cooldownUntil - now);
        health.healthy = health.coolingForMs == 0;
        health.inFlight = state.inFlight;
        health.recentFailures = int(state.failures.size());
        health.latencyMs = state.latencyMs;
        result.push_back(health);
    }
    return result;
}

const std::vector<Deployment> &Router::deployments() const
{
    return d->deployments;
}

QString Router::strategy() const
{
    return routingStrategyName(d->strategy);
}

const RouterSettings &Router::settings() const
{
    return d->settings;
}

int Router::inFlight() const
{
    return d->totalInFlight;
}

void Router::setCapacityListener(std::function<void()> listener)
{
    d->capacityListener = std::move(listener);
}

} // namespace sb
