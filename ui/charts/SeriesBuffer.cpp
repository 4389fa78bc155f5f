#include "SeriesBuffer.h"

#include <algorithm>

namespace sb {

SeriesBuffer::SeriesBuffer(qint64 horizonMs, qint64 spacingMs)
    : m_horizonMs(qMax<qint64>(1, horizonMs)), m_spacingMs(qMax<qint64>(1, spacingMs))
{}

void SeriesBuffer::append(const QString &series, qint64 atMs, double value)
{
    auto found = m_series.find(series);
    if (found == m_series.end()) {
        m_order.append(series);
        found = m_series.insert(series, {});
    }
    std::deque<Sample> &samples = *found;
    if (!samples.empty() && atMs < samples.back().atMs)
        return; // time never runs backwards here: a late sample would break the line
    if (!samples.empty() && atMs / m_spacingMs == samples.back().atMs / m_spacingMs)
        samples.back() = {atMs, value};
    else
        samples.push_back({atMs, value});
    trim(atMs);
}

void SeriesBuffer::trim(qint64 nowMs)
{
    const qint64 oldest = nowMs - m_horizonMs;
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        std::deque<Sample> &samples = *it;
        while (!samples.empty() && samples.front().atMs < oldest)
            samples.pop_front();
    }
}

QStringList SeriesBuffer::seriesNames() const
{
    return m_order;
}

QVector<QPointF> SeriesBuffer::points(const QString &series, qint64 nowMs, qint64 windowMs) const
{
    QVector<QPointF> out;
    const auto found = m_series.constFind(series);
    if (found == m_series.constEnd())
        return out;
    const qint64 since = nowMs - windowMs;
    const std::deque<Sample> &samples = *found;
    auto first = std::lower_bound(samples.begin(), samples.end(), since,
                                  [](const Sample &sample, qint64 at) { return sample.atMs < at; });
    out.reserve(int(std::distance(first, samples.end())));
    for (auto it = first; it != samples.end(); ++it)
        out.append(QPointF(double(it->atMs - nowMs) / 1000.0, it->value));
    return out;
}

double SeriesBuffer::maxValue(qint64 nowMs, qint64 windowMs) const
{
    double best = 0;
    for (const QString &name : m_order) {
        for (const QPointF &point : points(name, nowMs, windowMs))
            best = std::max(best, point.y());
    }
    return best;
}

int SeriesBuffer::sampleCount(const QString &series) const
{
    const auto found = m_series.constFind(series);
    return found == m_series.constEnd() ? 0 : int(found->size());
}

} // namespace sb
