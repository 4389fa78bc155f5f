#include "routing/Router.h"
#include "RouterTestConfig.h"
#include "routing/RoutingStrategy.h"
#include "usage/CostCalculator.h"

#include <catch2/catch.hpp>

#include <map>

using namespace sb;
using sb::test::deployment;
using sb::test::routerConfig;

namespace {

RouteRequest requestFor(const QString &model)
{
    RouteRequest request;
    request.model = model;
    return request;
}

// How often each deployment id is picked from `group` in `n` decisions (no bookkeeping).
std::map<QString, int> countPicks(Router &router, const QString &group, int n, const RouteRequest &request = {})
{
    std::map<QString, int> counts;
    for (int i = 0; i < n; ++i) {
        const Deployment *chosen = router.pick(group, request, {}).deployment;
        REQUIRE(chosen);
        ++counts[chosen->id];
    }
    return counts;
}

GatewayConfig groupsConfig()
{
    std::vector<Deployment> list = {deployment(QStringLiteral("main-1"), QStringLiteral("main")),
                                    deployment(QStringLiteral("main-2"), QStringLiteral("main")),
                                    deployment(QStringLiteral("small-1"), QStringLiteral("small")),
                                    deployment(QStringLiteral("cloud-1"), QStringLiteral("cloud")),
                                    deployment(QStringLiteral("claude-1"), QStringLiteral("claude-*")),
                                    deployment(QStringLiteral("haiku-1"), QStringLiteral("claude-*haiku*"))};
    GatewayConfig config = routerConfig(std::move(list));
    config.groupAliases.insert(QStringLiteral("fast"), QStringLiteral("small"));
    return config;
}

} // namespace

TEST_CASE("plan resolves exact names, aliases and the most specific wildcard")
{
    Router router(
        groupsConfig(), [] { return qint64(0); }, 1);
    CHECK(router.plan(requestFor(QStringLiteral("main")))->group == QStringLiteral("main"));
    CHECK(router.plan(requestFor(QStringLiteral("fast")))->group == QStringLiteral("small"));
    CHECK(router.plan(requestFor(QStringLiteral("claude-opus-5-5")))->group == QStringLiteral("claude-*"));
    CHECK(router.plan(requestFor(QStringLiteral("claude-3-5-haiku-latest")))->group ==
          QStringLiteral("claude-*haiku*"));
    CHECK(router.plan(requestFor(QStringLiteral("claude-3-5-haiku-latest")))->rule.isEmpty());
    CHECK_FALSE(router.plan(requestFor(QStringLiteral("gpt-9"))).has_value());
    // pick() accepts an alias as the group too.
    const Deployment *viaAlias = router.pick(QStringLiteral("fast"), {}, {}).deployment;
    REQUIRE(viaAlias);
    CHECK(viaAlias->id == QStringLiteral("small-1"));
    CHECK(router.pick(QStringLiteral("nothing"), {}, {}).deployment == nullptr);
}

