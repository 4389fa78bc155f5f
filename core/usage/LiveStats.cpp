#include "LiveStats.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace sb {

namespace {

constexpr int kWindowSeconds[3] = {60, 300, 3600};
constexpr double kBinBase = 1.2; // each TTFT bin is 20 % wider than the last: ±10 % around its middle

double rounded(double value, int decimals = 3)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

QJsonValue orNull(double value)
{
    return value < 0 ? QJsonValue() : QJsonValue(rounded(value));
}

} // namespace

QJsonObject WindowStats::toJson() const
{
    return {{QStringLiteral("window_seconds"), seconds},
            {QStringLiteral("requests"), requests},
            {QStringLiteral("errors"), errors},
            {QStringLiteral("output_tokens"), outputTokens},
            {QStringLiteral("requests_per_second"), rounded(requestsPerSecond)},
            {QStringLiteral("output_tokens_per_second"), rounded(outputTokensPerSecond)},
            {QStringLiteral("generation_tokens_per_second"), orNull(generationTokensPerSecond)},
            {QStringLiteral("error_rate"), rounded(errorRate, 4)},
            {QStringLiteral("ttft_p50_ms"), orNull(ttftP50Ms)},
            {QStringLiteral("ttft_p95_ms"), orNull(ttftP95Ms)}};
}

QJsonObject SeriesStats::toJson() const
{
    QJsonObject object{{QStringLiteral("in_flight"), inFlight},
                       {QStringLiteral("1m"), windows[0].toJson()},
                       {QStringLiteral("5m"), windows[1].toJson()},
                       {QStringLiteral("1h"), windows[2].toJson()}};
    if (!deployment.isEmpty())
        object.insert(QStringLiteral("deployment"), deployment);
    return object;
}

QJsonObject StatsSnapshot::toJson() const
{
    QJsonArray list;
    for (const SeriesStats &series : deployments)
        list.append(series.toJson());
    return {{QStringLiteral("time"), at.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("requests_since_start"), requestsSinceStart},
            {QStringLiteral("cost_usd_since_start"), rounded(costUsdSinceStart, 6)},
            {QStringLiteral("saved_usd_since_start"), rounded(savedUsdSinceStart, 6)},
            {QStringLiteral("total"), total.toJson()},
            {QStringLiteral("deployments"), list}};
}

LiveStats::LiveStats(qint64 startMs) : m_startMs(startMs), m_total(makeSeries()) {}

int LiveStats::binOf(double ms)
{
    if (ms < 1)
        return 0;
    const int bin = 1 + int(std::floor(std::log(ms) / std::log(kBinBase)));
    return std::clamp(bin, 1, kBins - 1);
}

double LiveStats::binValue(int bin)
{
    if (bin <= 0)
        return 0.5;
    // Bin b holds [base^(b-1), base^b): its geometric middle.
    return std::pow(kBinBase, double(bin) - 0.5);
}

LiveStats::Series LiveStats::makeSeries() const
{
    Series series;
    for (int i = 0; i < 3; ++i)
        series.rings[size_t(i)].widthMs = qint64(kWindowSeconds[i]) * 1000 / 60;
    return series;
}

LiveStats::Series &LiveStats::seriesFor(const QString &deployment)
{
    // Runs of one deployment skip the hash. Any insert may move the values, so the pointer
    // is taken afresh after every lookup.
    if (m_lastSeries && m_lastDeployment == deployment)
        return *m_lastSeries;
    auto it = m_deployments.find(deployment);
    if (it == m_deployments.end())
        it = m_deployments.insert(deployment, makeSeries());
    m_lastDeployment = deployment;
    m_lastSeries = &it.value();
    return it.value();
}

void LiveStats::requestStarted(const QString &deployment)
{
    ++m_total.inFlight;
    if (!deployment.isEmpty())
        ++seriesFor(deployment).inFlight;
}

void LiveStats::requestEnded(const QString &deployment)
{
    m_total.inFlight = qMax(0, m_total.inFlight - 1);
    if (!deployment.isEmpty()) {
        Series &series = seriesFor(deployment);
        series.inFlight = qMax(0, series.inFlight - 1);
    }
}

void LiveStats::requestFinished(const UsageRecord &usage, qint64 nowMs)
{
    ++m_requests;
    m_cost += usage.costUsd;
    m_saved += usage.savedUsd;
    add(m_total, usage, nowMs);
    if (!usage.request.deployment.isEmpty())
        add(seriesFor(usage.request.deployment), usage, nowMs);
}

