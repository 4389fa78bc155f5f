#include "RouterTestConfig.h"
#include "routing/MinuteWindow.h"
#include "routing/Router.h"
#include "routing/SessionAffinityMap.h"

#include <catch2/catch.hpp>

using namespace sb;

using sb::test::deployment;
using sb::test::routerConfig;

namespace {

// pick() with the wait it suggests when it finds nothing (-1: none), as the old interface gave it.
const Deployment *pickWaiting(Router &router, const QString &group, const RouteRequest &request,
                              const QStringList &exclude, qint64 *retryAfter)
{
    const PickResult result = router.pick(group, request, exclude);
    *retryAfter = result.retryAfterMs;
    return result.deployment;
}

std::vector<Deployment> twoDeployments()
{
    return {deployment(QStringLiteral("a"), QStringLiteral("g")), deployment(QStringLiteral("b"), QStringLiteral("g"))};
}

} // namespace

TEST_CASE("cooldown: more than allowed_fails failures within a minute cool a deployment, and it comes back")
{
    qint64 now = 100000;
    GatewayConfig config = routerConfig(twoDeployments());
    config.router.allowedFails = 2;
    config.router.cooldownSeconds = 30;
    Router router(
        config, [&] { return now; }, 1);
    const Deployment &a = router.deployments()[0];
    const Deployment &b = router.deployments()[1];

    router.attemptFailed(a, AttemptFailure::Connect);
    router.attemptFailed(a, AttemptFailure::Timeout);
    CHECK(router.health()[0].healthy);
    CHECK(router.health()[0].recentFailures == 2);
    router.attemptFailed(a, AttemptFailure::ServerError); // the third: over allowed_fails
    CHECK_FALSE(router.health()[0].healthy);
    CHECK(router.health()[0].coolingForMs == 30000);
    for (int i = 0; i < 50; ++i)
        CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment == &b);

    // Both cooling: nothing now, and the answer says when the first comes back.
    now += 10000;
    for (int i = 0; i < 3; ++i)
        router.attemptFailed(b, AttemptFailure::RateLimited);
    qint64 retryAfter = 0;
    CHECK(pickWaiting(router, QStringLiteral("g"), {}, {}, &retryAfter) == nullptr);
    CHECK(retryAfter == 20000);

    now += 20000; // a's cooldown is over
    CHECK(pickWaiting(router, QStringLiteral("g"), {}, {}, &retryAfter) == &a);
    CHECK(router.health()[0].healthy);
    CHECK(router.health()[0].recentFailures == 0); // a fresh start
    now += 10000;
    CHECK(router.health()[1].healthy);
}

TEST_CASE("cooldown counts only failures of the deployment, within the last minute")
{
    qint64 now = 0;
    GatewayConfig config = routerConfig(twoDeployments());
    config.router.allowedFails = 1;
    Router router(
        config, [&] { return now; }, 1);
    const Deployment &a = router.deployments()[0];

    // Context overflows and client errors say nothing about the deployment's health.
    for (int i = 0; i < 10; ++i) {
        router.attemptFailed(a, AttemptFailure::ContextExceeded);
        router.attemptFailed(a, AttemptFailure::ClientError);
    }
    CHECK(router.health()[0].healthy);
    CHECK(router.health()[0].recentFailures == 0);

    router.attemptFailed(a, AttemptFailure::Overloaded);
    now += 60000; // that one has aged out
    router.attemptFailed(a, AttemptFailure::Overloaded);
    CHECK(router.health()[0].healthy);
    CHECK(router.health()[0].recentFailures == 1);
    now += 59999;
    router.attemptFailed(a, AttemptFailure::Overloaded);
    CHECK_FALSE(router.health()[0].healthy);
    CHECK(router.health()[0].coolingForMs == 5000); // LiteLLM's default cooldown_time
}

TEST_CASE("an upstream retry-after on 429/529 cools the deployment for exactly that long")
{
    qint64 now = 0;
    Router router(
        routerConfig(twoDeployments()), [&] { return now; }, 1);
    const Deployment &a = router.deployments()[0];
    router.attemptFailed(a, AttemptFailure::RateLimited, 42);
    CHECK(router.health()[0].coolingForMs == 42000);
    router.attemptFailed(router.deployments()[1], AttemptFailure::ServerError, 99); // no retry-after meaning for 500
    CHECK(router.health()[1].healthy);
    now += 42000;
    CHECK(router.health()[0].healthy);
}