TEST_CASE("scenario rules: every condition, first match wins, then normal resolution")
{
    GatewayConfig config = groupsConfig();
    auto rule = [](const char *name, const char *group) {
        ScenarioRule r;
        r.name = QLatin1String(name);
        r.group = QLatin1String(group);
        return r;
    };
    ScenarioRule background = rule("background", "fast"); // an alias: resolved to "small"
    background.requestClass = QStringLiteral("background");
    ScenarioRule haiku = rule("haiku", "small");
    haiku.model = QStringLiteral("claude-*haiku*");
    ScenarioRule agents = rule("agents", "cloud");
    agents.agent = true;
    ScenarioRule image = rule("image", "cloud");
    image.hasImage = true;
    ScenarioRule longThinking = rule("long-thinking", "main");
    longThinking.thinking = true;
    longThinking.minTokens = 60000;
    ScenarioRule haikuShadowed = rule("never", "cloud"); // after "haiku": never reached for haiku ids
    haikuShadowed.model = QStringLiteral("claude-3-5-haiku*");
    config.router.routes = {background, haiku, agents, image, longThinking, haikuShadowed};
    Router router(
        config, [] { return qint64(0); }, 1);

    auto planFor = [&](RouteRequest request) {
        if (request.model.isEmpty())
            request.model = QStringLiteral("claude-opus-5-5");
        const auto plan = router.plan(request);
        REQUIRE(plan);
        return std::make_pair(plan->group, plan->rule);
    };
    using P = std::pair<QString, QString>;
    RouteRequest r;
    CHECK(planFor(r) == P{QStringLiteral("claude-*"), QString()});

    r = {};
    r.requestClass = QStringLiteral("Background"); // case-insensitive
    CHECK(planFor(r) == P{QStringLiteral("small"), QStringLiteral("background")});

    r = {};
    r.model = QStringLiteral("claude-3-5-haiku-latest");
    CHECK(planFor(r) == P{QStringLiteral("small"), QStringLiteral("haiku")});

    r = {};
    r.agentId = QStringLiteral("agent-7");
    CHECK(planFor(r) == P{QStringLiteral("cloud"), QStringLiteral("agents")});

    r = {};
    r.hasImage = true;
    CHECK(planFor(r) == P{QStringLiteral("cloud"), QStringLiteral("image")});

    r = {};
    r.thinking = true;
    r.estimatedTokens = 59999;
    CHECK(planFor(r).second.isEmpty()); // below min_tokens
    r.estimatedTokens = 60000;
    CHECK(planFor(r) == P{QStringLiteral("main"), QStringLiteral("long-thinking")});
    r.thinking = false;
    CHECK(planFor(r).second.isEmpty()); // both conditions must hold

    // Earlier rules win: a background haiku request with an image is "background".
    r = {};
    r.model = QStringLiteral("claude-3-5-haiku-latest");
    r.requestClass = QStringLiteral("background");
    r.hasImage = true;
    CHECK(planFor(r).second == QStringLiteral("background"));

    // A rule fires even for a model no group serves.
    r = {};
    r.model = QStringLiteral("unknown-model");
    r.agentId = QStringLiteral("a");
    CHECK(planFor(r).first == QStringLiteral("cloud"));
}

TEST_CASE("fallbacks: the group's own list in order, else default_fallbacks; context fallbacks apart")
{
    GatewayConfig config = groupsConfig();
    config.router.fallbacks.insert(QStringLiteral("main"), {QStringLiteral("cloud"), QStringLiteral("main"),
                                                            QStringLiteral("fast"), QStringLiteral("cloud")});
    config.router.fallbacks.insert(QStringLiteral("fast"), {QStringLiteral("main")}); // keyed by the alias
    config.router.defaultFallbacks = {QStringLiteral("cloud"), QStringLiteral("main")};
    config.router.contextWindowFallbacks.insert(QStringLiteral("main"), {QStringLiteral("cloud")});
    Router router(
        config, [] { return qint64(0); }, 1);

    auto main = router.plan(requestFor(QStringLiteral("main")));
    REQUIRE(main);
    // In order, the group itself removed, duplicates and aliases resolved.
    CHECK(main->fallbackGroups == QStringList{QStringLiteral("cloud"), QStringLiteral("small")});
    CHECK(main->contextFallbackGroups == QStringList{QStringLiteral("cloud")});

    auto viaAlias = router.plan(requestFor(QStringLiteral("fast")));
    REQUIRE(viaAlias);
    CHECK(viaAlias->group == QStringLiteral("small"));
    CHECK(viaAlias->fallbackGroups == QStringList{QStringLiteral("main")});

    auto opus = router.plan(requestFor(QStringLiteral("claude-opus-5-5")));
    REQUIRE(opus);
    CHECK(opus->fallbackGroups == QStringList{QStringLiteral("cloud"), QStringLiteral("main")});
    CHECK(opus->contextFallbackGroups.isEmpty());

    auto cloud = router.plan(requestFor(QStringLiteral("cloud")));
    REQUIRE(cloud);
    CHECK(cloud->fallbackGroups == QStringList{QStringLiteral("main")}); // never itself
}

