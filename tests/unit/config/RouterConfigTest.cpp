#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

const ConfigIssue *findIssue(const ConfigLoadResult &result, const QString &text, ConfigIssue::Severity severity)
{
    for (const ConfigIssue &issue : result.issues) {
        if (issue.severity == severity && (issue.key.contains(text) || issue.message.contains(text)))
            return &issue;
    }
    return nullptr;
}

const QByteArray kModels = "model_list:\n"
                           "  - model_name: big\n"
                           "    litellm_params: {model: ollama/big, api_base: 'http://10.0.0.5:11434', rpm: 60, tpm: "
                           "100000, weight: 3, order: 1, max_parallel_requests: 2}\n"
                           "  - model_name: big\n"
                           "    litellm_params: {model: ollama/big, api_base: 'http://10.0.0.6:11434'}\n"
                           "  - model_name: small\n"
                           "    litellm_params: {model: ollama/small}\n"
                           "  - model_name: cloud\n"
                           "    litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: x}\n";

} // namespace

TEST_CASE("routing settings default to LiteLLM's defaults and Switchboard's own")
{
    const ConfigLoadResult result = ConfigLoader::loadText(kModels, QStringLiteral("t.yaml"));
    INFO(result.errors().join(QLatin1Char('\n')).toStdString());
    REQUIRE(result.ok());
    const RouterSettings &r = result.config.router;
    CHECK(r.routingStrategy == QStringLiteral("simple-shuffle"));
    CHECK(r.numRetries == 2);
    CHECK(r.allowedFails == 3);
    CHECK(r.cooldownSeconds == 5);
    CHECK(r.retryAfterSeconds == 0);
    CHECK(r.fallbacks.isEmpty());
    CHECK(r.defaultFallbacks.isEmpty());
    CHECK(r.globalMaxParallelRequests == 0);
    CHECK(r.defaultMaxParallelRequests == 0);
    CHECK(r.queueTimeoutSeconds == 30);
    CHECK(r.queueSize == 256);
    CHECK(r.sessionAffinity);
    CHECK(r.tokenRpm == 0);
    CHECK(r.tokenTpm == 0);
    CHECK(r.routes.empty());

    const auto &d = result.config.deployments;
    REQUIRE(d.size() == 4);
    CHECK(d[0].rpm == 60);
    CHECK(d[0].tpm == 100000);
    CHECK(d[0].weight == 3);
    CHECK(d[0].order == 1);
    CHECK(d[0].maxParallelRequests == 2);
    CHECK(d[1].rpm == 0);
    CHECK(d[1].weight == 0);
    CHECK(d[1].order == 0);
    CHECK(d[1].maxParallelRequests == 0);
    // rpm, tpm, weight, order and max_parallel_requests are active: no "not active yet" warnings.
    CHECK_FALSE(findIssue(result, QStringLiteral("litellm_params.rpm"), ConfigIssue::Severity::Warning));
    CHECK_FALSE(findIssue(result, QStringLiteral("litellm_params.order"), ConfigIssue::Severity::Warning));
}

