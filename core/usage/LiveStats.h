#pragma once

#include "UsageRecord.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMetaType>
#include <QVector>

#include <array>
#include <vector>

namespace sb {

// One rolling window's figures.
struct WindowStats
{
    int seconds = 0; // 60, 300 or 3600
    qint64 requests = 0;
    qint64 errors = 0; // status >= 400 (499: the client hung up)
    qint64 outputTokens = 0;
    double requestsPerSecond = 0;
    double outputTokensPerSecond = 0;      // all output tokens over the window: throughput
    double generationTokensPerSecond = -1; // mean per-request speed over the generation phase
    double errorRate = 0;                  // errors / requests
    double ttftP50Ms = -1;                 // time to first token; -1 without samples
    double ttftP95Ms = -1;

    QJsonObject toJson() const;
};

struct SeriesStats
{
    QString deployment; // empty for the total
    int inFlight = 0;
    std::array<WindowStats, 3> windows; // 1 min, 5 min, 1 h

    QJsonObject toJson() const;
};

// What subscribers get: a value, safe to send across threads.
struct StatsSnapshot
{
    QDateTime at;
    qint64 requestsSinceStart = 0;
    double costUsdSinceStart = 0;
    double savedUsdSinceStart = 0;
    SeriesStats total;
    QVector<SeriesStats> deployments; // by deployment id, sorted

    QJsonObject toJson() const;
};

// Rolling 1 min / 5 min / 1 h windows per deployment and in total. Each window is a ring of
// 60 buckets (1 s, 5 s, 60 s wide) holding counts and a log-scale TTFT histogram, so memory
// and cost per request stay constant at any request rate; percentiles are accurate to the
// histogram's bin width (±10 %). Single-threaded: the owner passes the time in.
class LiveStats final
{
public:
    explicit LiveStats(qint64 startMs);
    LiveStats(const LiveStats &) = delete; // m_lastSeries points into its own hash
    LiveStats &operator=(const LiveStats &) = delete;

    void requestStarted(const QString &deployment);
    // Ends what requestStarted(deployment) began (in flight).
    void requestEnded(const QString &deployment);
    // Counts a finished request (started or not: rejected requests count too).
    void requestFinished(const UsageRecord &usage, qint64 nowMs);
    StatsSnapshot snapshot(qint64 nowMs) const;
    int inFlight() const;
    int inFlight(const QString &deployment) const;

    static constexpr int kBins = 80;
    static int binOf(double ms);
    static double binValue(int bin); // representative value (geometric middle) of a bin

private:
    struct Bucket
    {
        qint64 index = -1; // nowMs / width of the period it holds; -1 empty
        qint64 requests = 0;
        qint64 errors = 0;
        qint64 outputTokens = 0;
        double generationSpeedSum = 0;
        qint64 generationSpeedCount = 0;
        std::array<quint32, kBins> ttft{};
    };
    struct Ring
    {
        qint64 widthMs = 1000;
        std::array<Bucket, 60> buckets;
    };
    struct Series
    {
        int inFlight = 0;
        std::array<Ring, 3> rings;
    };

    Series makeSeries() const;
    Series &seriesFor(const QString &deployment);
    void add(Series &series, const UsageRecord &usage, qint64 nowMs);
    WindowStats window(const Ring &ring, int seconds, qint64 nowMs) const;
    SeriesStats stats(const Series &series, const QString &deployment, qint64 nowMs) const;

    qint64 m_startMs;
    Series m_total;
    QHash<QString, Series> m_deployments;
    QString m_lastDeployment;
    Series *m_lastSeries = nullptr;
    qint64 m_requests = 0;
    double m_cost = 0;
    double m_saved = 0;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::StatsSnapshot)
