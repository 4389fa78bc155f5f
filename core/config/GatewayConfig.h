#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "ConfigDefaults.h"

#include <optional>
#include <vector>

namespace sb {

// The kind of upstream a deployment talks to, chosen by the provider prefix of
// litellm_params.model as LiteLLM does.
enum class Provider { Ollama, OpenAiCompatible, Anthropic };

QString providerName(Provider provider);

// What Switchboard asks Ollama for when a deployment sets no num_ctx (Ollama's own default,
// 4096 below 24 GiB of VRAM, truncates Claude Code's prompts).
constexpr int kDefaultOllamaContext = defaults::kOllamaContextTokens;

// One entry of model_list: a client-facing name (or wildcard pattern) served by one
// upstream model.
struct Deployment
{
    QString id;        // model_info.id, else "<model>@<host:port>" ("#2"… when taken)
    QString modelName; // the client-facing name; may contain '*' wildcards
    QString model;     // litellm_params.model as written, e.g. "ollama/qwen2.5:7b"
    Provider provider = Provider::Ollama;
    QString upstreamModel; // the name after the provider prefix
    QUrl apiBase;          // never empty after loading (provider defaults applied)
    QString apiKey;        // resolved; never logged
    // azure/: Azure OpenAI's api-version. Set only for Azure, whose URL scheme
    // ({api_base}/openai/deployments/{model}/chat/completions?api-version=…) and `api-key`
    // header the OpenAI-compatible adapter then uses.
    QString azureApiVersion;
    // The prompt tokens the deployment takes: num_ctx, else model_info.max_input_tokens; for
    // Ollama, which truncates silently, kDefaultOllamaContext (sent as options.num_ctx) when
    // neither is set. 0: not known; the upstream enforces its own limit and says so.
    int contextLength = 0;
    QString keepAlive; // Ollama keep_alive
    // model_info.fold_system_messages: role:system entries inside `messages` go into the adjacent
    // user turn (OpenAI-compatible and Ollama upstreams; many chat templates refuse them).
    bool foldSystemMessages = true;
    int maxOutputTokens = defaults::kDeploymentMaxTokens;        // caps max_tokens sent upstream (0: no cap)
    double timeoutSeconds = defaults::kDeploymentTimeoutSeconds; // total; 0: the global request_timeout
    double streamTimeoutSeconds = 0;                             // idle gap between stream bytes; 0: the global one
    // Prices set in the config (USD); -1: not set, the pricing table (or 0 for a local model) applies.
    double inputCostPerToken = -1;
    double outputCostPerToken = -1;
    double inputCostPerSecond = -1; // GPU time: charged per second of request duration
    // Routing (LiteLLM's litellm_params names). 0: not set.
    qint64 rpm = defaults::kDeploymentRpm;       // requests per minute this deployment accepts
    qint64 tpm = defaults::kDeploymentTpm;       // tokens per minute
    double weight = defaults::kDeploymentWeight; // simple-shuffle weight
    int order = defaults::kDeploymentOrder;      // lower order is tried first; 0: after every explicit order
    int maxParallelRequests =
        defaults::kDeploymentMaxParallelRequests; // in flight at once; 0: router_settings.default_max_parallel_requests
    int line = 0;                                 // where it was declared (1-based)

