#pragma once

#include "SeriesBuffer.h"

#include <QColor>
#include <QHash>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace sb {

// A line chart over a SeriesBuffer: the last `windowMs`, now at the right edge. It redraws
// when asked (the page asks at most 4 times a second), never per sample.
class LiveChart final : public QWidget
{
    Q_OBJECT
public:
    LiveChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    SeriesBuffer &buffer() { return m_buffer; }
    void setWindowMs(qint64 windowMs);
    // A fixed colour for one series (errors in red), instead of the theme's next one.
    void setSeriesColor(const QString &series, const QColor &color);
    qint64 windowMs() const { return m_windowMs; }
    // Rebuilds the lines from the buffer as seen at `nowMs`.
    void redraw(qint64 nowMs);
    int lineCount() const { return int(m_lines.size()); }
    int pointCount(const QString &series) const;
    // What the legend says for `series` ("" before it is drawn).
    QString legendLabel(const QString &series) const;

private:
    QLineSeries *lineFor(const QString &series);

    SeriesBuffer m_buffer;
    qint64 m_windowMs = 5 * 60 * 1000;
    QChart *m_chart;
    QChartView *m_view;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QHash<QString, QLineSeries *> m_lines;
    QHash<QString, QColor> m_colors;
};

} // namespace sb
