#include "ConfigSchema.h"

#include "ConfigDefaults.h"

#include <QHash>
#include <QRegularExpression>

#include <cmath>
#include <utility>

namespace sb {

namespace {
using T = ConfigSchema::Type;
using S = ConfigSchema::Status;
using A = ConfigSchema::OutOfBounds;
namespace d = defaults;

// Beyond these a value would overflow the int it is stored in (milliseconds for the timers).
constexpr double kIntMax = 2147483647;
constexpr double kTimerSecondsMax = 2147483;
constexpr double kCountMax = 1'000'000; // parallel limits, queue size, order: "practically unlimited"

// Builds one Key; reads like the table it is.
class Decl final
{
public:
    Decl(const char *path, T type, const char *description)
    {
        m_key.path = path;
        m_key.type = type;
        m_key.description = description;
    }
    Decl &&def(QVariant value) &&
    {
        m_key.defaultValue = std::move(value);
        return std::move(*this);
    }
    Decl &&defNote(const char *note) &&
    {
        m_key.defaultNote = note;
        return std::move(*this);
    }
    Decl &&unit(const char *unit) &&
    {
        m_key.unit = unit;
        return std::move(*this);
    }
    Decl &&atLeast(double value, A action = A::Reject) &&
    {
        m_key.min = ConfigSchema::Bound{value, false, action};
        return std::move(*this);
    }
    Decl &&above(double value, A action = A::Reject) &&
    {
        m_key.min = ConfigSchema::Bound{value, true, action};
        return std::move(*this);
    }
    Decl &&atMost(double value, A action = A::Reject) &&
    {
        m_key.max = ConfigSchema::Bound{value, false, action};
        return std::move(*this);
    }
    Decl &&noEffect(const char *note) &&
    {
        m_key.status = S::NoEffect;
        m_key.note = note;
        return std::move(*this);
    }
    Decl &&notActiveYet(const char *note) &&
    {
        m_key.status = S::NotActiveYet;
        m_key.note = note;
        return std::move(*this);
    }
    Decl &&oneOf(QStringList choices) &&
    {
        m_key.choices = std::move(choices);
        return std::move(*this);
    }
    Decl &&secret() &&
    {
        m_key.secret = true;
        return std::move(*this);
    }
    operator ConfigSchema::Key() && { return std::move(m_key); }

private:
    ConfigSchema::Key m_key;
};

constexpr const char *kNoCallbacks =
    "has no effect: Switchboard has no callback integrations; it records every request itself";
constexpr const char *kNoDropParams = "has no effect: fields an upstream does not know are always converted or dropped";
constexpr const char *kInMemory = "has no effect: routing state is kept in memory";

const std::vector<ConfigSchema::Key> kKeys = {
    Decl("model_list", T::List, "The deployments: each maps a client-facing model_name to one upstream model"),
    Decl("model_list[]", T::Map, "One deployment"),
    Decl("model_list[].model_name", T::String,
         "The name clients ask for: exact, or a pattern with `*`; entries sharing it form a group"),
    Decl("model_list[].litellm_params", T::Map, "How to reach the upstream model"),
    Decl("model_list[].litellm_params.model", T::String,
         "Provider prefix and upstream model, e.g. `ollama/qwen2.5-coder:7b`, `openai/…`, `anthropic/…`"),
    Decl("model_list[].litellm_params.api_base", T::String, "The upstream's base URL (http:// or https://)")
        .defNote("the provider's own (Ollama `http://localhost:11434`, …)"),
    Decl("model_list[].litellm_params.api_key", T::String,
         "The upstream's key; write a reference: `os.environ/NAME`, `${NAME}` or `keychain/NAME`")
        .secret(),
    Decl("model_list[].litellm_params.api_version", T::String,
         "azure/: Azure OpenAI's api-version (else AZURE_API_VERSION, else 2024-10-21 with a warning)"),
    Decl("model_list[].litellm_params.num_ctx", T::Int,
         "The prompt tokens the deployment takes (sent to Ollama as options.num_ctx)")
        .unit("tokens")
        .defNote("32768 for Ollama, else model_info.max_input_tokens")
        .atLeast(256)
        .atMost(10'000'000),
    Decl("model_list[].litellm_params.keep_alive", T::String, "Ollama's keep_alive: how long the model stays loaded")
        .defNote("Ollama's own"),
    Decl("model_list[].litellm_params.max_tokens", T::Int, "Caps max_tokens sent upstream; 0: no cap")
        .unit("tokens")
        .def(d::kDeploymentMaxTokens)
        .atLeast(0, A::Clamp)
        .atMost(kIntMax, A::Clamp),
    Decl("model_list[].litellm_params.timeout", T::Number, "Total time for one request to this deployment")
        .unit("seconds")
        .defNote("litellm_settings.request_timeout")
        .atLeast(0, A::Clamp),
    Decl("model_list[].litellm_params.stream_timeout", T::Number,
         "Longest silence between stream bytes from this deployment")
        .unit("seconds")
        .defNote("switchboard.stream_idle_timeout_seconds")
        .atLeast(0, A::Clamp),
    Decl("model_list[].litellm_params.rpm", T::Int, "Requests per minute this deployment accepts; 0: no limit")
        .unit("requests/minute")
        .def(qlonglong(d::kDeploymentRpm))
        .atLeast(0),
    Decl("model_list[].litellm_params.tpm", T::Int, "Tokens per minute this deployment accepts; 0: no limit")
        .unit("tokens/minute")
        .def(qlonglong(d::kDeploymentTpm))
        .atLeast(0),
    Decl("model_list[].litellm_params.weight", T::Number, "simple-shuffle's weight among the group")
        .def(d::kDeploymentWeight)
        .atLeast(0),
    Decl("model_list[].litellm_params.order", T::Int, "Lower orders are tried first; 0: after every explicit order")
        .def(d::kDeploymentOrder)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("model_list[].litellm_params.max_parallel_requests", T::Int,
         "Requests in flight at once on this deployment; 0: router_settings.default_max_parallel_requests")
        .unit("requests")
        .def(d::kDeploymentMaxParallelRequests)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("model_list[].litellm_params.input_cost_per_token", T::Number, "Price of a prompt token")
        .unit("USD per token")
        .defNote("the pricing table (0 for a local model)")
        .atLeast(0),
    Decl("model_list[].litellm_params.output_cost_per_token", T::Number, "Price of an output token")
        .unit("USD per token")
        .defNote("the pricing table (0 for a local model)")
        .atLeast(0),
    Decl("model_list[].litellm_params.input_cost_per_second", T::Number, "Price of a second of request time (GPU time)")
        .unit("USD per second")
        .defNote("not charged")
        .atLeast(0),
    Decl("model_list[].litellm_params.temperature", T::Number, "LiteLLM's default sampling temperature")
        .noEffect("has no effect: the client's own sampling settings are sent"),
    Decl("model_list[].litellm_params.drop_params", T::Bool, "LiteLLM: drop parameters the upstream does not know")
        .noEffect(kNoDropParams),
    Decl("model_list[].model_info", T::Map, "What is known about the model"),
    Decl("model_list[].model_info.id", T::String, "The deployment's id in logs, metrics and headers")
        .defNote("`<model>@<host:port>`"),
    Decl("model_list[].model_info.fold_system_messages", T::Bool,
         "OpenAI-compatible and Ollama upstreams: role:system entries inside `messages` (Claude Code sends "
         "some) go into the adjacent user turn, since many chat templates refuse a system message that is "
         "not first; false forwards them as system messages")
        .defNote("`true`"),
    Decl("model_list[].model_info.max_input_tokens", T::Int, "The model's context when num_ctx is not set")
        .unit("tokens")
        .atLeast(256)
        .atMost(10'000'000),
    Decl("model_list[].model_info.max_output_tokens", T::Int, "Caps max_tokens sent upstream; 0: no cap")
        .unit("tokens")
        .def(d::kDeploymentMaxTokens)
        .atLeast(0, A::Clamp)
        .atMost(kIntMax, A::Clamp),
    Decl("model_list[].model_info.max_tokens", T::Int, "Same as max_output_tokens (LiteLLM's older name)")
        .unit("tokens")
        .def(d::kDeploymentMaxTokens)
        .atLeast(0, A::Clamp)
        .atMost(kIntMax, A::Clamp),
    Decl("model_list[].model_info.mode", T::String, "LiteLLM: the kind of model (chat, embedding, …)")
        .noEffect("has no effect: every deployment serves chat"),
    Decl("model_list[].model_info.supports_function_calling", T::Bool, "LiteLLM: whether the model takes tools")
        .noEffect("has no effect: tools are always forwarded"),
    Decl("model_list[].model_info.supports_vision", T::Bool, "LiteLLM: whether the model takes images")
        .noEffect("has no effect: images are always forwarded"),

    Decl("environment_variables", T::StringMap,
         "Variables for `os.environ/NAME` and `${NAME}` references, set before they are read (as LiteLLM "
         "does); they win over the process environment but are not passed to programs Switchboard starts"),
    Decl("guardrails", T::Any,
         "LiteLLM's guardrails: NOT enforced by Switchboard; a config with guardrails does not start "
         "unless `switchboard.allow_unenforced_guardrails` is true"),
    Decl("litellm_settings", T::Map, "LiteLLM's library settings"),
    Decl("litellm_settings.guardrails", T::Any, "LiteLLM's older guardrails place: treated as `guardrails`"),
    Decl("litellm_settings.request_timeout", T::Number, "Total time for one request (router_settings.timeout too)")
        .unit("seconds")
        .def(d::kRequestTimeoutSeconds)
        .above(0, A::UseDefault),
    Decl("litellm_settings.num_retries", T::Int, "Retries of a failed request on other deployments, with backoff")
        .unit("retries")
        .def(d::kNumRetries)
        .atLeast(0)
        .atMost(100, A::Clamp),
    Decl("litellm_settings.max_parallel_requests", T::Int,
         "Requests in flight at once on the whole gateway; 0: no limit")
        .unit("requests")
        .def(d::kMaxParallelRequests)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("litellm_settings.fallbacks", T::List, "`[{group: [other groups]}]`: tried in order when a group fails"),
    Decl("litellm_settings.context_window_fallbacks", T::List,
         "`[{group: [larger groups]}]`: for prompts too long for the group"),
    Decl("litellm_settings.default_fallbacks", T::StringList, "Fallback groups for groups without their own entry"),
    Decl("litellm_settings.allowed_fails", T::Int, "Failures within a minute that cool a deployment down")
        .unit("failures")
        .def(d::kAllowedFails)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("litellm_settings.cooldown_time", T::Number, "How long a failing deployment is skipped")
        .unit("seconds")
        .def(d::kCooldownSeconds)
        .atLeast(0),
    Decl("litellm_settings.cache", T::Bool, "The response cache for deterministic (temperature 0) requests")
        .def(d::kCacheEnabled),
    Decl("litellm_settings.cache_params", T::Map, "Where and how long responses are cached"),
    Decl("litellm_settings.cache_params.type", T::String,
         "`local` (in memory) or `redis`; other LiteLLM types (disk, s3, qdrant-semantic, redis-semantic) warn and use "
         "`local`")
        .def(QString::fromLatin1(d::kCacheType)),
    Decl("litellm_settings.cache_params.host", T::String, "The Redis host (`localhost` is read as 127.0.0.1)")
        .def(QString::fromLatin1(d::kCacheHost)),
    Decl("litellm_settings.cache_params.port", T::Int, "The Redis port").def(d::kCachePort).atLeast(1).atMost(65535),
    Decl("litellm_settings.cache_params.ttl", T::Number, "How long a cached response is served")
        .unit("seconds")
        .def(d::kCacheTtlSeconds)
        .atLeast(1, A::Clamp)
        .atMost(kIntMax, A::Clamp),
    Decl("litellm_settings.cache_params.namespace", T::String, "Prefix of the cache's Redis keys")
        .def(QString::fromLatin1(d::kCacheNamespace)),
    Decl("litellm_settings.cache_params.password", T::String, "The Redis password")
        .noEffect("has no effect: Redis AUTH is not supported yet; use a Redis on loopback without a password")
        .secret(),
    Decl("litellm_settings.cache_params.supported_call_types", T::StringList, "LiteLLM: which calls are cached")
        .noEffect("has no effect: chat requests (Anthropic and OpenAI) are cached"),
    Decl("litellm_settings.drop_params", T::Bool, "LiteLLM: drop parameters the upstream does not know")
        .noEffect(kNoDropParams),
    Decl("litellm_settings.stream", T::Bool, "LiteLLM: stream by default")
        .noEffect("has no effect: each request's own `stream` field decides"),
    Decl("litellm_settings.set_verbose", T::Bool, "LiteLLM: verbose logging")
        .noEffect("has no effect: the headless gateway logs one line per request"),
    Decl("litellm_settings.json_logs", T::Bool, "LiteLLM: logs as JSON").noEffect("has no effect"),
    Decl("litellm_settings.telemetry", T::Bool, "LiteLLM: send telemetry")
        .noEffect("has no effect: Switchboard sends no telemetry"),
    Decl("litellm_settings.modify_params", T::Bool, "LiteLLM: rewrite requests an upstream would refuse")
        .noEffect("has no effect: requests are translated exactly for each upstream"),
    Decl("litellm_settings.success_callback", T::StringList, "LiteLLM: integrations told of successes")
        .noEffect(kNoCallbacks),
    Decl("litellm_settings.failure_callback", T::StringList, "LiteLLM: integrations told of failures")
        .noEffect(kNoCallbacks),
    Decl("litellm_settings.callbacks", T::StringList, "LiteLLM: integrations told of every request")
        .noEffect(kNoCallbacks),

    Decl("router_settings", T::Map, "LiteLLM's router settings; they win over litellm_settings"),
    Decl("router_settings.model_group_alias", T::Any,
         "Other names for groups: `{alias: model_name}` or `{alias: {model: model_name, hidden: true}}`"),
    Decl("router_settings.routing_strategy", T::String,
         "How a group picks a deployment: simple-shuffle, least-busy, latency-based-routing, "
         "usage-based-routing(-v2), cost-based-routing")
        .def(QString::fromLatin1(d::kRoutingStrategy))
        .oneOf({QStringLiteral("simple-shuffle"), QStringLiteral("least-busy"), QStringLiteral("latency-based-routing"),
                QStringLiteral("usage-based-routing"), QStringLiteral("usage-based-routing-v2"),
                QStringLiteral("cost-based-routing")}),
    Decl("router_settings.routing_strategy_args", T::Map, "Arguments of the routing strategy"),
    Decl("router_settings.routing_strategy_args.lowest_latency_buffer", T::Number,
         "latency-based-routing: deployments this much slower than the fastest still share the load")
        .unit("fraction of the fastest latency")
        .def(d::kLowestLatencyBuffer)
        .atLeast(0),
    Decl("router_settings.routing_strategy_args.ttl", T::Number, "LiteLLM: how long latencies are remembered")
        .noEffect("has no effect: latency is a moving average of recent requests"),
    Decl("router_settings.default_max_parallel_requests", T::Int,
         "Requests in flight at once per deployment without its own limit; 0: no limit")
        .unit("requests")
        .def(d::kMaxParallelRequests)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("router_settings.num_retries", T::Int, "Same as litellm_settings.num_retries")
        .unit("retries")
        .def(d::kNumRetries)
        .atLeast(0)
        .atMost(100, A::Clamp),
    Decl("router_settings.allowed_fails", T::Int, "Same as litellm_settings.allowed_fails")
        .unit("failures")
        .def(d::kAllowedFails)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("router_settings.cooldown_time", T::Number, "Same as litellm_settings.cooldown_time")
        .unit("seconds")
        .def(d::kCooldownSeconds)
        .atLeast(0),
    Decl("router_settings.timeout", T::Number, "Same as litellm_settings.request_timeout (which wins)")
        .unit("seconds")
        .def(d::kRequestTimeoutSeconds)
        .above(0, A::UseDefault),
    Decl("router_settings.retry_after", T::Number, "The least wait before a retry")
        .unit("seconds")
        .def(d::kRetryAfterSeconds)
        .atLeast(0),
    Decl("router_settings.fallbacks", T::List, "Same as litellm_settings.fallbacks"),
    Decl("router_settings.context_window_fallbacks", T::List, "Same as litellm_settings.context_window_fallbacks"),
    Decl("router_settings.default_fallbacks", T::StringList, "Same as litellm_settings.default_fallbacks"),
    Decl("router_settings.enable_pre_call_checks", T::Bool, "LiteLLM: skip deployments too small for the prompt")
        .noEffect("has no effect: deployments whose context is smaller than the prompt are always skipped"),
    Decl("router_settings.max_parallel_requests", T::Int,
         "Same as litellm_settings.max_parallel_requests (and wins over it)")
        .unit("requests")
        .def(d::kMaxParallelRequests)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("router_settings.redis_host", T::String, "LiteLLM: Redis for shared routing state").noEffect(kInMemory),
    Decl("router_settings.redis_port", T::Int, "LiteLLM: Redis for shared routing state").noEffect(kInMemory),
    Decl("router_settings.redis_password", T::String, "LiteLLM: Redis for shared routing state")
        .noEffect(kInMemory)
        .secret(),

    Decl("general_settings", T::Map, "LiteLLM's proxy settings"),
    Decl("general_settings.master_key", T::String,
         "A token clients may send besides the gateway's own; write a reference (`os.environ/NAME`, …)")
        .defNote("none")
        .secret(),
    Decl("general_settings.database_url", T::String, "LiteLLM: the proxy's database")
        .noEffect("has no effect: Switchboard keeps its own spend log in its data directory"),
    Decl("general_settings.alerting", T::StringList, "LiteLLM: alert integrations").noEffect("has no effect"),
    Decl("general_settings.store_model_in_db", T::Bool, "LiteLLM: keep models in the database")
        .noEffect("has no effect: models are read from this file"),
    Decl("general_settings.global_max_parallel_requests", T::Int,
         "Same as litellm_settings.max_parallel_requests; this one wins")
        .unit("requests")
        .def(d::kMaxParallelRequests)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("general_settings.allowed_ips", T::StringList, "Client addresses and CIDR ranges let in; empty: any"),

    // Switchboard's own settings live under one key of their own.
    Decl("switchboard", T::Map, "Switchboard's own settings"),
    Decl("switchboard.host", T::String, "The address the gateway listens on").def(QString::fromLatin1(d::kHost)),
    Decl("switchboard.port", T::Int, "The port the gateway listens on; 0: any free port")
        .def(d::kPort)
        .atLeast(0)
        .atMost(65535),
    Decl("switchboard.max_body_mb", T::Number, "The largest request body accepted (larger: 413)")
        .unit("MB")
        .def(d::kMaxBodyMb)
        .above(0)
        .atMost(4096),
    Decl("switchboard.ping_interval_seconds", T::Number, "Keep-alive pings to the client while a model prefills")
        .unit("seconds")
        .def(d::kPingIntervalSeconds)
        .above(0)
        .atMost(kTimerSecondsMax, A::Clamp),
    Decl("switchboard.connect_timeout_seconds", T::Number, "Time to connect to an upstream")
        .unit("seconds")
        .def(d::kConnectTimeoutSeconds)
        .atLeast(0, A::Clamp)
        .atMost(kTimerSecondsMax, A::Clamp),
    Decl("switchboard.keepalive_timeout_seconds", T::Number, "An idle client connection closes after this")
        .unit("seconds")
        .def(d::kKeepAliveTimeoutSeconds)
        .atLeast(0.1)
        .atMost(86400),
    Decl("switchboard.body_timeout_seconds", T::Number, "A declared request body must arrive within this")
        .unit("seconds")
        .def(d::kBodyTimeoutSeconds)
        .atLeast(0.1)
        .atMost(86400),
    Decl("switchboard.first_byte_timeout_seconds", T::Number,
         "Time to the upstream's first byte; 0: off (a CPU-only model may prefill for minutes)")
        .unit("seconds")
        .def(d::kFirstByteTimeoutSeconds)
        .atLeast(0, A::Clamp),
    Decl("switchboard.stream_idle_timeout_seconds", T::Number, "Longest silence tolerated from a streaming upstream")
        .unit("seconds")
        .def(d::kStreamIdleTimeoutSeconds)
        .atLeast(0, A::Clamp),
    Decl("switchboard.usage_enabled", T::Bool, "Stats, metrics and the spend log").def(d::kUsageEnabled),
    Decl("switchboard.usage_db", T::String, "The spend log (SQLite)").defNote("`<app data>/usage.sqlite`"),
    Decl("switchboard.usage_retention_days", T::Int, "How long the spend log keeps requests; 0: forever")
        .unit("days")
        .def(d::kUsageRetentionDays)
        .atLeast(0)
        .atMost(36500),
    Decl("switchboard.pricing_file", T::String, "Your price overrides (JSON, as resources/pricing.json)")
        .defNote("built-in prices only"),
    Decl("switchboard.allow_unenforced_guardrails", T::Bool,
         "Start although the config has `guardrails`, which Switchboard does not enforce")
        .defNote("false: such a config is refused"),
    Decl("switchboard.metrics_open", T::Bool, "Serve /metrics without the token").def(d::kMetricsOpen),
    Decl("switchboard.allowed_hosts", T::StringList, "Host header values let in besides loopback; `*`: any"),
    Decl("switchboard.cache_all_requests", T::Bool, "Cache every request, not only temperature 0 ones")
        .def(d::kCacheAllRequests),
    Decl("switchboard.allowed_origins", T::StringList, "Browser Origins let in"),
    Decl("switchboard.queue_timeout_seconds", T::Number, "How long a request waits for a free deployment (then 529)")
        .unit("seconds")
        .def(d::kQueueTimeoutSeconds)
        .atLeast(0),
    Decl("switchboard.queue_size", T::Int, "Requests that may wait for a free deployment (more: 529)")
        .unit("requests")
        .def(d::kQueueSize)
        .atLeast(0)
        .atMost(kCountMax, A::Clamp),
    Decl("switchboard.session_affinity", T::Bool,
         "A Claude Code session stays on the deployment that served it while that one is healthy")
        .def(d::kSessionAffinity),
    Decl("switchboard.token_rpm", T::Int, "Requests per minute per client credential; 0: no limit")
        .unit("requests/minute")
        .def(qlonglong(d::kTokenRpm))
        .atLeast(0),
    Decl("switchboard.token_tpm", T::Int, "Tokens per minute per client credential; 0: no limit")
        .unit("tokens/minute")
        .def(qlonglong(d::kTokenTpm))
        .atLeast(0),
    Decl("switchboard.routes", T::List, "Scenario rules: the first match sends the request to its group"),
    Decl("switchboard.routes[]", T::Map, "One scenario rule"),
    Decl("switchboard.routes[].name", T::String, "Shown in the x-switchboard-route header").defNote("`route<N>`"),
    Decl("switchboard.routes[].group", T::String, "The model_name or alias that serves matching requests"),
    Decl("switchboard.routes[].when", T::Map, "Conditions; every one given must hold"),
    Decl("switchboard.routes[].when.model", T::String, "Glob over the requested model (`*` wildcards)"),
    Decl("switchboard.routes[].when.request_class", T::String, "x-claude-code-request-class, case-insensitive"),
    Decl("switchboard.routes[].when.agent", T::Bool, "A subagent request (x-claude-code-agent-id present)"),
    Decl("switchboard.routes[].when.thinking", T::Bool, "Thinking requested"),
    Decl("switchboard.routes[].when.min_tokens", T::Int, "Estimated prompt tokens at least this")
        .unit("tokens")
        .def(0)
        .atLeast(0),
    Decl("switchboard.routes[].when.has_image", T::Bool, "The request holds an image"),
};

bool inside(double value, const ConfigSchema::Bound &bound, bool isMin)
{
    if (isMin)
        return bound.exclusive ? value > bound.value : value >= bound.value;
    return bound.exclusive ? value < bound.value : value <= bound.value;
}

QString withUnit(const QString &text, const ConfigSchema::Key &key)
{
    return *key.unit ? text + QLatin1Char(' ') + QString::fromUtf8(key.unit) : text;
}

// "from 0 to 65535", "more than 0 and at most 4096", "at least 1", "not negative".
QString rangeWords(const ConfigSchema::Key &key)
{
    const auto n = [](double v) {
        return ConfigSchema::formatNumber(v);
    };
    if (key.min && key.max) {
        if (!key.min->exclusive && !key.max->exclusive)
            return QStringLiteral("from %1 to %2").arg(n(key.min->value), n(key.max->value));
        return QStringLiteral("%1 %2 and %3 %4")
            .arg(key.min->exclusive ? QStringLiteral("more than") : QStringLiteral("at least"), n(key.min->value),
                 key.max->exclusive ? QStringLiteral("less than") : QStringLiteral("at most"), n(key.max->value));
    }
    if (key.min)
        return QStringLiteral("%1 %2").arg(
            key.min->exclusive ? QStringLiteral("more than") : QStringLiteral("at least"), n(key.min->value));
    if (key.max)
        return QStringLiteral("%1 %2").arg(key.max->exclusive ? QStringLiteral("less than") : QStringLiteral("at most"),
                                           n(key.max->value));
    return {};
}

QString markdownCell(QString text)
{
    return text.replace(QLatin1Char('|'), QStringLiteral("\\|"));
}

} // namespace

bool ConfigSchema::Key::isScalar() const
{
    return type == Type::String || type == Type::Int || type == Type::Number || type == Type::Bool;
}

const std::vector<ConfigSchema::Key> &ConfigSchema::keys()
{
    return kKeys;
}

const ConfigSchema::Key *ConfigSchema::find(const QString &path)
{
    static const QHash<QString, const Key *> index = [] {
        QHash<QString, const Key *> map;
        for (const Key &key : kKeys)
            map.insert(QLatin1String(key.path), &key);
        return map;
    }();
    return index.value(path, nullptr);
}

QString ConfigSchema::schemaPath(const QString &shownPath)
{
    static const QRegularExpression index(QStringLiteral("\\[\\d+\\]"));
    QString path = shownPath;
    return path.replace(index, QStringLiteral("[]"));
}

QString ConfigSchema::typeName(Type type)
{
    switch (type) {
    case Type::String: return QStringLiteral("a string");
    case Type::Int: return QStringLiteral("an integer");
    case Type::Number: return QStringLiteral("a number");
    case Type::Bool: return QStringLiteral("true or false");
    case Type::Map: return QStringLiteral("a mapping");
    case Type::List: return QStringLiteral("a list");
    case Type::StringList: return QStringLiteral("a list of strings");
    case Type::StringMap: return QStringLiteral("a mapping of names to strings");
    case Type::Any: return QStringLiteral("any value");
    }
    return {};
}

QString ConfigSchema::formatNumber(double value)
{
    return QString::number(value, 'g', 15);
}

ConfigSchema::Checked ConfigSchema::check(const Key &key, double value)
{
    Checked result;
    result.value = value;
    const Bound *violated = nullptr;
    if (key.min && !inside(value, *key.min, true))
        violated = &*key.min;
    else if (key.max && !inside(value, *key.max, false))
        violated = &*key.max;
    if (!violated)
        return result;

    const QString given = formatNumber(value);
    const QString range = withUnit(rangeWords(key), key);
    switch (violated->action) {
    case OutOfBounds::Reject:
        result.outcome = Checked::Outcome::Rejected;
        // "cannot be negative" is the loader's long-standing wording for the common bound.
        if (violated == &*key.min && !key.min->exclusive && key.min->value == 0)
            result.message = QStringLiteral("cannot be negative, got %1").arg(given);
        else
            result.message = QStringLiteral("must be %1, got %2").arg(range, given);
        break;
    case OutOfBounds::Clamp: {
        // An exclusive bound cannot be used itself; no Clamp bound in the table is exclusive.
        result.outcome = Checked::Outcome::Clamped;
        result.value = violated->value;
        if (key.type == Type::Int)
            result.value = violated == &*key.min ? std::ceil(violated->value) : std::floor(violated->value);
        result.message = QStringLiteral("%1 is outside the allowed range (%2); using %3")
                             .arg(given, range, formatNumber(result.value));
        break;
    }
    case OutOfBounds::UseDefault:
        result.outcome = Checked::Outcome::Defaulted;
        result.value = key.defaultValue.toDouble();
        result.message = QStringLiteral("%1 is outside the allowed range (%2); using the default %3")
                             .arg(given, range, formatNumber(result.value));
        break;
    }
    return result;
}

QString ConfigSchema::rangeText(const Key &key)
{
    const QString words = rangeWords(key);
    return words.isEmpty() ? words : withUnit(words, key);
}

QString ConfigSchema::boundsText(const Key &key)
{
    const auto n = [](double v) {
        return formatNumber(v);
    };
    QString text;
    if (key.min && key.max)
        text = QStringLiteral("%1%2, %3%4")
                   .arg(key.min->exclusive ? QStringLiteral("(") : QStringLiteral("["), n(key.min->value),
                        n(key.max->value), key.max->exclusive ? QStringLiteral(")") : QStringLiteral("]"));
    else if (key.min)
        text = QStringLiteral("%1 %2").arg(key.min->exclusive ? QStringLiteral(">") : QStringLiteral("≥"),
                                           n(key.min->value));
    else if (key.max)
        text = QStringLiteral("%1 %2").arg(key.max->exclusive ? QStringLiteral("<") : QStringLiteral("≤"),
                                           n(key.max->value));
    if (text.isEmpty())
        return *key.unit ? QString::fromUtf8(key.unit) : QString();
    text = withUnit(text, key);
    QStringList beyond;
    for (const std::optional<Bound> *bound : {&key.min, &key.max}) {
        if (!*bound)
            continue;
        const QString side = bound == &key.min ? QStringLiteral("below") : QStringLiteral("above");
        if ((*bound)->action == OutOfBounds::Clamp)
            beyond.append(side + QStringLiteral(": clamped"));
        else if ((*bound)->action == OutOfBounds::UseDefault)
            beyond.append(side + QStringLiteral(": the default"));
    }
    if (beyond.size() == 2 && beyond[0].mid(6) == beyond[1].mid(6))
        beyond = QStringList{QStringLiteral("outside:") + beyond[0].mid(6)};
    if (!beyond.isEmpty())
        text += QStringLiteral(" (") + beyond.join(QStringLiteral(", ")) + QLatin1Char(')');
    return text;
}

QString ConfigSchema::defaultText(const Key &key)
{
    if (*key.defaultNote)
        return QString::fromUtf8(key.defaultNote);
    const QVariant &value = key.defaultValue;
    if (!value.isValid())
        return {};
    switch (key.type) {
    case Type::Bool: return value.toBool() ? QStringLiteral("`true`") : QStringLiteral("`false`");
    case Type::Int:
    case Type::Number: return QLatin1Char('`') + formatNumber(value.toDouble()) + QLatin1Char('`');
    default: return QLatin1Char('`') + value.toString() + QLatin1Char('`');
    }
}

QString ConfigSchema::markdownReference()
{
    static const auto typeWord = [](Type type) {
        switch (type) {
        case Type::String: return QStringLiteral("string");
        case Type::Int: return QStringLiteral("integer");
        case Type::Number: return QStringLiteral("number");
        case Type::Bool: return QStringLiteral("bool");
        case Type::Map: return QStringLiteral("mapping");
        case Type::List: return QStringLiteral("list");
        case Type::StringList: return QStringLiteral("list of strings");
        case Type::StringMap: return QStringLiteral("mapping of strings");
        case Type::Any: return QStringLiteral("any");
        }
        return QString();
    };
    QString out;
    out += QStringLiteral("| key | type | default | bounds | status | description |\n");
    out += QStringLiteral("|---|---|---|---|---|---|\n");
    for (const Key &key : kKeys) {
        QString status;
        switch (key.status) {
        case Status::Active: status = QStringLiteral("active"); break;
        case Status::NotActiveYet: status = QStringLiteral("not active yet"); break;
        case Status::NoEffect: status = QStringLiteral("no effect"); break;
        }
        QString description = QString::fromUtf8(key.description);
        if (*key.note) {
            QString note = QString::fromUtf8(key.note);
            note.remove(QRegularExpression(QStringLiteral("^has no effect:? ?")));
            if (!note.isEmpty())
                description += QStringLiteral(" — ") + note;
        }
        out += QStringLiteral("| `%1` | %2 | %3 | %4 | %5 | %6 |\n")
                   .arg(QLatin1String(key.path), typeWord(key.type), markdownCell(defaultText(key)),
                        markdownCell(boundsText(key)), status, markdownCell(description));
    }
    return out;
}

} // namespace sb
