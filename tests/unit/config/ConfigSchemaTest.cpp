#include "config/ConfigSchema.h"
#include "config/ConfigLoader.h"
#include "server/ProxyExchange.h"
#include "usage/UsageSettings.h"
#include "usage/UsageTap.h" // ProxyExchange.h holds a QPointer<UsageTap>

#include <catch2/catch.hpp>

#include <QSet>

using namespace sb;

namespace {

const QByteArray kModel = "model_list:\n  - model_name: a\n    litellm_params: {model: ollama/q}\n";

const ConfigIssue *issueFor(const ConfigLoadResult &result, const QString &key)
{
    for (const ConfigIssue &issue : result.issues) {
        if (issue.key == key)
            return &issue;
    }
    return nullptr;
}

} // namespace

TEST_CASE("every settings struct field starts at its schema key's default")
{
    const GatewayConfig config;
    const RouterSettings router;
    const CacheSettings cache;
    const ExchangeSettings exchange;
    const UsageSettings usage;
    const Deployment deployment;
    const ScenarioRule rule;
    // key → the struct's default, in the key's unit. A key may feed several structs.
    const std::vector<std::pair<const char *, QVariant>> fields = {
        {"switchboard.host", config.host},
        {"switchboard.port", int(config.port)},
        {"switchboard.max_body_mb", double(config.maxBodyBytes) / (1024 * 1024)},
        {"switchboard.ping_interval_seconds", config.pingIntervalMs / 1000.0},
        {"switchboard.ping_interval_seconds", exchange.pingIntervalMs / 1000.0},
        {"switchboard.connect_timeout_seconds", config.connectTimeoutMs / 1000.0},
        {"switchboard.connect_timeout_seconds", exchange.connectTimeoutMs / 1000.0},
        {"switchboard.keepalive_timeout_seconds", config.keepAliveTimeoutMs / 1000.0},
        {"switchboard.body_timeout_seconds", config.bodyTimeoutMs / 1000.0},
        {"switchboard.first_byte_timeout_seconds", config.firstByteTimeoutSeconds},
        {"switchboard.first_byte_timeout_seconds", exchange.firstByteTimeoutSeconds},
        {"switchboard.stream_idle_timeout_seconds", config.streamIdleTimeoutSeconds},
        {"switchboard.stream_idle_timeout_seconds", exchange.streamIdleTimeoutSeconds},
        {"switchboard.usage_enabled", config.usageEnabled},
        {"switchboard.usage_retention_days", config.usageRetentionDays},
        {"switchboard.usage_retention_days", usage.retentionDays},
        {"switchboard.metrics_open", config.metricsOpen},
        {"switchboard.cache_all_requests", cache.allRequests},
        {"switchboard.queue_timeout_seconds", router.queueTimeoutSeconds},
        {"switchboard.queue_size", router.queueSize},
        {"switchboard.session_affinity", router.sessionAffinity},
        {"switchboard.token_rpm", qlonglong(router.tokenRpm)},
        {"switchboard.token_tpm", qlonglong(router.tokenTpm)},
        {"switchboard.routes[].when.min_tokens", qlonglong(rule.minTokens)},
        {"litellm_settings.request_timeout", config.requestTimeoutSeconds},
        {"litellm_settings.request_timeout", exchange.requestTimeoutSeconds},
        {"router_settings.timeout", config.requestTimeoutSeconds},
        {"litellm_settings.num_retries", router.numRetries},
        {"router_settings.num_retries", router.numRetries},
        {"litellm_settings.allowed_fails", router.allowedFails},
        {"router_settings.allowed_fails", router.allowedFails},
        {"litellm_settings.cooldown_time", router.cooldownSeconds},
        {"router_settings.cooldown_time", router.cooldownSeconds},
        {"litellm_settings.max_parallel_requests", router.globalMaxParallelRequests},
        {"router_settings.max_parallel_requests", router.globalMaxParallelRequests},
        {"general_settings.global_max_parallel_requests", router.globalMaxParallelRequests},
        {"router_settings.default_max_parallel_requests", router.defaultMaxParallelRequests},
        {"router_settings.retry_after", router.retryAfterSeconds},
        {"router_settings.routing_strategy", router.routingStrategy},
        {"router_settings.routing_strategy_args.lowest_latency_buffer", router.lowestLatencyBuffer},
        {"litellm_settings.cache", cache.enabled},
        {"litellm_settings.cache_params.type", cache.redis ? QStringLiteral("redis") : QStringLiteral("local")},
        {"litellm_settings.cache_params.host", cache.host},
        {"litellm_settings.cache_params.port", cache.port},
        {"litellm_settings.cache_params.ttl", cache.ttlSeconds},
        {"litellm_settings.cache_params.namespace", cache.keyNamespace},
        {"model_list[].litellm_params.max_tokens", deployment.maxOutputTokens},
        {"model_list[].model_info.max_output_tokens", deployment.maxOutputTokens},
        {"model_list[].model_info.max_tokens", deployment.maxOutputTokens},
        {"model_list[].litellm_params.rpm", qlonglong(deployment.rpm)},
        {"model_list[].litellm_params.tpm", qlonglong(deployment.tpm)},
        {"model_list[].litellm_params.weight", deployment.weight},
        {"model_list[].litellm_params.order", deployment.order},
        {"model_list[].litellm_params.max_parallel_requests", deployment.maxParallelRequests},
    };
    QSet<QString> covered;
    for (const auto &[path, structDefault] : fields) {
        INFO(path);
        const ConfigSchema::Key *key = ConfigSchema::find(QLatin1String(path));
        REQUIRE(key);
        REQUIRE(key->defaultValue.isValid());
        switch (key->type) {
        case ConfigSchema::Type::Int:
        case ConfigSchema::Type::Number: CHECK(structDefault.toDouble() == key->defaultValue.toDouble()); break;
        case ConfigSchema::Type::Bool: CHECK(structDefault.toBool() == key->defaultValue.toBool()); break;
        default: CHECK(structDefault.toString() == key->defaultValue.toString()); break;
        }
        covered.insert(QLatin1String(path));
    }
    // A key given a plain default is one a struct holds: adding one means adding it here.
    for (const ConfigSchema::Key &key : ConfigSchema::keys()) {
        INFO(key.path);
        if (key.defaultValue.isValid())
            CHECK(covered.contains(QLatin1String(key.path)));
    }
}

