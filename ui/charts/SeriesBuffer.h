#pragma once

#include <QHash>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <deque>

namespace sb {

// Samples over time per named series (a model, "requests", "p95"), for the live charts.
// Keeps `horizonMs` of history and at most one sample per `spacingMs` per series (a later
// sample in the same slot replaces the earlier one), so memory stays bounded at any snapshot
// rate. Pure: the caller passes the time in.
class SeriesBuffer final
{
public:
    explicit SeriesBuffer(qint64 horizonMs = 60 * 60 * 1000, qint64 spacingMs = 1000);

    void append(const QString &series, qint64 atMs, double value);
    // Drops samples older than the horizon, seen from `nowMs`.
    void trim(qint64 nowMs);

    QStringList seriesNames() const; // in the order they first appeared
    // Points (x: seconds relative to `nowMs`, ≤ 0; y: value) since nowMs - windowMs.
    QVector<QPointF> points(const QString &series, qint64 nowMs, qint64 windowMs) const;
    // The largest value of any series in the window (0 when empty).
    double maxValue(qint64 nowMs, qint64 windowMs) const;
    int sampleCount(const QString &series) const;

private:
    struct Sample
    {
        qint64 atMs;
        double value;
    };
    qint64 m_horizonMs;
    qint64 m_spacingMs;
    QStringList m_order;
    QHash<QString, std::deque<Sample>> m_series;
};

} // namespace sb