TEST_CASE("max_parallel_requests per deployment and for the whole gateway")
{
    GatewayConfig config = routerConfig(twoDeployments());
    config.deployments[0].maxParallelRequests = 1;
    config.router.defaultMaxParallelRequests = 2; // b has none of its own
    Router router(
        config, [] { return qint64(0); }, 1);
    const Deployment &a = router.deployments()[0];
    const Deployment &b = router.deployments()[1];
    int freed = 0;
    router.setCapacityListener([&] { ++freed; });

    router.attemptStarted(a, 1);
    for (int i = 0; i < 20; ++i)
        CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment == &b);
    router.attemptStarted(b, 1);
    router.attemptStarted(b, 1);
    qint64 retryAfter = -5;
    CHECK(pickWaiting(router, QStringLiteral("g"), {}, {}, &retryAfter) == nullptr);
    CHECK(retryAfter == 1000); // a hint: the capacity listener says when a slot frees up
    CHECK(router.inFlight() == 3);
    router.attemptEnded(b);
    CHECK(freed == 1);
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment == &b);
    router.attemptEnded(a);
    router.attemptEnded(b);
    CHECK(router.inFlight() == 0);

    GatewayConfig global = routerConfig(twoDeployments());
    global.router.globalMaxParallelRequests = 2;
    Router limited(
        global, [] { return qint64(0); }, 1);
    limited.attemptStarted(limited.deployments()[0], 1);
    limited.attemptStarted(limited.deployments()[1], 1);
    CHECK(pickWaiting(limited, QStringLiteral("g"), {}, {}, &retryAfter) == nullptr);
    CHECK(retryAfter == 1000);
    limited.attemptEnded(limited.deployments()[0]);
    CHECK(limited.pick(QStringLiteral("g"), {}, {}).deployment != nullptr);
}

TEST_CASE("rpm and tpm per deployment, counted per minute on the clock")
{
    qint64 now = 30000; // half-way through the first minute
    GatewayConfig config = routerConfig({deployment(QStringLiteral("a"), QStringLiteral("g"))});
    config.deployments[0].rpm = 3;
    config.deployments[0].tpm = 1000;
    Router router(
        config, [&] { return now; }, 1);
    const Deployment &a = router.deployments()[0];
    for (int i = 0; i < 3; ++i) {
        REQUIRE(router.pick(QStringLiteral("g"), {}, {}).deployment == &a);
        router.attemptStarted(a, 10);
        router.attemptEnded(a);
    }
    qint64 retryAfter = 0;
    CHECK(pickWaiting(router, QStringLiteral("g"), {}, {}, &retryAfter) == nullptr);
    CHECK(retryAfter == 30000); // the next minute
    now = 60000;
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment == &a);

    // tpm: the reported total replaces the estimate.
    router.attemptStarted(a, 100);
    router.attemptSucceeded(a, {}, 5, 10, 900);
    router.attemptEnded(a);
    RouteRequest request;
    request.estimatedTokens = 100;
    CHECK(router.pick(QStringLiteral("g"), request, {}).deployment == &a); // 900 + 100 fits
    request.estimatedTokens = 101;
    CHECK(pickWaiting(router, QStringLiteral("g"), request, {}, &retryAfter) == nullptr);
    CHECK(retryAfter == 60000);
}

TEST_CASE("context-size skipping and exclusions never promise a retry")
{
    std::vector<Deployment> list = twoDeployments();
    list[0].contextLength = 8192;
    list[1].contextLength = 131072;
    Router router(
        routerConfig(list), [] { return qint64(0); }, 1);
    RouteRequest request;
    request.estimatedTokens = 50000;
    for (int i = 0; i < 20; ++i)
        CHECK(router.pick(QStringLiteral("g"), request, {}).deployment->id == QStringLiteral("b"));
    qint64 retryAfter = 0;
    request.estimatedTokens = 200000;
    CHECK(pickWaiting(router, QStringLiteral("g"), request, {}, &retryAfter) == nullptr);
    CHECK(retryAfter == -1);
    retryAfter = 0;
    CHECK(pickWaiting(router, QStringLiteral("g"), {}, {QStringLiteral("a"), QStringLiteral("b")}, &retryAfter) ==
          nullptr);
    CHECK(retryAfter == -1);
}

