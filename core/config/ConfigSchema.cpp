#include "ConfigSchema.h"

#include <QHash>

namespace sb {

namespace {
using T = ConfigSchema::Type;
using S = ConfigSchema::Status;

const std::vector<ConfigSchema::Key> kKeys = {
    {"model_list", T::List, S::Active, ""},
    {"model_list[]", T::Map, S::Active, ""},
    {"model_list[].model_name", T::String, S::Active, ""},
    {"model_list[].litellm_params", T::Map, S::Active, ""},
    {"model_list[].litellm_params.model", T::String, S::Active, ""},
    {"model_list[].litellm_params.api_base", T::String, S::Active, ""},
    {"model_list[].litellm_params.api_key", T::String, S::Active, ""},
    {"model_list[].litellm_params.num_ctx", T::Int, S::Active, ""},
    {"model_list[].litellm_params.keep_alive", T::String, S::Active, ""},
    {"model_list[].litellm_params.max_tokens", T::Int, S::Active, ""},
    {"model_list[].litellm_params.timeout", T::Number, S::Active, ""},
    {"model_list[].litellm_params.stream_timeout", T::Number, S::Active, ""},
    {"model_list[].litellm_params.rpm", T::Int, S::Active, ""},
    {"model_list[].litellm_params.tpm", T::Int, S::Active, ""},
    {"model_list[].litellm_params.weight", T::Number, S::Active, ""},
    {"model_list[].litellm_params.order", T::Int, S::Active, ""},
    {"model_list[].litellm_params.max_parallel_requests", T::Int, S::Active, ""},
    {"model_list[].litellm_params.input_cost_per_token", T::Number, S::Active, ""},
    {"model_list[].litellm_params.output_cost_per_token", T::Number, S::Active, ""},
    {"model_list[].litellm_params.input_cost_per_second", T::Number, S::Active, ""},
    {"model_list[].litellm_params.temperature", T::Number, S::NoEffect,
     "has no effect: the client's own sampling settings are sent"},
    {"model_list[].litellm_params.drop_params", T::Bool, S::NoEffect,
     "has no effect: fields an upstream does not know are always converted or dropped"},
    {"model_list[].model_info", T::Map, S::Active, ""},
    {"model_list[].model_info.id", T::String, S::Active, ""},
    {"model_list[].model_info.max_input_tokens", T::Int, S::Active, ""},
    {"model_list[].model_info.max_output_tokens", T::Int, S::Active, ""},
    {"model_list[].model_info.max_tokens", T::Int, S::Active, ""},
    {"model_list[].model_info.mode", T::String, S::NoEffect, "has no effect: every deployment serves chat"},
    {"model_list[].model_info.supports_function_calling", T::Bool, S::NoEffect,
     "has no effect: tools are always forwarded"},
    {"model_list[].model_info.supports_vision", T::Bool, S::NoEffect, "has no effect: images are always forwarded"},

    {"litellm_settings", T::Map, S::Active, ""},
    {"litellm_settings.request_timeout", T::Number, S::Active, ""},
    {"litellm_settings.num_retries", T::Int, S::Active, ""},
    {"litellm_settings.max_parallel_requests", T::Int, S::Active, ""},
    {"litellm_settings.fallbacks", T::List, S::Active, ""},
    {"litellm_settings.context_window_fallbacks", T::List, S::Active, ""},
    {"litellm_settings.default_fallbacks", T::StringList, S::Active, ""},
    {"litellm_settings.allowed_fails", T::Int, S::Active, ""},
    {"litellm_settings.cooldown_time", T::Number, S::Active, ""},
    {"litellm_settings.cache", T::Bool, S::Active, ""},
    {"litellm_settings.cache_params", T::Map, S::Active, ""},
    {"litellm_settings.cache_params.type", T::String, S::Active, ""},
    {"litellm_settings.cache_params.host", T::String, S::Active, ""},
    {"litellm_settings.cache_params.port", T::Int, S::Active, ""},
    {"litellm_settings.cache_params.ttl", T::Number, S::Active, ""},
    {"litellm_settings.cache_params.namespace", T::String, S::Active, ""},
    {"litellm_settings.cache_params.password", T::String, S::NoEffect,
     "has no effect: Redis AUTH is not supported yet; use a Redis on loopback without a password"},
    {"litellm_settings.cache_params.supported_call_types", T::StringList, S::NoEffect,
     "has no effect: chat requests (Anthropic and OpenAI) are cached"},
    {"litellm_settings.drop_params", T::Bool, S::NoEffect,
     "has no effect: fields an upstream does not know are always converted or dropped"},
    {"litellm_settings.stream", T::Bool, S::NoEffect, "has no effect: each request's own `stream` field decides"},
    {"litellm_settings.set_verbose", T::Bool, S::NoEffect,
     "has no effect: the headless gateway logs one line per request"},
    {"litellm_settings.json_logs", T::Bool, S::NoEffect, "has no effect"},
    {"litellm_settings.telemetry", T::Bool, S::NoEffect, "has no effect: Switchboard sends no telemetry"},
    {"litellm_settings.modify_params", T::Bool, S::NoEffect,
     "has no effect: requests are translated exactly for each upstream"},
    {"litellm_settings.success_callback", T::StringList, S::NoEffect,
     "has no effect: Switchboard has no callback integrations; it records every request itself"},
    {"litellm_settings.failure_callback", T::StringList, S::NoEffect,
     "has no effect: Switchboard has no callback integrations; it records every request itself"},
    {"litellm_settings.callbacks", T::StringList, S::NoEffect,
     "has no effect: Switchboard has no callback integrations; it records every request itself"},

    {"router_settings", T::Map, S::Active, ""},
    {"router_settings.model_group_alias", T::StringMap, S::Active, ""},
    {"router_settings.routing_strategy", T::String, S::Active, ""},
    {"router_settings.routing_strategy_args", T::Map, S::Active, ""},
    {"router_settings.routing_strategy_args.lowest_latency_buffer", T::Number, S::Active, ""},
    {"router_settings.routing_strategy_args.ttl", T::Number, S::NoEffect,
     "has no effect: latency is a moving average of recent requests"},
    {"router_settings.default_max_parallel_requests", T::Int, S::Active, ""},
    {"router_settings.num_retries", T::Int, S::Active, ""},
    {"router_settings.allowed_fails", T::Int, S::Active, ""},
    {"router_settings.cooldown_time", T::Number, S::Active, ""},
    {"router_settings.timeout", T::Number, S::Active, ""},
    {"router_settings.retry_after", T::Number, S::Active, ""},
    {"router_settings.fallbacks", T::List, S::Active, ""},
    {"router_settings.context_window_fallbacks", T::List, S::Active, ""},
    {"router_settings.default_fallbacks", T::StringList, S::Active, ""},
    {"router_settings.enable_pre_call_checks", T::Bool, S::NoEffect,
     "has no effect: deployments whose context is smaller than the prompt are always skipped"},
    {"router_settings.max_parallel_requests", T::Int, S::Active, ""},
    {"router_settings.redis_host", T::String, S::NoEffect, "has no effect: routing state is kept in memory"},
    {"router_settings.redis_port", T::Int, S::NoEffect, "has no effect: routing state is kept in memory"},
    {"router_settings.redis_password", T::String, S::NoEffect, "has no effect: routing state is kept in memory"},

    {"general_settings", T::Map, S::Active, ""},
    {"general_settings.master_key", T::String, S::Active, ""},
    {"general_settings.database_url", T::String, S::NoEffect,
     "has no effect: Switchboard keeps its own spend log in its data directory"},
    {"general_settings.alerting", T::StringList, S::NoEffect, "has no effect"},
    {"general_settings.store_model_in_db", T::Bool, S::NoEffect, "has no effect: models are read from this file"},
    {"general_settings.global_max_parallel_requests", T::Int, S::Active, ""},
    {"general_settings.allowed_ips", T::StringList, S::Active, ""},

    // Switchboard's own settings live under one key of their own.
    {"switchboard", T::Map, S::Active, ""},
    {"switchboard.host", T::String, S::Active, ""},
    {"switchboard.port", T::Int, S::Active, ""},
    {"switchboard.max_body_mb", T::Number, S::Active, ""},
    {"switchboard.ping_interval_seconds", T::Number, S::Active, ""},
    {"switchboard.connect_timeout_seconds", T::Number, S::Active, ""},
    {"switchboard.keepalive_timeout_seconds", T::Number, S::Active, ""},
    {"switchboard.body_timeout_seconds", T::Number, S::Active, ""},
    {"switchboard.first_byte_timeout_seconds", T::Number, S::Active, ""},
    {"switchboard.stream_idle_timeout_seconds", T::Number, S::Active, ""},
    {"switchboard.usage_enabled", T::Bool, S::Active, ""},
    {"switchboard.usage_db", T::String, S::Active, ""},
    {"switchboard.usage_retention_days", T::Int, S::Active, ""},
    {"switchboard.pricing_file", T::String, S::Active, ""},
    {"switchboard.metrics_open", T::Bool, S::Active, ""},
    {"switchboard.allowed_hosts", T::StringList, S::Active, ""},
    {"switchboard.cache_all_requests", T::Bool, S::Active, ""},
    {"switchboard.allowed_origins", T::StringList, S::Active, ""},
    {"switchboard.queue_timeout_seconds", T::Number, S::Active, ""},
    {"switchboard.queue_size", T::Int, S::Active, ""},
    {"switchboard.session_affinity", T::Bool, S::Active, ""},
    {"switchboard.token_rpm", T::Int, S::Active, ""},
    {"switchboard.token_tpm", T::Int, S::Active, ""},
    {"switchboard.routes", T::List, S::Active, ""},
    {"switchboard.routes[]", T::Map, S::Active, ""},
    {"switchboard.routes[].name", T::String, S::Active, ""},
    {"switchboard.routes[].group", T::String, S::Active, ""},
    {"switchboard.routes[].when", T::Map, S::Active, ""},
    {"switchboard.routes[].when.model", T::String, S::Active, ""},
    {"switchboard.routes[].when.request_class", T::String, S::Active, ""},
    {"switchboard.routes[].when.agent", T::Bool, S::Active, ""},
    {"switchboard.routes[].when.thinking", T::Bool, S::Active, ""},
    {"switchboard.routes[].when.min_tokens", T::Int, S::Active, ""},
    {"switchboard.routes[].when.has_image", T::Bool, S::Active, ""},
};
} // namespace

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

} // namespace sb
