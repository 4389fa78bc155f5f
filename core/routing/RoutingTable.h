#pragma once

#include "config/GatewayConfig.h"

namespace sb {

// Maps the model name a client asks for to the deployments that may serve it:
// an exact model_name first, then a router alias, then the most specific wildcard
// pattern (the one with the most literal characters; ties go to the earlier entry).
class RoutingTable final
{
public:
    explicit RoutingTable(const GatewayConfig &config);

    // The deployments of the group that serves `model`, in config order; empty if none.
    std::vector<const Deployment *> candidates(const QString &model) const;
    // The group name `model` resolves to, or an empty string.
    QString groupFor(const QString &model) const;

    static bool wildcardMatches(const QString &pattern, const QString &name);

private:
    std::vector<Deployment> m_deployments;
    QHash<QString, QString> m_aliases;
};

} // namespace sb
