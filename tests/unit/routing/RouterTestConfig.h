#pragma once

#include "config/GatewayConfig.h"

#include <QString>

namespace sb::test {

// A deployment of `group` at a made-up remote address; tests adjust the fields they need.
Deployment deployment(const QString &id, const QString &group);
// A config holding `deployments`, strategy and the rest at their defaults.
GatewayConfig routerConfig(std::vector<Deployment> deployments,
                           const QString &strategy = QStringLiteral("simple-shuffle"));

} // namespace sb::test