TEST_CASE("every key is described, and bounds and units sit only on numbers")
{
    for (const ConfigSchema::Key &key : ConfigSchema::keys()) {
        INFO(key.path);
        CHECK(QLatin1String(key.description).size() > 5);
        CHECK((key.status == ConfigSchema::Status::Active) == QLatin1String(key.note).isEmpty());
        const bool numeric = key.type == ConfigSchema::Type::Int || key.type == ConfigSchema::Type::Number;
        if (key.min || key.max || *key.unit)
            CHECK(numeric);
        if (key.min && key.max)
            CHECK(key.min->value < key.max->value);
        if (key.defaultValue.isValid() && numeric)
            CHECK(ConfigSchema::check(key, key.defaultValue.toDouble()).outcome ==
                  ConfigSchema::Checked::Outcome::InBounds);
    }
    const ConfigSchema::Key *body = ConfigSchema::find(QStringLiteral("switchboard.max_body_mb"));
    REQUIRE(body);
    CHECK(ConfigSchema::boundsText(*body) == QStringLiteral("(0, 4096] MB"));
    CHECK(ConfigSchema::check(*body, 0).outcome == ConfigSchema::Checked::Outcome::Rejected);
    CHECK(ConfigSchema::check(*body, 4096).outcome == ConfigSchema::Checked::Outcome::InBounds);
    CHECK(ConfigSchema::schemaPath(QStringLiteral("model_list[12].litellm_params.rpm")) ==
          QStringLiteral("model_list[].litellm_params.rpm"));
}

