#include "UsageTap.h"

#include "SpendLogWriter.h"

#include <QDateTime>

namespace sb {

namespace {
constexpr qint64 kHourMs = 3600 * 1000;
} // namespace

UsageTap::UsageTap(const UsageSettings &settings, QObject *parent)
    : QObject(parent), m_settings(settings), m_stats(QDateTime::currentMSecsSinceEpoch()),
      m_recent(settings.recentCapacity)
{
    qRegisterMetaType<sb::StatsSnapshot>();
    qRegisterMetaType<sb::UsageRecord>();
    applySettings(settings);
    for (const Deployment &deployment : settings.deployments)
        m_metrics.setInFlight(deployment.id, 0);

    if (!settings.spendLogPath.isEmpty()) {
        m_spendLog = new SpendLogWriter(settings.spendLogPath, settings.retentionDays, settings.spendLogBatchSize,
                                        settings.spendLogFlushMs, this);
        if (const Expected<void, QString> opened = m_spendLog->open(); !opened) {
            m_warnings.append(opened.error() + QStringLiteral("; requests are not written to the spend log"));
            delete m_spendLog;
            m_spendLog = nullptr;
        } else {
            connect(m_spendLog, &SpendLogWriter::failed, this, &UsageTap::spendLogFailed);
        }
    }

    m_snapshotTimer.setInterval(qMax(50, settings.snapshotIntervalMs));
    connect(&m_snapshotTimer, &QTimer::timeout, this, &UsageTap::tick);
    m_snapshotTimer.start();
}

UsageTap::~UsageTap()
{
    // The spend log writer (a child) commits what is pending as it goes.
}

qint64 UsageTap::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

void UsageTap::applySettings(const UsageSettings &settings)
{
    PricingTable::Loaded pricing = PricingTable::load(settings.pricingFile);
    m_warnings.append(pricing.warnings);
    m_costs = std::make_unique<CostCalculator>(std::move(pricing.table), settings.deployments);
    m_settings.deployments = settings.deployments;
    m_settings.pricingFile = settings.pricingFile;
}

void UsageTap::requestStarted(const QString &requestId, const QString &deployment)
{
    m_started.insert(requestId, deployment);
    m_stats.requestStarted(deployment);
    m_metrics.setInFlight(deployment, m_stats.inFlight(deployment));
    m_dirty = true;
}

void UsageTap::requestFinished(const RequestRecord &record)
{
    const UsageRecord usage = m_costs->price(record);
    const auto started = m_started.constFind(record.requestId);
    if (started != m_started.constEnd()) {
        const QString deployment = started.value();
        m_started.erase(started);
        m_stats.requestEnded(deployment);
        m_metrics.setInFlight(deployment, m_stats.inFlight(deployment));
    }
    const qint64 now = nowMs();
    m_stats.requestFinished(usage, now);
    m_metrics.observe(usage);
    const QByteArrayView packed = PackedUsage::scratch(usage);
    m_recent.append(packed);
    if (m_spendLog)
        m_spendLog->append(packed);
    m_lastActivityMs = now;
    m_dirty = true;
    Q_EMIT recorded(usage);
}

void UsageTap::tick()
{
    ++m_ticksSinceSnapshot;
    // Rates decay while nothing happens: refresh once a second for the hour after the last
    // request, and whenever something changed.
    const bool recent = m_stats.inFlight() > 0 || nowMs() - m_lastActivityMs < kHourMs;
    const int ticksPerSecond = qMax(1, 1000 / m_snapshotTimer.interval());
    if (!m_dirty && !(recent && m_ticksSinceSnapshot >= ticksPerSecond))
        return;
    m_dirty = false;
    m_ticksSinceSnapshot = 0;
    Q_EMIT snapshot(m_stats.snapshot(nowMs()));
}

QByteArray UsageTap::metricsText() const
{
    return m_metrics.text();
}

QByteArray UsageTap::metricsContentType()
{
    return PrometheusMetrics::contentType();
}

StatsSnapshot UsageTap::currentSnapshot() const
{
    return m_stats.snapshot(nowMs());
}

QJsonObject UsageTap::statsJson() const
{
    return currentSnapshot().toJson();
}

QJsonArray UsageTap::recentJson(int limit) const
{
    QJsonArray list;
    const int count = qBound(0, limit, m_recent.size());
    for (int i = 0; i < count; ++i)
        list.append(m_recent.at(i).unpack().toJson());
    return list;
}

void UsageTap::setDeploymentHealth(const QString &deployment, bool healthy)
{
    m_metrics.setDeploymentHealth(deployment, healthy);
}

void UsageTap::setDeploymentCooldown(const QString &deployment, double remainingSeconds)
{
    m_metrics.setDeploymentCooldown(deployment, remainingSeconds);
}

void UsageTap::countCacheHit(const QString &modelGroup)
{
    m_metrics.countCacheHit(modelGroup);
}

void UsageTap::countCacheMiss(const QString &modelGroup)
{
    m_metrics.countCacheMiss(modelGroup);
}

void UsageTap::flushSpendLog(bool wait)
{
    if (!m_spendLog)
        return;
    if (wait)
        m_spendLog->sync();
    else
        m_spendLog->flush();
}

} // namespace sb
