#pragma once

#include "CostCalculator.h"
#include "LiveStats.h"
#include "PackedUsage.h"
#include "PrometheusMetrics.h"
#include "UsageRecord.h"
#include "UsageSettings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <memory>

namespace sb {

class SpendLogWriter;

// The usage room's one object for the gateway. Lives on the gateway thread; every call is
// cheap and in-thread (price, counters, rolling stats), and finished records go on to the
// storage thread by value. Subscribers on other threads get `snapshot` values through
// queued connections, at most once per snapshotIntervalMs.
//
//   m_usage = new UsageTap(UsageSettings::fromConfig(config), this);
//   m_usage->requestStarted(record.requestId, deployment.id);   // when a request goes upstream
//   m_usage->requestFinished(record);                            // for every finished request
//   GET /metrics → m_usage->metricsText(), /stats → statsJson(), /logs → recentJson(limit)
class UsageTap final : public QObject
{
    Q_OBJECT
public:
    explicit UsageTap(const UsageSettings &settings, QObject *parent = nullptr);
    ~UsageTap() override;

    // Problems met while starting (a bad pricing file, a spend log that cannot be opened).
    QStringList warnings() const { return m_warnings; }
    // A reloaded config: new per-deployment prices and the user's price file. The spend log
    // keeps its file.
    void applySettings(const UsageSettings &settings);

    void requestStarted(const QString &requestId, const QString &deployment);
    void requestFinished(const RequestRecord &record);

    QByteArray metricsText() const;
    static QByteArray metricsContentType();
    QJsonObject statsJson() const;
    StatsSnapshot currentSnapshot() const;
    // The last `limit` finished requests, newest first (from memory, up to recentCapacity).
    QJsonArray recentJson(int limit) const;

    // For routing and the response cache (filled by their owners).
    void setDeploymentHealth(const QString &deployment, bool healthy);
    void setDeploymentCooldown(const QString &deployment, double remainingSeconds);
    void countCacheHit(const QString &modelGroup);
    void countCacheMiss(const QString &modelGroup);

    // Hands the records collected so far to the storage thread; with `wait`, returns once
    // they are committed.
    void flushSpendLog(bool wait);
    bool hasSpendLog() const { return m_spendLog != nullptr; }

Q_SIGNALS:
    void snapshot(const sb::StatsSnapshot &snapshot);
    void recorded(const sb::UsageRecord &record);
    void spendLogFailed(const QString &error);

private:
    void tick();
    qint64 nowMs() const;

    UsageSettings m_settings;
    std::unique_ptr<CostCalculator> m_costs;
    LiveStats m_stats;
    PrometheusMetrics m_metrics;
    SpendLogWriter *m_spendLog = nullptr; // child
    QHash<QString, QString> m_started;    // request id → deployment, while in flight
    UsageRing m_recent;                   // for GET /logs
    QTimer m_snapshotTimer;
    bool m_dirty = false;
    int m_ticksSinceSnapshot = 0;
    qint64 m_lastActivityMs = 0;
    QStringList m_warnings;
};

} // namespace sb
