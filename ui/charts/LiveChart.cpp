#include "LiveChart.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace sb {

LiveChart::LiveChart(const QString &title, const QString &unit, QWidget *parent)
    : QWidget(parent), m_chart(new QChart), m_x(new QValueAxis), m_y(new QValueAxis)
{
    m_chart->setTitle(title);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(4);
    // The platform's palette, so the chart follows light and dark themes.
    m_chart->setBackgroundBrush(palette().base());
    m_chart->setTitleBrush(palette().text());
    m_chart->legend()->setLabelColor(palette().text().color());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_x->setLabelFormat(QStringLiteral("%d s"));
    m_x->setLabelsFont(small);
    m_y->setLabelFormat(QStringLiteral("%.0f ") + unit);
    m_y->setLabelsFont(small);
    // Deployment names are long: the axes' small font, and the whole name on hover where the
    // legend still has to elide one.
    m_chart->legend()->setFont(small);
    m_chart->legend()->setShowToolTips(true);
    for (QValueAxis *axis : {m_x, m_y}) {
        axis->setLabelsColor(palette().text().color());
        axis->setTitleBrush(palette().text());
    }
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(200);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    setWindowMs(m_windowMs);
}

void LiveChart::setWindowMs(qint64 windowMs)
{
    m_windowMs = windowMs;
    m_x->setRange(-double(windowMs) / 1000.0, 0);
    m_x->setTickCount(windowMs > 10 * 60 * 1000 ? 7 : 6);
}

void LiveChart::setSeriesColor(const QString &series, const QColor &color)
{
    m_colors.insert(series, color);
    if (QLineSeries *line = m_lines.value(series))
        line->setColor(color);
}

namespace {

// A deployment's name as the legend shows it: "ollama/qwen2.5-coder:7b@127.0.0.1:11434" is
// "qwen2.5-coder:7b" (the legend elides long names at their end, where two deployments of one
// provider differ). Other names stay as they are.
QString legendName(const QString &series)
{
    const qsizetype at = series.lastIndexOf(QLatin1Char('@'));
    if (at <= 0)
        return series;
    const QString model = series.left(at);
    const qsizetype slash = model.indexOf(QLatin1Char('/'));
    return slash >= 0 ? model.mid(slash + 1) : model;
}

} // namespace

QString LiveChart::legendLabel(const QString &series) const
{
    const QLineSeries *line = m_lines.value(series);
    return line ? line->name() : QString();
}

QLineSeries *LiveChart::lineFor(const QString &series)
{
    QLineSeries *&line = m_lines[series];
    if (!line) {
        line = new QLineSeries;
        // The short name while it tells the lines apart; the whole names where it would not.
        QString name = legendName(series);
        for (auto other = m_lines.cbegin(); other != m_lines.cend(); ++other) {
            if (other.value() && other.value() != line && other.value()->name() == name) {
                other.value()->setName(other.key());
                name = series;
            }
        }
        line->setName(name);
        if (m_colors.contains(series))
            line->setColor(m_colors.value(series));
        m_chart->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(m_y);
    }
    return line;
}

void LiveChart::redraw(qint64 nowMs)
{
    m_buffer.trim(nowMs);
    for (const QString &name : m_buffer.seriesNames())
        lineFor(name)->replace(m_buffer.points(name, nowMs, m_windowMs));
    // Five steps of 1, 2 or 5 × 10^k: round labels, and never a zero-height axis.
    const double top = std::max(m_buffer.maxValue(nowMs, m_windowMs) * 1.1, 5.0);
    const double raw = top / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (double factor : {1.0, 2.0, 5.0}) {
        if (factor * magnitude >= raw) {
            step = factor * magnitude;
            break;
        }
    }
    m_y->setRange(0, step * 5);
    m_y->setTickCount(6);
}

int LiveChart::pointCount(const QString &series) const
{
    const auto found = m_lines.constFind(series);
    return found == m_lines.constEnd() ? 0 : int((*found)->count());
}

} // namespace sb