TEST_CASE("a fallback or route naming a model_info.id goes to that one deployment, not its group")
{
    GatewayConfig config = groupsConfig();
    config.router.fallbacks.insert(QStringLiteral("small"), {QStringLiteral("main-2")});
    ScenarioRule rule;
    rule.name = QStringLiteral("background");
    rule.requestClass = QStringLiteral("background");
    rule.group = QStringLiteral("main-1");
    config.router.routes.push_back(rule);
    Router router(
        config, [] { return qint64(0); }, 7);

    const auto small = router.plan(requestFor(QStringLiteral("small")));
    REQUIRE(small);
    CHECK(small->fallbackGroups == QStringList{QStringLiteral("main-2")});
    // 200 picks from the id: always main-2, never its group mate main-1.
    const std::map<QString, int> picks = countPicks(router, QStringLiteral("main-2"), 200);
    CHECK(picks == std::map<QString, int>{{QStringLiteral("main-2"), 200}});
    // With main-2 excluded (it failed), the id has nothing left rather than falling into main.
    CHECK(router.pick(QStringLiteral("main-2"), {}, {QStringLiteral("main-2")}).deployment == nullptr);

    RouteRequest background = requestFor(QStringLiteral("small"));
    background.requestClass = QStringLiteral("background");
    const auto routed = router.plan(background);
    REQUIRE(routed);
    CHECK(routed->group == QStringLiteral("main-1"));
    CHECK(countPicks(router, routed->group, 200, background) ==
          std::map<QString, int>{{QStringLiteral("main-1"), 200}});

    // A group named like an id keeps its meaning: the group wins.
    CHECK(countPicks(router, QStringLiteral("main"), 400).size() == 2);

    // A request naming the id (the Mappings page's per-row Test) is planned to that deployment.
    const auto direct = router.plan(requestFor(QStringLiteral("main-2")));
    REQUIRE(direct);
    CHECK(direct->group == QStringLiteral("main-2"));
    CHECK(countPicks(router, direct->group, 100) == std::map<QString, int>{{QStringLiteral("main-2"), 100}});
}

TEST_CASE("simple-shuffle follows weight within 2% over 10k picks, else rpm, else uniform")
{
    SECTION("weight")
    {
        std::vector<Deployment> list;
        const double weights[] = {1, 2, 7};
        for (int i = 0; i < 3; ++i) {
            list.push_back(deployment(QStringLiteral("d%1").arg(i), QStringLiteral("g")));
            list.back().weight = weights[i];
            list.back().rpm = 1000 * (3 - i); // ignored: weight comes first
        }
        Router router(
            routerConfig(list), [] { return qint64(0); }, 7);
        const auto counts = countPicks(router, QStringLiteral("g"), 10000);
        CHECK(std::abs(counts.at(QStringLiteral("d0")) - 1000) < 200);
        CHECK(std::abs(counts.at(QStringLiteral("d1")) - 2000) < 200);
        CHECK(std::abs(counts.at(QStringLiteral("d2")) - 7000) < 200);
    }
    SECTION("rpm when no weight is set; an unweighted deployment gets nothing")
    {
        std::vector<Deployment> list;
        for (int i = 0; i < 3; ++i)
            list.push_back(deployment(QStringLiteral("d%1").arg(i), QStringLiteral("g")));
        list[0].rpm = 300;
        list[1].rpm = 100;
        Router router(
            routerConfig(list), [] { return qint64(0); }, 7);
        const auto counts = countPicks(router, QStringLiteral("g"), 10000);
        CHECK(std::abs(counts.at(QStringLiteral("d0")) - 7500) < 200);
        CHECK(std::abs(counts.at(QStringLiteral("d1")) - 2500) < 200);
        CHECK(counts.count(QStringLiteral("d2")) == 0);
    }
    SECTION("uniform without weights")
    {
        std::vector<Deployment> list;
        for (int i = 0; i < 4; ++i)
            list.push_back(deployment(QStringLiteral("d%1").arg(i), QStringLiteral("g")));
        Router router(
            routerConfig(list), [] { return qint64(0); }, 7);
        const auto counts = countPicks(router, QStringLiteral("g"), 10000);
        REQUIRE(counts.size() == 4);
        for (const auto &[id, n] : counts)
            CHECK(std::abs(n - 2500) < 200);
    }
}

TEST_CASE("the same seed gives the same choices; another seed other choices")
{
    std::vector<Deployment> list;
    for (int i = 0; i < 8; ++i)
        list.push_back(deployment(QStringLiteral("d%1").arg(i), QStringLiteral("g")));
    auto sequence = [&](quint32 seed) {
        Router router(
            routerConfig(list), [] { return qint64(0); }, seed);
        QStringList ids;
        for (int i = 0; i < 32; ++i)
            ids.append(router.pick(QStringLiteral("g"), {}, {}).deployment->id);
        return ids;
    };
    CHECK(sequence(11) == sequence(11));
    CHECK(sequence(11) != sequence(12));
}

