#pragma once

#include "config/GatewayConfig.h"

#include <QString>

#include <vector>

namespace sb {

// What the usage tap needs from the config, resolved.
struct UsageSettings
{
    QString spendLogPath;                              // empty: no spend log (stats and metrics only)
    int retentionDays = defaults::kUsageRetentionDays; // 0: keep everything
    QString pricingFile;                               // the user's price overrides; empty: built-in prices only
    std::vector<Deployment> deployments;
    int snapshotIntervalMs = 250; // at most 4 snapshots a second
    int spendLogBatchSize = 512;  // records handed to the storage thread at once…
    int spendLogFlushMs = 250;    // …or after this long, whichever comes first
    int recentCapacity = 1000;    // records kept in memory for GET /logs

    // The spend log at switchboard.usage_db, else defaultSpendLogPath().
    static UsageSettings fromConfig(const GatewayConfig &config);
    // <QStandardPaths::AppDataLocation>/usage.sqlite
    static QString defaultSpendLogPath();
};

} // namespace sb
