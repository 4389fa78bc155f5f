#include "RoutingStrategy.h"

namespace sb {

std::optional<RoutingStrategy> routingStrategyFromName(const QString &name)
{
    if (name == QLatin1String("simple-shuffle"))
        return RoutingStrategy::SimpleShuffle;
    if (name == QLatin1String("least-busy"))
        return RoutingStrategy::LeastBusy;
    if (name == QLatin1String("latency-based-routing"))
        return RoutingStrategy::LatencyBased;
    if (name == QLatin1String("usage-based-routing") || name == QLatin1String("usage-based-routing-v2"))
        return RoutingStrategy::UsageBased;
    if (name == QLatin1String("cost-based-routing") || name == QLatin1String("cost-based"))
        return RoutingStrategy::CostBased;
    return std::nullopt;
}

QString routingStrategyName(RoutingStrategy strategy)
{
    switch (strategy) {
    case RoutingStrategy::SimpleShuffle: return QStringLiteral("simple-shuffle");
    case RoutingStrategy::LeastBusy: return QStringLiteral("least-busy");
    case RoutingStrategy::LatencyBased: return QStringLiteral("latency-based-routing");
    case RoutingStrategy::UsageBased: return QStringLiteral("usage-based-routing-v2");
    case RoutingStrategy::CostBased: return QStringLiteral("cost-based-routing");
    }
    return {};
}

} // namespace sb