TEST_CASE("backoff: 500 ms doubling, capped at 8 s, ±25 % jitter, never below retry-after")
{
    GatewayConfig config = routerConfig(twoDeployments());
    CHECK(Router(config, {}, 1).numRetries() == 2);
    config.router.numRetries = 5;
    Router router(
        config, [] { return qint64(0); }, 1);
    CHECK(router.numRetries() == 5);
    const qint64 bases[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    for (int attempt = 1; attempt <= 7; ++attempt) {
        const qint64 base = bases[attempt - 1];
        qint64 low = base * 2, high = 0;
        for (int i = 0; i < 400; ++i) {
            const qint64 delay = router.backoffMs(attempt);
            low = std::min(low, delay);
            high = std::max(high, delay);
        }
        INFO("attempt " << attempt);
        CHECK(low >= base * 3 / 4);
        CHECK(high <= std::min<qint64>(base * 5 / 4, 8000));
        CHECK(low < base * 0.8); // the jitter really spreads
        if (base < 8000)
            CHECK(high > base * 1.2);
    }
    CHECK(router.backoffMs(1, 3) == 3000);
    CHECK(router.backoffMs(6, 30) == 30000);

    config.router.retryAfterSeconds = 2;
    Router floored(
        config, [] { return qint64(0); }, 1);
    for (int i = 0; i < 50; ++i)
        CHECK(floored.backoffMs(1) == 2000);

    Router again(
        config, [] { return qint64(0); }, 77),
        same(
            config, [] { return qint64(0); }, 77);
    for (int i = 0; i < 20; ++i)
        CHECK(again.backoffMs(4) == same.backoffMs(4));
}

TEST_CASE("per-token rpm/tpm limits answer with the seconds until the minute turns")
{
    qint64 now = 10500;
    GatewayConfig config = routerConfig(twoDeployments());
    Router unlimited(
        config, [&] { return now; }, 1);
    for (int i = 0; i < 1000; ++i)
        REQUIRE(unlimited.checkTokenLimits(QStringLiteral("t"), 1000000) == -1);

    config.router.tokenRpm = 3;
    config.router.tokenTpm = 10000;
    Router router(
        config, [&] { return now; }, 1);
    for (int i = 0; i < 3; ++i)
        CHECK(router.checkTokenLimits(QStringLiteral("alice"), 100) == -1);
    CHECK(router.checkTokenLimits(QStringLiteral("alice"), 100) == 50); // 49.5 s, rounded up
    CHECK(router.checkTokenLimits(QStringLiteral("bob"), 9000) == -1);  // each credential apart
    CHECK(router.checkTokenLimits(QStringLiteral("bob"), 1001) == 50);  // over tpm
    CHECK(router.checkTokenLimits(QStringLiteral("bob"), 1000) == -1);
    now = 59999;
    CHECK(router.checkTokenLimits(QStringLiteral("alice"), 100) == 1);
    now = 60000;
    CHECK(router.checkTokenLimits(QStringLiteral("alice"), 100) == -1);
    // A prompt larger than the whole tpm still gets through an idle minute.
    CHECK(router.checkTokenLimits(QStringLiteral("carol"), 50000) == -1);
    CHECK(router.checkTokenLimits(QStringLiteral("carol"), 1) == 60);
}

TEST_CASE("MinuteWindow and SessionAffinityMap")
{
    MinuteWindow window;
    window.roll(59000);
    window.add(1, 10);
    CHECK(window.requests() == 1);
    CHECK(window.msUntilNext(59000) == 1000);
    window.roll(59999);
    CHECK(window.tokens() == 10);
    window.roll(60000);
    CHECK(window.requests() == 0);
    CHECK(window.tokens() == 0);
    window.roll(-1);
    CHECK(window.minute() == -1);
    CHECK(window.msUntilNext(-1) == 1);

    SessionAffinityMap map(3);
    map.set(QStringLiteral("s1"), 1);
    map.set(QStringLiteral("s2"), 2);
    map.set(QStringLiteral("s3"), 3);
    CHECK(map.find(QStringLiteral("s1")) == 1); // now the most recent
    map.set(QStringLiteral("s4"), 4);           // evicts s2, the least recent
    CHECK(map.size() == 3);
    CHECK(map.find(QStringLiteral("s2")) == -1);
    CHECK(map.find(QStringLiteral("s1")) == 1);
    map.set(QStringLiteral("s1"), 9);
    CHECK(map.find(QStringLiteral("s1")) == 9);
    map.remove(QStringLiteral("s3"));
    CHECK(map.find(QStringLiteral("s3")) == -1);
    CHECK(map.size() == 2);

    SessionAffinityMap big(10000);
    for (int i = 0; i < 25000; ++i)
        big.set(QString::number(i), i);
    CHECK(big.size() == 10000);
    CHECK(big.find(QStringLiteral("14999")) == -1);
    CHECK(big.find(QStringLiteral("15000")) == 15000);
}

TEST_CASE("a deployment from another config is ignored, never a crash")
{
    Router router(
        routerConfig(twoDeployments()), [] { return qint64(0); }, 1);
    const Deployment stranger = deployment(QStringLiteral("stranger"), QStringLiteral("g"));
    router.attemptStarted(stranger, 1);
    router.attemptFailed(stranger, AttemptFailure::Connect);
    router.attemptSucceeded(stranger, QStringLiteral("s"), 1, 1, 1);
    router.attemptEnded(stranger);
    CHECK(router.inFlight() == 0);
    // A copy with the same id is the same deployment.
    const Deployment copy = router.deployments()[1];
    router.attemptStarted(copy, 1);
    CHECK(router.health()[1].inFlight == 1);
    router.attemptEnded(copy);
    CHECK(router.health()[1].inFlight == 0);
}

TEST_CASE("pick says why nothing is available, the most hopeful reason first")
{
    qint64 now = 0;
    std::vector<Deployment> list = twoDeployments();
    list[0].contextLength = 8192;
    list[1].contextLength = 16384;
    GatewayConfig config = routerConfig(list);
    config.router.allowedFails = 0;
    config.router.cooldownSeconds = 30;
    Router router(
        config, [&] { return now; }, 1);
    const Deployment &b = router.deployments()[1];
    RouteRequest large;
    large.estimatedTokens = 20000;

    // Every context too small: nothing to wait for; the largest context is named.
    PickResult picked = router.pick(QStringLiteral("g"), large, {});
    CHECK(picked.deployment == nullptr);
    CHECK(picked.blocked == PickBlock::ContextTooSmall);
    CHECK(picked.retryAfterMs == -1);
    CHECK(picked.largestContext == 16384);

    // A deployment of unknown context (0) is never skipped for its size.
    std::vector<Deployment> unknown = twoDeployments();
    unknown[0].contextLength = 8192;
    unknown[1].contextLength = 0;
    Router open(
        routerConfig(unknown), [&] { return now; }, 1);
    CHECK(open.pick(QStringLiteral("g"), large, {}).deployment == &open.deployments()[1]);

    // One too small, the other cooling down: waiting helps, so the cooldown is the reason.
    RouteRequest medium;
    medium.estimatedTokens = 10000;
    router.attemptFailed(b, AttemptFailure::ServerError);
    picked = router.pick(QStringLiteral("g"), medium, {});
    CHECK(picked.deployment == nullptr);
    CHECK(picked.blocked == PickBlock::CoolingDown);
    CHECK(picked.retryAfterMs == 30000);
    CHECK(picked.largestContext == 8192);

    // Excluded ones are not a reason to wait.
    picked = router.pick(QStringLiteral("g"), {}, {QStringLiteral("a"), QStringLiteral("b")});
    CHECK(picked.blocked == PickBlock::NoneLeft);
    CHECK(picked.retryAfterMs == -1);
    CHECK(router.pick(QStringLiteral("nope"), {}, {}).blocked == PickBlock::NoneLeft);

    // At a parallel limit beats cooling down: a slot frees when an attempt ends.
    GatewayConfig limits = routerConfig(twoDeployments());
    limits.deployments[0].maxParallelRequests = 1;
    limits.router.allowedFails = 0;
    limits.router.cooldownSeconds = 30;
    Router busy(
        limits, [&] { return now; }, 1);
    busy.attemptStarted(busy.deployments()[0], 1);
    busy.attemptFailed(busy.deployments()[1], AttemptFailure::ServerError);
    picked = busy.pick(QStringLiteral("g"), {}, {});
    CHECK(picked.blocked == PickBlock::AtParallelLimit);
    CHECK(picked.retryAfterMs == 1000);

    // Over its rpm beats cooling down too.
    GatewayConfig rates = limits;
    rates.deployments[0].maxParallelRequests = 0;
    rates.deployments[0].rpm = 1;
    Router limited(
        rates, [&] { return now; }, 1);
    limited.attemptStarted(limited.deployments()[0], 1);
    limited.attemptEnded(limited.deployments()[0]);
    limited.attemptFailed(limited.deployments()[1], AttemptFailure::ServerError);
    picked = limited.pick(QStringLiteral("g"), {}, {});
    CHECK(picked.blocked == PickBlock::OverRateLimit);
    CHECK(picked.retryAfterMs == 30000); // min(next minute 60 s, cooldown 30 s)
}