TEST_CASE("least-busy picks the deployment with the fewest requests in flight")
{
    std::vector<Deployment> list = {deployment(QStringLiteral("a"), QStringLiteral("g")),
                                    deployment(QStringLiteral("b"), QStringLiteral("g")),
                                    deployment(QStringLiteral("c"), QStringLiteral("g"))};
    Router router(
        routerConfig(list, QStringLiteral("least-busy")), [] { return qint64(0); }, 3);
    CHECK(router.strategy() == QStringLiteral("least-busy"));
    const auto &d = router.deployments();
    router.attemptStarted(d[0], 10);
    router.attemptStarted(d[0], 10);
    router.attemptStarted(d[1], 10);
    for (int i = 0; i < 20; ++i)
        CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("c"));
    router.attemptStarted(d[2], 10);
    router.attemptStarted(d[2], 10);
    for (int i = 0; i < 20; ++i)
        CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("b"));
    router.attemptEnded(d[0]);
    router.attemptEnded(d[0]);
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("a"));
    // Ties are broken at random, so equal deployments share the load.
    router.attemptEnded(d[1]);
    router.attemptEnded(d[2]);
    router.attemptEnded(d[2]);
    const auto counts = countPicks(router, QStringLiteral("g"), 3000);
    REQUIRE(counts.size() == 3);
    for (const auto &[id, n] : counts)
        CHECK(n > 800);
}

TEST_CASE("latency-based routing prefers the lowest time to first token, untried first, with a tie buffer")
{
    std::vector<Deployment> list = {deployment(QStringLiteral("a"), QStringLiteral("g")),
                                    deployment(QStringLiteral("b"), QStringLiteral("g")),
                                    deployment(QStringLiteral("c"), QStringLiteral("g"))};
    GatewayConfig config = routerConfig(list, QStringLiteral("latency-based-routing"));
    config.router.lowestLatencyBuffer = 0.05;
    Router router(
        config, [] { return qint64(0); }, 3);
    const auto &d = router.deployments();
    auto serve = [&](int i, qint64 ttft) {
        router.attemptStarted(d[size_t(i)], 100);
        router.attemptSucceeded(d[size_t(i)], {}, ttft, ttft * 3, 200);
        router.attemptEnded(d[size_t(i)]);
    };
    serve(0, 100);
    serve(1, 300);
    for (int i = 0; i < 10; ++i)
        CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("c")); // never measured
    serve(2, 500);
    for (int i = 0; i < 10; ++i)
        CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("a"));
    // a slows down: its moving average moves past b's.
    for (int i = 0; i < 6; ++i)
        serve(0, 1000);
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("b"));
    const auto health = router.health();
    CHECK(health[0].latencyMs > 300);
    CHECK(health[1].latencyMs == Approx(300));
    // Within the 5 % buffer both count as fastest and share the load.
    serve(0, 0);
    for (int i = 0; i < 20; ++i)
        serve(0, 305); // converges just above b's 300 (within 5 %)
    const auto counts = countPicks(router, QStringLiteral("g"), 2000);
    CHECK(counts.count(QStringLiteral("a")) == 1);
    CHECK(counts.count(QStringLiteral("b")) == 1);
    CHECK(counts.count(QStringLiteral("c")) == 0);
    CHECK(counts.at(QStringLiteral("a")) > 800);
    CHECK(counts.at(QStringLiteral("b")) > 800);
}