TEST_CASE("every routing key is read, router_settings over litellm_settings")
{
    const QByteArray yaml = kModels +
                            "litellm_settings:\n"
                            "  num_retries: 5\n"
                            "  allowed_fails: 9\n"
                            "  fallbacks: [{small: [cloud]}]\n"
                            "router_settings:\n"
                            "  routing_strategy: usage-based-routing-v2\n"
                            "  routing_strategy_args: {lowest_latency_buffer: 0.2}\n"
                            "  num_retries: 4\n"
                            "  allowed_fails: 1\n"
                            "  cooldown_time: 12.5\n"
                            "  retry_after: 2\n"
                            "  fallbacks: [{big: [small, cloud]}]\n"
                            "  context_window_fallbacks: [{small: [big]}]\n"
                            "  default_fallbacks: [cloud]\n"
                            "  default_max_parallel_requests: 4\n"
                            "  model_group_alias: {fast: small}\n"
                            "general_settings:\n"
                            "  global_max_parallel_requests: 32\n"
                            "switchboard:\n"
                            "  queue_timeout_seconds: 12\n"
                            "  queue_size: 64\n"
                            "  session_affinity: false\n"
                            "  token_rpm: 100\n"
                            "  token_tpm: 200000\n"
                            "  routes:\n"
                            "    - name: background\n"
                            "      group: fast\n"
                            "      when: {model: 'claude-*haiku*', request_class: background}\n"
                            "    - name: long\n"
                            "      group: big\n"
                            "      when: {min_tokens: 60000, thinking: true, agent: false, has_image: true}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    INFO(result.errors().join(QLatin1Char('\n')).toStdString());
    REQUIRE(result.ok());
    const RouterSettings &r = result.config.router;
    CHECK(r.routingStrategy == QStringLiteral("usage-based-routing-v2"));
    CHECK(r.lowestLatencyBuffer == Approx(0.2));
    CHECK(r.numRetries == 4);
    CHECK(r.allowedFails == 1);
    CHECK(r.cooldownSeconds == 12.5);
    CHECK(r.retryAfterSeconds == 2);
    CHECK(r.fallbacks.value(QStringLiteral("big")) == QStringList{QStringLiteral("small"), QStringLiteral("cloud")});
    CHECK(r.fallbacks.value(QStringLiteral("small")) == QStringList{QStringLiteral("cloud")}); // from litellm_settings
    CHECK(r.contextWindowFallbacks.value(QStringLiteral("small")) == QStringList{QStringLiteral("big")});
    CHECK(r.defaultFallbacks == QStringList{QStringLiteral("cloud")});
    CHECK(r.defaultMaxParallelRequests == 4);
    CHECK(r.globalMaxParallelRequests == 32);
    CHECK(r.queueTimeoutSeconds == 12);
    CHECK(r.queueSize == 64);
    CHECK_FALSE(r.sessionAffinity);
    CHECK(r.tokenRpm == 100);
    CHECK(r.tokenTpm == 200000);
    REQUIRE(r.routes.size() == 2);
    CHECK(r.routes[0].name == QStringLiteral("background"));
    CHECK(r.routes[0].group == QStringLiteral("fast"));
    CHECK(r.routes[0].model == QStringLiteral("claude-*haiku*"));
    CHECK(r.routes[0].requestClass == QStringLiteral("background"));
    CHECK_FALSE(r.routes[0].thinking.has_value());
    CHECK(r.routes[0].line == 35);
    CHECK(r.routes[1].minTokens == 60000);
    CHECK(r.routes[1].thinking == std::optional<bool>(true));
    CHECK(r.routes[1].agent == std::optional<bool>(false));
    CHECK(r.routes[1].hasImage == std::optional<bool>(true));
    CHECK(result.warnings().isEmpty());
}

TEST_CASE("routing mistakes are errors with their line")
{
    struct Case
    {
        const char *yaml;
        const char *key;
        int line;
        const char *message;
    };
    const Case cases[] = {
        {"router_settings:\n  routing_strategy: round-robin\n", "router_settings.routing_strategy", 11,
         "unknown strategy \"round-robin\""},
        {"router_settings:\n  fallbacks: [{big: [nowhere]}]\n", "router_settings.fallbacks[0].big", 11,
         "\"nowhere\" is not a model_name or model_group_alias"},
        {"router_settings:\n  fallbacks: [{ghost: [small]}]\n", "router_settings.fallbacks[0].ghost", 11,
         "\"ghost\" is not a model_name"},
        {"litellm_settings:\n  context_window_fallbacks:\n    - small: [huge]\n",
         "litellm_settings.context_window_fallbacks[0].small", 12, "\"huge\" is not a model_name"},
        {"router_settings:\n  default_fallbacks: [small, missing]\n", "router_settings.default_fallbacks", 11,
         "\"missing\" is not a model_name"},
        {"router_settings:\n  fallbacks: [big]\n", "router_settings.fallbacks[0]", 11,
         "expected {group: [fallback groups]}"},
        {"switchboard:\n  routes:\n    - name: r\n      group: nope\n", "switchboard.routes[0].group", 13,
         "\"nope\" is not a model_name"},
        {"switchboard:\n  routes:\n    - name: r\n", "switchboard.routes[0].group", 12, "field required"},
        {"router_settings:\n  cooldown_time: -1\n", "router_settings.cooldown_time", 11, "cannot be negative"},
        {"router_settings:\n  num_retries: -2\n", "router_settings.num_retries", 11, "cannot be negative"},
        {"switchboard:\n  routes:\n    - {name: r, group: big, when: {min_tokens: lots}}\n",
         "switchboard.routes[0].when.min_tokens", 12, "expected an integer"},
    };
    for (const Case &c : cases) {
        INFO(c.yaml);
        const ConfigLoadResult result = ConfigLoader::loadText(kModels + c.yaml, QStringLiteral("t.yaml"));
        INFO(result.errors().join(QLatin1Char('\n')).toStdString());
        CHECK_FALSE(result.ok());
        const ConfigIssue *issue = findIssue(result, QLatin1String(c.key), ConfigIssue::Severity::Error);
        REQUIRE(issue);
        CHECK(issue->key == QLatin1String(c.key));
        CHECK(issue->line == c.line);
        CHECK(issue->message.contains(QLatin1String(c.message)));
    }
}

