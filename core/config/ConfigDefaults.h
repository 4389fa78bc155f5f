#pragma once

// The default of every configuration key that has one, in the key's own unit. ConfigSchema
// declares each key with these values, and the settings structs (GatewayConfig,
// RouterSettings, CacheSettings, ExchangeSettings, UsageSettings) initialise their fields
// from them, so a default is written once; ConfigSchemaTest checks that both agree.
// LiteLLM's own defaults where LiteLLM has the setting.
namespace sb::defaults {

// switchboard:
constexpr const char *kHost = "127.0.0.1";
constexpr int kPort = 4000;
constexpr double kMaxBodyMb = 32;
constexpr double kPingIntervalSeconds = 10;
constexpr double kConnectTimeoutSeconds = 5;
constexpr double kKeepAliveTimeoutSeconds = 120;
constexpr double kBodyTimeoutSeconds = 60;
constexpr double kFirstByteTimeoutSeconds = 0; // 0: the total timeout bounds it
constexpr double kStreamIdleTimeoutSeconds = 300;
constexpr bool kUsageEnabled = true;
constexpr int kUsageRetentionDays = 90; // 0 keeps everything
constexpr bool kMetricsOpen = false;
constexpr bool kCacheAllRequests = false;
constexpr double kQueueTimeoutSeconds = 30;
constexpr int kQueueSize = 256;
constexpr bool kSessionAffinity = true;
constexpr long long kTokenRpm = 0; // 0: no limit
constexpr long long kTokenTpm = 0;

// litellm_settings: / router_settings: / general_settings:
constexpr double kRequestTimeoutSeconds = 600;
constexpr int kNumRetries = 2;         // LiteLLM's DEFAULT_MAX_RETRIES
constexpr int kAllowedFails = 3;       // LiteLLM's DEFAULT_ALLOWED_FAILS
constexpr double kCooldownSeconds = 5; // LiteLLM's DEFAULT_COOLDOWN_TIME_SECONDS
constexpr double kRetryAfterSeconds = 0;
constexpr int kMaxParallelRequests = 0; // 0: no limit
constexpr const char *kRoutingStrategy = "simple-shuffle";
constexpr double kLowestLatencyBuffer = 0.05;

// litellm_settings.cache / cache_params
constexpr bool kCacheEnabled = false;
constexpr const char *kCacheType = "local";
constexpr const char *kCacheHost = "127.0.0.1";
constexpr int kCachePort = 6379;
constexpr double kCacheTtlSeconds = 600;
constexpr const char *kCacheNamespace = "switchboard";

// model_list[].litellm_params: 0 means "not set" for each of these.
constexpr int kDeploymentMaxTokens = 0;
constexpr double kDeploymentTimeoutSeconds = 0;
constexpr long long kDeploymentRpm = 0;
constexpr long long kDeploymentTpm = 0;
constexpr double kDeploymentWeight = 0;
constexpr int kDeploymentOrder = 0;
constexpr int kDeploymentMaxParallelRequests = 0;
// What Switchboard asks Ollama for when a deployment sets no num_ctx (Ollama's own default,
// 4096 below 24 GiB of VRAM, truncates Claude Code's prompts).
constexpr int kOllamaContextTokens = 32768;

} // namespace sb::defaults
