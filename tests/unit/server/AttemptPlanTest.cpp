#include "server/AttemptPlan.h"
#include "../routing/RouterTestConfig.h"

#include <catch2/catch.hpp>

using namespace sb;
using sb::test::deployment;
using sb::test::routerConfig;
using Kind = AttemptStep::Kind;

namespace {

// A router on a clock the test moves by hand.
struct Bench
{
    explicit Bench(GatewayConfig config)
        : router(
              config, [this] { return now; }, 7)
    {}
    qint64 now = 1'000'000;
    Router router;
};

RoutePlan planFor(Router &router, const QString &model, qint64 tokens = 0)
{
    RouteRequest request;
    request.model = model;
    request.estimatedTokens = tokens;
    const std::optional<RoutePlan> plan = router.plan(request);
    REQUIRE(plan);
    return *plan;
}

RouteRequest routeFor(const QString &model, qint64 tokens = 0)
{
    RouteRequest request;
    request.model = model;
    request.estimatedTokens = tokens;
    return request;
}

ApiError refused(const QString &who)
{
    return ApiError::badGateway(who + QStringLiteral(" refused the connection"));
}

} // namespace

TEST_CASE("a failed deployment is followed by the others of its group, then backoff rounds, then the last error")
{
    GatewayConfig config = routerConfig({deployment(QStringLiteral("a"), QStringLiteral("main")),
                                         deployment(QStringLiteral("b"), QStringLiteral("main"))});
    config.router.numRetries = 1;
    config.router.allowedFails = 100; // no cooldown in the way
    Bench bench(config);
    const RouteRequest route = routeFor(QStringLiteral("main"));
    AttemptPlan plan(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);

    const AttemptStep first = plan.next(bench.router, route);
    REQUIRE(first.kind == Kind::Try);
    const AttemptStep second =
        plan.failed(bench.router, route, AttemptFailure::Connect, refused(first.deployment.id), 0, false);
    REQUIRE(second.kind == Kind::Try);
    CHECK(second.deployment.id != first.deployment.id);
    CHECK(plan.attempts() == 2);
    CHECK_FALSE(plan.onFallback());

    const AttemptStep backoff =
        plan.failed(bench.router, route, AttemptFailure::Connect, refused(second.deployment.id), 0, false);
    REQUIRE(backoff.kind == Kind::Backoff);
    CHECK(backoff.delayMs > 0);

    plan.startRound();
    const AttemptStep again = plan.next(bench.router, route);
    REQUIRE(again.kind == Kind::Try);
    const AttemptStep again2 =
        plan.failed(bench.router, route, AttemptFailure::Connect, refused(again.deployment.id), 0, false);
    REQUIRE(again2.kind == Kind::Try);
    const AttemptStep last =
        plan.failed(bench.router, route, AttemptFailure::Connect, refused(QStringLiteral("last")), 0, true);
    REQUIRE(last.kind == Kind::GiveUp); // numRetries 1: one backoff round only
    CHECK(last.error.message == QStringLiteral("last refused the connection"));
    CHECK(last.error.httpStatus == 502);
    CHECK(last.relayLastAnswer);
    CHECK(plan.attempts() == 4);
}