TEST_CASE("usage-based-routing-v2 picks the fewest tokens this minute and skips deployments over rpm/tpm")
{
    qint64 now = 0;
    std::vector<Deployment> list = {deployment(QStringLiteral("a"), QStringLiteral("g")),
                                    deployment(QStringLiteral("b"), QStringLiteral("g")),
                                    deployment(QStringLiteral("c"), QStringLiteral("g"))};
    list[0].rpm = 2;
    list[1].tpm = 1000;
    Router router(
        routerConfig(list, QStringLiteral("usage-based-routing-v2")), [&] { return now; }, 3);
    const auto &d = router.deployments();
    auto serve = [&](int i, qint64 estimate, qint64 tokens) {
        router.attemptStarted(d[size_t(i)], estimate);
        router.attemptSucceeded(d[size_t(i)], {}, 10, 20, tokens);
        router.attemptEnded(d[size_t(i)]);
    };
    serve(0, 100, 150); // a: 150 tokens, 1 request
    serve(1, 300, 400); // b: 400
    serve(2, 500, 900); // c: 900
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("a"));
    serve(0, 10, 10); // a: 160 tokens, but 2 requests = its rpm
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("b"));
    // b would go over its tpm with a 700-token prompt: c takes it.
    RouteRequest big;
    big.estimatedTokens = 700;
    CHECK(router.pick(QStringLiteral("g"), big, {}).deployment->id == QStringLiteral("c"));
    // The next minute starts clean: a is back, the lowest again (all zero: any of them).
    now = 60000;
    serve(1, 5, 5);
    serve(2, 5, 5);
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("a"));
}

TEST_CASE("cost-based routing picks the cheapest price, local models at 0")
{
    std::vector<Deployment> list = {deployment(QStringLiteral("pricey"), QStringLiteral("g")),
                                    deployment(QStringLiteral("cheap"), QStringLiteral("g")),
                                    deployment(QStringLiteral("unpriced"), QStringLiteral("g")),
                                    deployment(QStringLiteral("local"), QStringLiteral("g"))};
    list[0].inputCostPerToken = 3e-6;
    list[0].outputCostPerToken = 15e-6;
    list[1].inputCostPerToken = 1e-6;
    list[1].outputCostPerToken = 2e-6;
    list[3].provider = Provider::Ollama;
    list[3].apiBase = QUrl(QStringLiteral("http://127.0.0.1:11434"));
    // The prices the cost report uses (built-in table), as the gateway passes them.
    const CostCalculator costs(PricingTable::builtIn(), list);
    Router router(
        routerConfig(list, QStringLiteral("cost-based-routing")), [] { return qint64(0); }, 3,
        [&costs](const Deployment &d) { return costs.routingPrice(d); });
    CHECK(router.strategy() == QStringLiteral("cost-based-routing"));
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("local"));
    CHECK(router.pick(QStringLiteral("g"), {}, {QStringLiteral("local")}).deployment->id == QStringLiteral("cheap"));
    CHECK(router.pick(QStringLiteral("g"), {}, {QStringLiteral("local"), QStringLiteral("cheap")}).deployment->id ==
          QStringLiteral("pricey"));
    CHECK(
        router
            .pick(QStringLiteral("g"), {}, {QStringLiteral("local"), QStringLiteral("cheap"), QStringLiteral("pricey")})
            .deployment->id == QStringLiteral("unpriced"));
}

TEST_CASE("order: the lowest order takes all traffic while available, unset order last")
{
    qint64 now = 0;
    std::vector<Deployment> list = {deployment(QStringLiteral("unset"), QStringLiteral("g")),
                                    deployment(QStringLiteral("second"), QStringLiteral("g")),
                                    deployment(QStringLiteral("first"), QStringLiteral("g"))};
    list[1].order = 2;
    list[2].order = 1;
    GatewayConfig config = routerConfig(list);
    config.router.allowedFails = 0;
    Router router(
        config, [&] { return now; }, 5);
    const auto &d = router.deployments();
    for (const auto &[id, n] : countPicks(router, QStringLiteral("g"), 200))
        CHECK(id == QStringLiteral("first"));
    router.attemptFailed(d[2], AttemptFailure::Connect);
    for (const auto &[id, n] : countPicks(router, QStringLiteral("g"), 200))
        CHECK(id == QStringLiteral("second"));
    router.attemptFailed(d[1], AttemptFailure::ServerError);
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("unset"));
    now += 5000; // cooldown over
    CHECK(router.pick(QStringLiteral("g"), {}, {}).deployment->id == QStringLiteral("first"));
}