TEST_CASE("a fallback may name an alias or a wildcard group")
{
    const QByteArray yaml = "model_list:\n"
                            "  - model_name: 'claude-*'\n"
                            "    litellm_params: {model: ollama/a}\n"
                            "  - model_name: b\n"
                            "    litellm_params: {model: ollama/b}\n"
                            "router_settings:\n"
                            "  model_group_alias: {bee: b}\n"
                            "  fallbacks: [{'claude-*': [bee]}, {bee: ['claude-*']}]\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    INFO(result.errors().join(QLatin1Char('\n')).toStdString());
    REQUIRE(result.ok());
    CHECK(result.config.router.fallbacks.value(QStringLiteral("claude-*")) == QStringList{QStringLiteral("bee")});
    CHECK(result.config.router.fallbacks.value(QStringLiteral("bee")) == QStringList{QStringLiteral("claude-*")});
}

TEST_CASE("an upstream pointing at the gateway itself is a config error")
{
    SECTION("loopback api_base on the configured port")
    {
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: a\n"
                                "    litellm_params: {model: ollama/x}\n"
                                "  - model_name: loop\n"
                                "    litellm_params: {model: openai/x, api_base: 'http://localhost:4100/v1'}\n"
                                "switchboard: {port: 4100}\n";
        const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        CHECK_FALSE(result.ok());
        const ConfigIssue *issue =
            findIssue(result, QStringLiteral("loops back to Switchboard itself"), ConfigIssue::Severity::Error);
        REQUIRE(issue);
        CHECK(issue->line == 4);
        CHECK(issue->key == QStringLiteral("model_list[1].litellm_params.api_base"));
    }
    SECTION("the default port 4000 counts too")
    {
        const QByteArray yaml = "model_list:\n  - model_name: a\n    litellm_params: {model: anthropic/x, api_base: "
                                "'http://127.0.0.1:4000'}\n";
        const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        CHECK_FALSE(result.ok());
        CHECK(result.errors().join(QLatin1Char('\n')).contains(QStringLiteral("loops back to Switchboard itself")));
    }
    SECTION("another port or another machine is fine")
    {
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: a\n"
                                "    litellm_params: {model: ollama/x, api_base: 'http://127.0.0.1:4001'}\n"
                                "  - model_name: b\n"
                                "    litellm_params: {model: ollama/x, api_base: 'http://192.0.2.10:4000'}\n";
        const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        CHECK(result.ok());
    }
    SECTION("the check the gateway runs with the port it bound")
    {
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: a\n"
                                "    litellm_params: {model: ollama/x, api_base: 'http://127.0.0.1:40123'}\n"
                                "  - model_name: b\n"
                                "    litellm_params: {model: ollama/x, api_base: 'http://[::1]:40123'}\n"
                                "switchboard: {port: 0}\n";
        const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        REQUIRE(result.ok()); // port 0: unknown until bound
        const QList<ConfigIssue> bound =
            ConfigLoader::selfLoopIssues(result.config, QStringLiteral("127.0.0.1"), 40123);
        REQUIRE(bound.size() == 2);
        CHECK(bound[0].severity == ConfigIssue::Severity::Error);
        CHECK(bound[0].message.contains(QStringLiteral("loops back to Switchboard itself")));
        CHECK(ConfigLoader::selfLoopIssues(result.config, QStringLiteral("127.0.0.1"), 40124).isEmpty());
        CHECK(ConfigLoader::selfLoopIssues(result.config, QStringLiteral("0.0.0.0"), 40123).size() == 2);
        // A gateway on one specific LAN address is not reached through loopback.
        CHECK(ConfigLoader::selfLoopIssues(result.config, QStringLiteral("192.0.2.7"), 40123).isEmpty());
    }
}