TEST_CASE("a request the upstream calls wrong is not retried; a missing key or model tries the next deployment")
{
    GatewayConfig config = routerConfig({deployment(QStringLiteral("a"), QStringLiteral("main")),
                                         deployment(QStringLiteral("b"), QStringLiteral("main"))});
    Bench bench(config);
    const RouteRequest route = routeFor(QStringLiteral("main"));

    AttemptPlan badRequest(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    REQUIRE(badRequest.next(bench.router, route).kind == Kind::Try);
    const AttemptStep refusedStep = badRequest.failed(bench.router, route, AttemptFailure::ClientError,
                                                      ApiError::invalidRequest(QStringLiteral("bad")), 400, false);
    REQUIRE(refusedStep.kind == Kind::GiveUp);
    CHECK(refusedStep.error.message == QStringLiteral("bad"));
    CHECK(badRequest.attempts() == 1);

    AttemptPlan noKey(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    const AttemptStep first = noKey.next(bench.router, route);
    const AttemptStep next = noKey.failed(bench.router, route, AttemptFailure::ClientError,
                                          ApiError::authentication(QStringLiteral("no key")), 401, false);
    REQUIRE(next.kind == Kind::Try);
    CHECK(next.deployment.id != first.deployment.id);
}

TEST_CASE("fallback groups follow the plan's group, and larger-context groups follow a prompt that proved too long")
{
    GatewayConfig config = routerConfig({deployment(QStringLiteral("m"), QStringLiteral("main")),
                                         deployment(QStringLiteral("f"), QStringLiteral("spare")),
                                         deployment(QStringLiteral("big"), QStringLiteral("large"))});
    config.router.numRetries = 0;
    config.router.fallbacks.insert(QStringLiteral("main"), {QStringLiteral("spare")});
    config.router.contextWindowFallbacks.insert(QStringLiteral("main"), {QStringLiteral("large")});
    Bench bench(config);
    const RouteRequest route = routeFor(QStringLiteral("main"));

    AttemptPlan plan(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    CHECK(plan.next(bench.router, route).deployment.id == QStringLiteral("m"));
    const AttemptStep fallback =
        plan.failed(bench.router, route, AttemptFailure::ServerError, refused(QStringLiteral("m")), 500, false);
    REQUIRE(fallback.kind == Kind::Try);
    CHECK(fallback.deployment.id == QStringLiteral("f"));
    CHECK(plan.onFallback());
    CHECK(plan.currentGroup() == QStringLiteral("spare"));

    AttemptPlan tooLong(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    REQUIRE(tooLong.next(bench.router, route).deployment.id == QStringLiteral("m"));
    const AttemptStep larger = tooLong.failed(bench.router, route, AttemptFailure::ContextExceeded,
                                              ApiError::promptTooLong(9000, 4096), 400, false);
    REQUIRE(larger.kind == Kind::Try);
    CHECK(larger.deployment.id == QStringLiteral("big"));
    // The larger group is the last resort: its own overflow is the answer.
    const AttemptStep end = tooLong.failed(bench.router, route, AttemptFailure::ContextExceeded,
                                           ApiError::promptTooLong(9000, 8192), 400, false);
    REQUIRE(end.kind == Kind::GiveUp);
    CHECK(end.error.message == QStringLiteral("prompt is too long: 9000 tokens > 8192 maximum"));
}

TEST_CASE("a prompt larger than every context is answered as too long, with the largest context there is")
{
    Deployment small = deployment(QStringLiteral("s"), QStringLiteral("main"));
    small.contextLength = 4096;
    Deployment medium = deployment(QStringLiteral("m"), QStringLiteral("main"));
    medium.contextLength = 16384;
    Bench bench(routerConfig({small, medium}));
    const RouteRequest route = routeFor(QStringLiteral("main"), 20000);
    AttemptPlan plan(planFor(bench.router, QStringLiteral("main"), 20000), QStringLiteral("main"), 20000);
    const AttemptStep step = plan.next(bench.router, route);
    REQUIRE(step.kind == Kind::GiveUp);
    CHECK(step.error.httpStatus == 400);
    CHECK(step.error.message == QStringLiteral("prompt is too long: 20000 tokens > 16384 maximum"));
    CHECK(plan.attempts() == 0);
}

TEST_CASE("a deployment at its parallel limit means wait; a cooling one means 529 with the seconds left by the clock")
{
    Deployment only = deployment(QStringLiteral("only"), QStringLiteral("main"));
    only.maxParallelRequests = 1;
    Bench bench(routerConfig({only}));
    const RouteRequest route = routeFor(QStringLiteral("main"));

    bench.router.attemptStarted(only, 10);
    AttemptPlan waiting(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    CHECK(waiting.next(bench.router, route).kind == Kind::WaitForCapacity);
    bench.router.attemptEnded(only);
    CHECK(waiting.next(bench.router, route).kind == Kind::Try);
    bench.router.attemptEnded(only);

    // Cooling for 5 s, read at three moments: the wait is the time left, never a "wait for a
    // slot" (the old reading of a 1000 ms wait).
    bench.router.attemptFailed(only, AttemptFailure::Overloaded, 5);
    for (const auto &[elapsedMs, seconds] : {std::pair<qint64, int>{0, 5}, {3000, 2}, {4000, 1}}) {
        bench.now = 1'000'000 + elapsedMs;
        AttemptPlan cooling(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
        const AttemptStep step = cooling.next(bench.router, route);
        INFO("after " << elapsedMs << " ms");
        REQUIRE(step.kind == Kind::GiveUp);
        CHECK(step.error.httpStatus == 529);
        CHECK(step.error.retryAfterSeconds == seconds);
    }
    bench.now = 1'000'000 + 5001;
    AttemptPlan cooled(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    CHECK(cooled.next(bench.router, route).kind == Kind::Try);
}

TEST_CASE("a 529 for deployments cooling down after failures names the one that frees first and why, keys masked")
{
    Deployment near = deployment(QStringLiteral("ollama/qwen@127.0.0.1:11434"), QStringLiteral("main"));
    Deployment far = deployment(QStringLiteral("openai/gpt@api.openai.com"), QStringLiteral("main"));
    GatewayConfig config = routerConfig({near, far});
    config.router.allowedFails = 0; // the first failure cools a deployment
    config.router.cooldownSeconds = 30;
    Bench bench(config);
    const RouteRequest route = routeFor(QStringLiteral("main"));

    // Before any failure was said in words, the answer is the plain one.
    bench.router.attemptFailed(far, AttemptFailure::ServerError);
    bench.now += 10'000; // `far` frees up 10 s after `near`
    bench.router.attemptFailed(near, AttemptFailure::Connect, -1,
                               QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection"));
    AttemptPlan plan(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    const AttemptStep step = plan.next(bench.router, route);
    REQUIRE(step.kind == Kind::GiveUp);
    CHECK(step.error.httpStatus == 529);
    CHECK(step.error.retryAfterSeconds == 20);
    CHECK(step.error.message ==
          QStringLiteral("every deployment that serves \"main\" is cooling down after failures or over its limits; "
                         "retry shortly"));

    // Now the one that frees first failed with a reason, one that quotes a key.
    bench.router.attemptFailed(far, AttemptFailure::ServerError, -1,
                               QStringLiteral("OpenAI answered 500: bad key sk-proj-abcdefghijklmnopqrstuvwx"));
    // At +35 s both cool: `far` until +40 s (30 s after its second failure), `near` until +65 s.
    bench.now += 25'000;
    bench.router.attemptFailed(near, AttemptFailure::Connect, -1,
                               QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection"));
    AttemptPlan named(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    const AttemptStep again = named.next(bench.router, route);
    REQUIRE(again.kind == Kind::GiveUp);
    CHECK(again.error.retryAfterSeconds == 5);
    CHECK(again.error.message.endsWith(
        QStringLiteral("(openai/gpt@api.openai.com is cooling down after: OpenAI answered 500: bad key sk-proj-…)")));
    CHECK_FALSE(again.error.message.contains(QStringLiteral("abcdefghij")));
}

TEST_CASE("a group over its rpm this minute is answered 429 until the minute turns")
{
    Deployment limited = deployment(QStringLiteral("r"), QStringLiteral("main"));
    limited.rpm = 1;
    Bench bench(routerConfig({limited}));
    const RouteRequest route = routeFor(QStringLiteral("main"));
    bench.router.attemptStarted(limited, 10);
    bench.router.attemptEnded(limited);
    AttemptPlan plan(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    const AttemptStep step = plan.next(bench.router, route);
    REQUIRE(step.kind == Kind::GiveUp);
    CHECK(step.error.httpStatus == 429);
    CHECK(step.error.retryAfterSeconds >= 1);
    CHECK(step.error.retryAfterSeconds <= 60);
    bench.now += 61'000;
    AttemptPlan later(planFor(bench.router, QStringLiteral("main")), QStringLiteral("main"), 10);
    CHECK(later.next(bench.router, route).kind == Kind::Try);
}
