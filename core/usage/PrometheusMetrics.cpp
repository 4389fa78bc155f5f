#include "PrometheusMetrics.h"

#include <cmath>

namespace sb {

namespace {

const std::vector<double> kDurationBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                             2.5,   5,    10,    30,   60,  120,  300, 600};
const std::vector<double> kFirstTokenBounds = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
const std::vector<double> kSpeedBounds = {1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000};

// Label values escape backslash, double quote and line feed.
QByteArray escaped(const QString &value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray number(double value)
{
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', 15);
}

void header(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

QByteArray pairLabels(const QString &group, const QString &deployment)
{
    return "model_group=\"" + escaped(group) + "\",deployment=\"" + escaped(deployment) + '"';
}

void sample(QByteArray &out, const char *name, const QByteArray &labels, double value)
{
    out += name;
    if (!labels.isEmpty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += number(value);
    out += '\n';
}

} // namespace

void PrometheusMetrics::Histogram::observe(double value)
{
    size_t i = 0;
    while (i < bounds->size() && value > (*bounds)[i])
        ++i;
    ++counts[i];
    sum += value;
    ++count;
}

PrometheusMetrics::PrometheusMetrics() = default;

QByteArray PrometheusMetrics::contentType()
{
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

PrometheusMetrics::Series &PrometheusMetrics::seriesFor(const QString &modelGroup, const QString &deployment)
{
    // Skips building the key and walking the map for a run of records of one deployment.
    if (m_lastSeries && m_lastSeries->deployment == deployment && m_lastSeries->modelGroup == modelGroup)
        return *m_lastSeries;
    const QString key = modelGroup + QChar(0x1f) + deployment;
    auto it = m_series.find(key);
    if (it == m_series.end()) {
        Series series;
        series.modelGroup = modelGroup;
        series.deployment = deployment;
        for (auto [histogram, bounds] :
             {std::pair{&series.duration, &kDurationBounds}, std::pair{&series.firstToken, &kFirstTokenBounds},
              std::pair{&series.outputSpeed, &kSpeedBounds}}) {
            histogram->bounds = bounds;
            histogram->counts.assign(bounds->size() + 1, 0);
        }
        it = m_series.insert(key, series);
    }
    m_lastSeries = &it.value();
    return it.value();
}

void PrometheusMetrics::observe(const UsageRecord &usage)
{
    const RequestRecord &r = usage.request;
    Series &series = seriesFor(r.modelGroup, r.deployment);
    ++series.requestsByStatus[r.status];
    series.inputTokens += quint64(qMax<qint64>(0, r.inputTokens));
    series.outputTokens += quint64(qMax<qint64>(0, r.outputTokens));
    series.cacheReadTokens += quint64(qMax<qint64>(0, r.cacheReadTokens));
    series.cacheWriteTokens += quint64(qMax<qint64>(0, r.cacheWriteTokens));
    series.spendUsd += qMax(0.0, usage.costUsd);
    series.claudeListUsd += qMax(0.0, usage.claudeListUsd);
    series.duration.observe(double(r.totalMs) / 1000.0);
    if (r.firstTokenMs >= 0)
        series.firstToken.observe(double(r.firstTokenMs) / 1000.0);
    const double speed = r.outputTokensPerSecond();
    if (speed >= 0)
        series.outputSpeed.observe(speed);
}

void PrometheusMetrics::setInFlight(const QString &deployment, int requests)
{
    m_inFlight[deployment] = requests;
}

void PrometheusMetrics::setDeploymentHealth(const QString &deployment, bool healthy)
{
    m_healthy[deployment] = healthy;
}

void PrometheusMetrics::setDeploymentCooldown(const QString &deployment, double remainingSeconds)
{
    m_cooldown[deployment] = qMax(0.0, remainingSeconds);
}

void PrometheusMetrics::countCacheHit(const QString &modelGroup)
{
    ++m_cacheHits[modelGroup];
}

void PrometheusMetrics::countCacheMiss(const QString &modelGroup)
{
    ++m_cacheMisses[modelGroup];
}

QByteArray PrometheusMetrics::text() const
{
    QByteArray out;
    out.reserve(4096 + m_series.size() * 4096);

    header(out, "switchboard_requests_total", "counter",
           "Requests answered, by model group, deployment and HTTP status.");
    for (const Series &s : m_series) {
        for (auto it = s.requestsByStatus.constBegin(); it != s.requestsByStatus.constEnd(); ++it)
            sample(out, "switchboard_requests_total",
                   pairLabels(s.modelGroup, s.deployment) + ",status=\"" + QByteArray::number(it.key()) + '"',
                   double(it.value()));
    }

    struct CounterFamily
    {
        const char *name;
        const char *help;
        double (*value)(const Series &);
    };
    const CounterFamily counters[] = {
        {"switchboard_input_tokens_total", "Prompt tokens, cached ones included.",
         [](const Series &s) {
             return double(s.inputTokens);
         }},
        {"switchboard_output_tokens_total", "Generated tokens.",
         [](const Series &s) {
             return double(s.outputTokens);
         }},
        {"switchboard_cache_read_tokens_total", "Prompt tokens read from the upstream's prompt cache.",
         [](const Series &s) {
             return double(s.cacheReadTokens);
         }},
        {"switchboard_cache_write_tokens_total", "Prompt tokens written to the upstream's prompt cache.",
         [](const Series &s) {
             return double(s.cacheWriteTokens);
         }},
        {"switchboard_spend_usd_total", "Spend in US dollars (local deployments cost 0 unless priced).",
         [](const Series &s) {
             return s.spendUsd;
         }},
        {"switchboard_claude_list_price_usd_total",
         "What the same tokens cost at the Anthropic list price of the Claude model the client asked for, in US "
         "dollars.",
         [](const Series &s) {
             return s.claudeListUsd;
         }},
    };
    for (const CounterFamily &family : counters) {
        header(out, family.name, "counter", family.help);
        for (const Series &s : m_series)
            sample(out, family.name, pairLabels(s.modelGroup, s.deployment), family.value(s));
    }

    struct HistogramFamily
    {
        const char *name;
        const char *help;
        const Histogram Series::*histogram;
    };
    const HistogramFamily histograms[] = {
        {"switchboard_request_duration_seconds", "Time from request to the end of the answer.", &Series::duration},
        {"switchboard_time_to_first_token_seconds", "Time from request to the first content from the upstream.",
         &Series::firstToken},
        {"switchboard_output_tokens_per_second", "Output tokens per second over each request's generation phase.",
         &Series::outputSpeed},
    };
    for (const HistogramFamily &family : histograms) {
        header(out, family.name, "histogram", family.help);
        const QByteArray bucketName = QByteArray(family.name) + "_bucket";
        const QByteArray sumName = QByteArray(family.name) + "_sum";
        const QByteArray countName = QByteArray(family.name) + "_count";
        for (const Series &s : m_series) {
            const Histogram &h = s.*(family.histogram);
            const QByteArray labels = pairLabels(s.modelGroup, s.deployment);
            quint64 cumulative = 0;
            for (size_t i = 0; i < h.counts.size(); ++i) {
                cumulative += h.counts[i];
                const QByteArray le = i < h.bounds->size() ? number((*h.bounds)[i]) : QByteArrayLiteral("+Inf");
                sample(out, bucketName.constData(), labels + ",le=\"" + le + '"', double(cumulative));
            }
            sample(out, sumName.constData(), labels, h.sum);
            sample(out, countName.constData(), labels, double(h.count));
        }
    }

    header(out, "switchboard_requests_in_flight", "gauge", "Requests being answered now, by deployment.");
    for (auto it = m_inFlight.constBegin(); it != m_inFlight.constEnd(); ++it)
        sample(out, "switchboard_requests_in_flight", "deployment=\"" + escaped(it.key()) + '"', it.value());
    header(out, "switchboard_deployment_healthy", "gauge", "1 when routing takes the deployment as healthy, else 0.");
    for (auto it = m_healthy.constBegin(); it != m_healthy.constEnd(); ++it)
        sample(out, "switchboard_deployment_healthy", "deployment=\"" + escaped(it.key()) + '"', it.value() ? 1 : 0);
    header(out, "switchboard_deployment_cooldown_seconds", "gauge",
           "Seconds left in the deployment's cooldown (0: not cooling down).");
    for (auto it = m_cooldown.constBegin(); it != m_cooldown.constEnd(); ++it)
        sample(out, "switchboard_deployment_cooldown_seconds", "deployment=\"" + escaped(it.key()) + '"', it.value());
    header(out, "switchboard_cache_hits_total", "counter", "Requests answered from the response cache.");
    for (auto it = m_cacheHits.constBegin(); it != m_cacheHits.constEnd(); ++it)
        sample(out, "switchboard_cache_hits_total", "model_group=\"" + escaped(it.key()) + '"', double(it.value()));
    header(out, "switchboard_cache_misses_total", "counter", "Cacheable requests not found in the response cache.");
    for (auto it = m_cacheMisses.constBegin(); it != m_cacheMisses.constEnd(); ++it)
        sample(out, "switchboard_cache_misses_total", "model_group=\"" + escaped(it.key()) + '"', double(it.value()));
    return out;
}

} // namespace sb
