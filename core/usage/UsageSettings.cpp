#include "UsageSettings.h"

#include <QStandardPaths>

namespace sb {

UsageSettings UsageSettings::fromConfig(const GatewayConfig &config)
{
    UsageSettings settings;
    settings.spendLogPath = config.usageDbPath.isEmpty() ? defaultSpendLogPath() : config.usageDbPath;
    settings.retentionDays = config.usageRetentionDays;
    settings.pricingFile = config.pricingFile;
    settings.deployments = config.deployments;
    return settings;
}

QString UsageSettings::defaultSpendLogPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/usage.sqlite");
}

} // namespace sb