TEST_CASE("session affinity: a session returns to its deployment, and moves when it cools")
{
    qint64 now = 0;
    std::vector<Deployment> list;
    for (int i = 0; i < 4; ++i)
        list.push_back(deployment(QStringLiteral("d%1").arg(i), QStringLiteral("g")));
    GatewayConfig config = routerConfig(list);
    config.router.allowedFails = 0;
    Router router(
        config, [&] { return now; }, 9);
    const auto &d = router.deployments();
    RouteRequest session;
    session.sessionId = QStringLiteral("session-1");

    const Deployment *first = router.pick(QStringLiteral("g"), session, {}).deployment;
    REQUIRE(first);
    router.attemptStarted(*first, 100);
    router.attemptSucceeded(*first, session.sessionId, 50, 100, 200);
    router.attemptEnded(*first);
    for (int i = 0; i < 50; ++i)
        CHECK(router.pick(QStringLiteral("g"), session, {}).deployment == first);

    // Another session is not affected (shuffle spreads it).
    RouteRequest other;
    other.sessionId = QStringLiteral("session-2");
    CHECK(countPicks(router, QStringLiteral("g"), 400, other).size() == 4);

    // The deployment cools: the session moves, then sticks to its new home.
    router.attemptFailed(*first, AttemptFailure::Overloaded);
    const Deployment *second = router.pick(QStringLiteral("g"), session, {}).deployment;
    REQUIRE(second);
    CHECK(second != first);
    router.attemptStarted(*second, 100);
    router.attemptSucceeded(*second, session.sessionId, 50, 100, 200);
    router.attemptEnded(*second);
    now += 10000; // the first one is back, but the session stays where its cache now is
    for (int i = 0; i < 50; ++i)
        CHECK(router.pick(QStringLiteral("g"), session, {}).deployment == second);
    // Excluded (a retry of this request) also moves it for this attempt.
    CHECK(router.pick(QStringLiteral("g"), session, {second->id}).deployment != second);
    (void)d;
}

TEST_CASE("session affinity yields to limits and can be turned off")
{
    std::vector<Deployment> list = {deployment(QStringLiteral("a"), QStringLiteral("g")),
                                    deployment(QStringLiteral("b"), QStringLiteral("g"))};
    list[0].maxParallelRequests = 1;
    SECTION("at max_parallel_requests the session goes elsewhere")
    {
        Router router(
            routerConfig(list), [] { return qint64(0); }, 1);
        const auto &d = router.deployments();
        router.attemptStarted(d[0], 1);
        router.attemptSucceeded(d[0], QStringLiteral("s"), 1, 1, 1);
        RouteRequest session;
        session.sessionId = QStringLiteral("s");
        CHECK(router.pick(QStringLiteral("g"), session, {}).deployment->id == QStringLiteral("b")); // a is busy
        router.attemptEnded(d[0]);
        CHECK(router.pick(QStringLiteral("g"), session, {}).deployment->id == QStringLiteral("a"));
    }
    SECTION("off")
    {
        GatewayConfig config = routerConfig(list);
        config.router.sessionAffinity = false;
        Router router(
            config, [] { return qint64(0); }, 1);
        const auto &d = router.deployments();
        router.attemptStarted(d[0], 1);
        router.attemptSucceeded(d[0], QStringLiteral("s"), 1, 1, 1);
        router.attemptEnded(d[0]);
        RouteRequest session;
        session.sessionId = QStringLiteral("s");
        CHECK(countPicks(router, QStringLiteral("g"), 200, session).size() == 2);
    }
}

TEST_CASE("strategy names are LiteLLM's")
{
    CHECK(routingStrategyFromName(QStringLiteral("simple-shuffle")) == RoutingStrategy::SimpleShuffle);
    CHECK(routingStrategyFromName(QStringLiteral("least-busy")) == RoutingStrategy::LeastBusy);
    CHECK(routingStrategyFromName(QStringLiteral("latency-based-routing")) == RoutingStrategy::LatencyBased);
    CHECK(routingStrategyFromName(QStringLiteral("usage-based-routing")) == RoutingStrategy::UsageBased);
    CHECK(routingStrategyFromName(QStringLiteral("usage-based-routing-v2")) == RoutingStrategy::UsageBased);
    CHECK(routingStrategyFromName(QStringLiteral("cost-based-routing")) == RoutingStrategy::CostBased);
    CHECK_FALSE(routingStrategyFromName(QStringLiteral("round-robin")).has_value());
    CHECK(routingStrategyName(RoutingStrategy::LatencyBased) == QStringLiteral("latency-based-routing"));
}
