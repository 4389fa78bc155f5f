#pragma once

#include "UsageRecord.h"

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QString>

#include <vector>

namespace sb {

// The gateway's metrics in the Prometheus text exposition format (version 0.0.4), all
// under the switchboard_ prefix. Single-threaded: it lives where the requests finish.
class PrometheusMetrics final
{
public:
    PrometheusMetrics();
    // Not copyable: m_lastSeries points into this object's own map.
    PrometheusMetrics(const PrometheusMetrics &) = delete;
    PrometheusMetrics &operator=(const PrometheusMetrics &) = delete;

    void observe(const UsageRecord &usage);
    void setInFlight(const QString &deployment, int requests);
    // For routing: whether a deployment is taken as healthy, and how long its cooldown still
    // runs (0: none).
    void setDeploymentHealth(const QString &deployment, bool healthy);
    void setDeploymentCooldown(const QString &deployment, double remainingSeconds);
    // For the response cache.
    void countCacheHit(const QString &modelGroup);
    void countCacheMiss(const QString &modelGroup);

    QByteArray text() const;
    static QByteArray contentType(); // text/plain; version=0.0.4; charset=utf-8

private:
    struct Histogram
    {
        const std::vector<double> *bounds = nullptr;
        std::vector<quint64> counts; // per bound, not cumulative; the last is +Inf
        double sum = 0;
        quint64 count = 0;

        void observe(double value);
    };
    struct Series // one (model group, deployment) pair
    {
        QString modelGroup;
        QString deployment;
        QMap<int, quint64> requestsByStatus;
        quint64 inputTokens = 0;
        quint64 outputTokens = 0;
        quint64 cacheReadTokens = 0;
        quint64 cacheWriteTokens = 0;
        double spendUsd = 0;
        double claudeListUsd = 0;
        Histogram duration;
        Histogram firstToken;
        Histogram outputSpeed;
    };

    Series &seriesFor(const QString &modelGroup, const QString &deployment);

    QMap<QString, Series> m_series; // key: group + '\x1f' + deployment; ordered output
    Series *m_lastSeries = nullptr; // the last one used: most records repeat it (QMap nodes stay put)
    QMap<QString, int> m_inFlight;
    QMap<QString, bool> m_healthy;
    QMap<QString, double> m_cooldown;
    QMap<QString, quint64> m_cacheHits;
    QMap<QString, quint64> m_cacheMisses;
};

} // namespace sb