int LiveStats::inFlight() const
{
    return m_total.inFlight;
}

int LiveStats::inFlight(const QString &deployment) const
{
    const auto it = m_deployments.constFind(deployment);
    return it == m_deployments.constEnd() ? 0 : it->inFlight;
}

void LiveStats::add(Series &series, const UsageRecord &usage, qint64 nowMs)
{
    const RequestRecord &r = usage.request;
    const bool error = r.status >= 400 || r.status == 0;
    const double speed = r.outputTokensPerSecond();
    for (Ring &ring : series.rings) {
        const qint64 index = nowMs / ring.widthMs;
        Bucket &bucket = ring.buckets[size_t(index % qint64(ring.buckets.size()))];
        if (bucket.index != index)
            bucket = Bucket{index};
        ++bucket.requests;
        bucket.errors += error ? 1 : 0;
        bucket.outputTokens += r.outputTokens > 0 ? r.outputTokens : 0;
        if (speed >= 0) {
            bucket.generationSpeedSum += speed;
            ++bucket.generationSpeedCount;
        }
        if (r.firstTokenMs >= 0)
            ++bucket.ttft[size_t(binOf(double(r.firstTokenMs)))];
    }
}

WindowStats LiveStats::window(const Ring &ring, int seconds, qint64 nowMs) const
{
    WindowStats stats;
    stats.seconds = seconds;
    const qint64 current = nowMs / ring.widthMs;
    const qint64 oldest = current - qint64(ring.buckets.size()) + 1;
    std::array<quint64, kBins> ttft{};
    quint64 samples = 0;
    double speedSum = 0;
    qint64 speedCount = 0;
    for (const Bucket &bucket : ring.buckets) {
        if (bucket.index < oldest || bucket.index > current)
            continue;
        stats.requests += bucket.requests;
        stats.errors += bucket.errors;
        stats.outputTokens += bucket.outputTokens;
        speedSum += bucket.generationSpeedSum;
        speedCount += bucket.generationSpeedCount;
        for (int b = 0; b < kBins; ++b) {
            ttft[size_t(b)] += bucket.ttft[size_t(b)];
            samples += bucket.ttft[size_t(b)];
        }
    }
    // Right after start the window is not full yet: divide by the time there has been.
    const double elapsed = double(nowMs - m_startMs) / 1000.0;
    const double span = std::clamp(elapsed, 1.0, double(seconds));
    stats.requestsPerSecond = double(stats.requests) / span;
    stats.outputTokensPerSecond = double(stats.outputTokens) / span;
    stats.errorRate = stats.requests > 0 ? double(stats.errors) / double(stats.requests) : 0;
    if (speedCount > 0)
        stats.generationTokensPerSecond = speedSum / double(speedCount);
    if (samples > 0) {
        const auto percentile = [&](double p) {
            const quint64 rank = quint64(std::ceil(p * double(samples)));
            quint64 seen = 0;
            for (int b = 0; b < kBins; ++b) {
                seen += ttft[size_t(b)];
                if (seen >= rank && ttft[size_t(b)] > 0)
                    return binValue(b);
            }
            return binValue(kBins - 1);
        };
        stats.ttftP50Ms = percentile(0.50);
        stats.ttftP95Ms = percentile(0.95);
    }
    return stats;
}

SeriesStats LiveStats::stats(const Series &series, const QString &deployment, qint64 nowMs) const
{
    SeriesStats stats;
    stats.deployment = deployment;
    stats.inFlight = series.inFlight;
    for (int i = 0; i < 3; ++i)
        stats.windows[size_t(i)] = window(series.rings[size_t(i)], kWindowSeconds[i], nowMs);
    return stats;
}

StatsSnapshot LiveStats::snapshot(qint64 nowMs) const
{
    StatsSnapshot snapshot;
    snapshot.at = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    snapshot.requestsSinceStart = m_requests;
    snapshot.costUsdSinceStart = m_cost;
    snapshot.savedUsdSinceStart = m_saved;
    snapshot.total = stats(m_total, QString(), nowMs);
    QStringList names = m_deployments.keys();
    names.sort();
    for (const QString &name : names)
        snapshot.deployments.append(stats(*m_deployments.constFind(name), name, nowMs));
    return snapshot;
}

} // namespace sb