    bool isWildcard() const { return modelName.contains(QLatin1Char('*')); }
    // The model sent upstream for a request naming `requested`: as LiteLLM does, each `*` of
    // litellm_params.model takes, in order, the text a `*` of model_name matched (`model_name: "*"`
    // with `model: openai/*` sends the requested name). Without a `*` in model: upstreamModel.
    QString upstreamModelFor(const QString &requested) const;
    // "Ollama at 127.0.0.1:11434", for messages.
    QString upstreamLabel() const;
};

// One of switchboard.routes: a request matching every condition given goes to `group`.
struct ScenarioRule
{
    QString name;
    QString group;
    QString model;                // glob over the requested model ('*' wildcards); empty: any
    QString requestClass;         // x-claude-code-request-class, case-insensitive; empty: any
    std::optional<bool> agent;    // a subagent request (x-claude-code-agent-id present)
    std::optional<bool> thinking; // thinking requested
    std::optional<bool> hasImage;
    qint64 minTokens = 0; // estimated prompt tokens at least this; 0: any
    int line = 0;
};

// Routing, retries, fallbacks, cooldowns and limits. LiteLLM's names and defaults where
// LiteLLM has the setting (router_settings / litellm_settings / general_settings);
// Switchboard's own under `switchboard:`.
struct RouterSettings
{
    QString routingStrategy = QLatin1String(defaults::kRoutingStrategy); // normalised LiteLLM name
    double lowestLatencyBuffer = defaults::kLowestLatencyBuffer;         // routing_strategy_args.lowest_latency_buffer
    int numRetries = defaults::kNumRetries;                              // LiteLLM's DEFAULT_MAX_RETRIES
    int allowedFails = defaults::kAllowedFails;          // LiteLLM's DEFAULT_ALLOWED_FAILS: more within a minute cools
    double cooldownSeconds = defaults::kCooldownSeconds; // LiteLLM's DEFAULT_COOLDOWN_TIME_SECONDS
    double retryAfterSeconds = defaults::kRetryAfterSeconds; // router_settings.retry_after: least wait before a retry
    QHash<QString, QStringList> fallbacks;                   // group → groups, tried in order
    QHash<QString, QStringList> contextWindowFallbacks;      // group → larger-context groups
    QStringList defaultFallbacks;                            // for groups without their own entry
    int globalMaxParallelRequests = defaults::kMaxParallelRequests;  // whole gateway; 0: no limit
    int defaultMaxParallelRequests = defaults::kMaxParallelRequests; // per deployment without its own; 0: no limit
    double queueTimeoutSeconds = defaults::kQueueTimeoutSeconds;     // switchboard.queue_timeout_seconds
    int queueSize = defaults::kQueueSize;                            // switchboard.queue_size
    bool sessionAffinity = defaults::kSessionAffinity;               // switchboard.session_affinity
    qint64 tokenRpm = defaults::kTokenRpm; // switchboard.token_rpm: per credential; 0: no limit
    qint64 tokenTpm = defaults::kTokenTpm; // switchboard.token_tpm
    std::vector<ScenarioRule> routes;      // switchboard.routes, first match wins
};

// litellm_settings.cache / cache_params, and Switchboard's opt-in for non-deterministic requests.
struct CacheSettings
{
    bool enabled = defaults::kCacheEnabled;
    bool redis = false; // cache_params.type: local (defaults::kCacheType) | redis
    QString host = QLatin1String(defaults::kCacheHost);
    int port = defaults::kCachePort;
    int ttlSeconds = int(defaults::kCacheTtlSeconds);                // cache_params.ttl
    QString keyNamespace = QLatin1String(defaults::kCacheNamespace); // cache_params.namespace
    bool allRequests = defaults::kCacheAllRequests; // switchboard.cache_all_requests: not only temperature 0
};

// Everything the gateway needs, resolved and validated.
struct GatewayConfig
{
    std::vector<Deployment> deployments;
    QHash<QString, QString> groupAliases; // router_settings.model_group_alias: alias → model_name
    // model_names whose every deployment was skipped (a provider Switchboard cannot serve) → why,
    // for the answer to a request naming one.
    QHash<QString, QString> skippedModels;
    QString host = QLatin1String(defaults::kHost);
    quint16 port = defaults::kPort;
    QString masterKey; // general_settings.master_key, resolved
    qint64 maxBodyBytes = qint64(defaults::kMaxBodyMb * 1024 * 1024);
    int pingIntervalMs = int(defaults::kPingIntervalSeconds * 1000);
    int keepAliveTimeoutMs = int(defaults::kKeepAliveTimeoutSeconds *
                                 1000); // switchboard.keepalive_timeout_seconds: an idle client connection closes
    int bodyTimeoutMs = int(defaults::kBodyTimeoutSeconds *
                            1000); // switchboard.body_timeout_seconds: a declared body must arrive within it
    double requestTimeoutSeconds = defaults::kRequestTimeoutSeconds; // litellm_settings.request_timeout
    double streamIdleTimeoutSeconds =
        defaults::kStreamIdleTimeoutSeconds; // longest silence tolerated from a streaming upstream
    int connectTimeoutMs = int(defaults::kConnectTimeoutSeconds * 1000);
    double firstByteTimeoutSeconds =
        defaults::kFirstByteTimeoutSeconds;      // switchboard.first_byte_timeout_seconds; 0: the total bounds it
    bool usageEnabled = defaults::kUsageEnabled; // switchboard.usage_enabled: stats, metrics and spend log
    QString usageDbPath;                         // switchboard.usage_db; empty: <app data>/usage.sqlite
    int usageRetentionDays = defaults::kUsageRetentionDays; // switchboard.usage_retention_days; 0 keeps everything
    QString pricingFile;                                    // switchboard.pricing_file: the user's price overrides
    QStringList allowedIps;                    // general_settings.allowed_ips: addresses and CIDRs; empty: any
    QStringList allowedHosts;                  // switchboard.allowed_hosts: Host values besides loopback; "*": any
    QStringList allowedOrigins;                // switchboard.allowed_origins: browser Origins let through
    bool metricsOpen = defaults::kMetricsOpen; // switchboard.metrics_open: /metrics without the token
    RouterSettings router;
    CacheSettings cache;

    QStringList modelNames() const; // every configured model_name, in order, without duplicates
    // Why `model` is not served when it names (or a wildcard of it matches) a skipped
    // model_name; empty otherwise.
    QString skippedReason(const QString &model) const;
};

struct ConfigIssue
{
    enum class Severity { Warning, Error };
    Severity severity = Severity::Warning;
    QString file;
    int line = 0; // 1-based; 0 when unknown
    QString key;  // dotted path, e.g. "model_list[2].litellm_params.rpm"
    QString message;

    QString toString() const; // "config.yaml:12: model_list[0].rpm: expected an integer"
};

struct ConfigLoadResult
{
    GatewayConfig config;
    QList<ConfigIssue> issues;

    bool ok() const; // no errors (warnings allowed)
    QStringList errors() const;
    QStringList warnings() const;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::ConfigLoadResult)
