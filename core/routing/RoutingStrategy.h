#pragma once

#include <QString>

#include <optional>

namespace sb {

// LiteLLM's routing strategies, as router_settings.routing_strategy names them.
enum class RoutingStrategy {
    SimpleShuffle, // "simple-shuffle": weighted random by weight, else rpm, else tpm
    LeastBusy,     // "least-busy": fewest requests in flight
    LatencyBased,  // "latency-based-routing": lowest recent time to first token
    UsageBased,    // "usage-based-routing(-v2)": lowest tokens used this minute
    CostBased      // "cost-based-routing": cheapest input + output price
};

std::optional<RoutingStrategy> routingStrategyFromName(const QString &name);
QString routingStrategyName(RoutingStrategy strategy);

} // namespace sb