TEST_CASE("a clamped value is a warning naming the key, the value given, the bound and the value used")
{
    const ConfigLoadResult result =
        ConfigLoader::loadText(kModel + "litellm_settings:\n  num_retries: 500\n"
                                        "  cache_params: {ttl: 0.5}\n"
                                        "switchboard:\n  first_byte_timeout_seconds: -3\n  queue_size: 5000000\n",
                               QStringLiteral("t.yaml"));
    INFO(result.warnings().join(QLatin1Char('\n')).toStdString());
    REQUIRE(result.ok());
    CHECK(result.config.router.numRetries == 100);
    CHECK(result.config.cache.ttlSeconds == 1);
    CHECK(result.config.firstByteTimeoutSeconds == 0);
    CHECK(result.config.router.queueSize == 1'000'000);

    const ConfigIssue *retries = issueFor(result, QStringLiteral("litellm_settings.num_retries"));
    REQUIRE(retries);
    CHECK(retries->severity == ConfigIssue::Severity::Warning);
    CHECK(retries->toString() == QStringLiteral("t.yaml:5: warning: litellm_settings.num_retries: 500 is outside the "
                                                "allowed range (from 0 to 100 retries); using 100"));
    const ConfigIssue *ttl = issueFor(result, QStringLiteral("litellm_settings.cache_params.ttl"));
    REQUIRE(ttl);
    CHECK(ttl->line == 6);
    CHECK(ttl->message.contains(QStringLiteral("0.5 is outside")));
    CHECK(ttl->message.endsWith(QStringLiteral("using 1")));
    const ConfigIssue *first = issueFor(result, QStringLiteral("switchboard.first_byte_timeout_seconds"));
    REQUIRE(first);
    CHECK(first->line == 8);
    CHECK(first->message == QStringLiteral("-3 is outside the allowed range (at least 0 seconds); using 0"));
    REQUIRE(issueFor(result, QStringLiteral("switchboard.queue_size")));
    CHECK(result.warnings().size() == 4);
}

TEST_CASE("a timeout of 0 falls back to the default with a warning; in-range values warn about nothing")
{
    const ConfigLoadResult zero =
        ConfigLoader::loadText(kModel + "router_settings: {timeout: 0}\n", QStringLiteral("t.yaml"));
    REQUIRE(zero.ok());
    CHECK(zero.config.requestTimeoutSeconds == 600);
    const ConfigIssue *timeout = issueFor(zero, QStringLiteral("router_settings.timeout"));
    REQUIRE(timeout);
    CHECK(timeout->severity == ConfigIssue::Severity::Warning);
    CHECK(timeout->line == 4);
    CHECK(timeout->message ==
          QStringLiteral("0 is outside the allowed range (more than 0 seconds); using the default 600"));

    const ConfigLoadResult fine = ConfigLoader::loadText(
        kModel + "litellm_settings: {num_retries: 100, request_timeout: 30}\nswitchboard: {queue_size: 1000000}\n",
        QStringLiteral("t.yaml"));
    REQUIRE(fine.ok());
    CHECK(fine.warnings().isEmpty());
    CHECK(fine.config.router.numRetries == 100);
    CHECK(fine.config.requestTimeoutSeconds == 30);
}

TEST_CASE("a value beyond a rejecting bound is an error and the default stays")
{
    const ConfigLoadResult result = ConfigLoader::loadText(
        kModel + "switchboard: {port: 70000}\nlitellm_settings: {cache_params: {port: 0}}\n", QStringLiteral("t.yaml"));
    CHECK_FALSE(result.ok());
    const ConfigIssue *port = issueFor(result, QStringLiteral("switchboard.port"));
    REQUIRE(port);
    CHECK(port->severity == ConfigIssue::Severity::Error);
    CHECK(port->message == QStringLiteral("must be from 0 to 65535, got 70000"));
    CHECK(result.config.port == 4000);
    REQUIRE(issueFor(result, QStringLiteral("litellm_settings.cache_params.port")));
}

TEST_CASE("the markdown reference has one row per key with its default, bounds and status")
{
    const QString table = ConfigSchema::markdownReference();
    const QStringList lines = table.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    REQUIRE(lines.size() == int(ConfigSchema::keys().size()) + 2);
    CHECK(lines[0] == QStringLiteral("| key | type | default | bounds | status | description |"));
    CHECK(lines.contains(QStringLiteral("| `switchboard.max_body_mb` | number | `32` | (0, 4096] MB | active | "
                                        "The largest request body accepted (larger: 413) |")));
    CHECK(table.contains(QStringLiteral("| `litellm_settings.telemetry` | bool |  |  | no effect | LiteLLM: send "
                                        "telemetry — Switchboard sends no telemetry |")));
    CHECK(table.contains(QStringLiteral("| `litellm_settings.num_retries` | integer | `2` | [0, 100] retries (above: "
                                        "clamped) | active |")));
    CHECK(ConfigSchema::markdownReference() == table); // pure: the same every time
}
