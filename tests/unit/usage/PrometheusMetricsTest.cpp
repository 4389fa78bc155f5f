#include "usage/PrometheusMetrics.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

using namespace sb;

namespace {

UsageRecord observed(const QString &group, const QString &deployment, int status, qint64 totalMs)
{
    UsageRecord usage;
    RequestRecord &r = usage.request;
    r.modelGroup = group;
    r.deployment = deployment;
    r.status = status;
    r.inputTokens = 1000;
    r.outputTokens = 100;
    r.cacheReadTokens = 10;
    r.firstTokenMs = 200;
    r.totalMs = totalMs;
    usage.costUsd = 0.25;
    usage.claudeListUsd = 1.0;
    return usage;
}

struct PromtoolResult
{
    int exitCode = -1;
    QString output;
};

// `promtool check metrics` reads the exposition on stdin and lints it. No promtool is a
// failure: install Debian's `prometheus` package.
PromtoolResult promtoolCheck(const QByteArray &text)
{
    QProcess promtool;
    promtool.start(QStringLiteral(PROMTOOL_EXECUTABLE), {QStringLiteral("check"), QStringLiteral("metrics")});
    if (!promtool.waitForStarted(10000))
        return {-1, QStringLiteral("promtool (%1) did not start: %2 — install the Debian package `prometheus`")
                        .arg(QStringLiteral(PROMTOOL_EXECUTABLE), promtool.errorString())};
    promtool.write(text);
    promtool.closeWriteChannel();
    if (!promtool.waitForFinished(30000))
        return {-1, QStringLiteral("promtool did not finish")};
    return {promtool.exitCode(), QString::fromUtf8(promtool.readAllStandardOutput() + promtool.readAllStandardError())};
}

} // namespace

TEST_CASE("the exposition has every family with HELP and TYPE, cumulative histograms and escaped labels")
{
    PrometheusMetrics metrics;
    metrics.observe(observed(QStringLiteral("claude-*"), QStringLiteral("local#0"), 200, 1500));
    metrics.observe(observed(QStringLiteral("claude-*"), QStringLiteral("local#0"), 200, 30));
    metrics.observe(observed(QStringLiteral("claude-*"), QStringLiteral("local#0"), 529, 40));
    metrics.observe(observed(QStringLiteral("we\"ird\\group\nname"), QStringLiteral("d"), 200, 10));
    metrics.setInFlight(QStringLiteral("local#0"), 2);
    metrics.setDeploymentHealth(QStringLiteral("local#0"), true);
    metrics.setDeploymentHealth(QStringLiteral("cloud"), false);
    metrics.setDeploymentCooldown(QStringLiteral("cloud"), 12.5);
    metrics.countCacheHit(QStringLiteral("claude-*"));
    metrics.countCacheMiss(QStringLiteral("claude-*"));
    metrics.countCacheMiss(QStringLiteral("claude-*"));
    const QString text = QString::fromUtf8(metrics.text());
    INFO(text.toStdString());

    for (const char *family :
         {"switchboard_requests_total", "switchboard_input_tokens_total", "switchboard_output_tokens_total",
          "switchboard_spend_usd_total", "switchboard_request_duration_seconds",
          "switchboard_time_to_first_token_seconds", "switchboard_output_tokens_per_second",
          "switchboard_requests_in_flight", "switchboard_deployment_healthy", "switchboard_deployment_cooldown_seconds",
          "switchboard_cache_hits_total", "switchboard_cache_misses_total"}) {
        INFO(family);
        CHECK(text.contains(QStringLiteral("# TYPE %1 ").arg(QLatin1String(family))));
        CHECK(text.contains(QStringLiteral("# HELP %1 ").arg(QLatin1String(family))));
    }
    CHECK(text.contains(QStringLiteral(
        "switchboard_requests_total{model_group=\"claude-*\",deployment=\"local#0\",status=\"200\"} 2\n")));
    CHECK(text.contains(QStringLiteral(
        "switchboard_requests_total{model_group=\"claude-*\",deployment=\"local#0\",status=\"529\"} 1\n")));
    CHECK(text.contains(
        QStringLiteral("switchboard_input_tokens_total{model_group=\"claude-*\",deployment=\"local#0\"} 3000\n")));
    CHECK(text.contains(
        QStringLiteral("switchboard_spend_usd_total{model_group=\"claude-*\",deployment=\"local#0\"} 0.75\n")));
    // 30 ms and 40 ms fall at or under 0.05; 1.5 s under 2.5; all three under +Inf.
    CHECK(text.contains(QStringLiteral("switchboard_request_duration_seconds_bucket{model_group=\"claude-*\","
                                       "deployment=\"local#0\",le=\"0.025\"} 0\n")));
    CHECK(text.contains(QStringLiteral("switchboard_request_duration_seconds_bucket{model_group=\"claude-*\","
                                       "deployment=\"local#0\",le=\"0.05\"} 2\n")));
    CHECK(text.contains(QStringLiteral("switchboard_request_duration_seconds_bucket{model_group=\"claude-*\","
                                       "deployment=\"local#0\",le=\"2.5\"} 3\n")));
    CHECK(text.contains(QStringLiteral("switchboard_request_duration_seconds_bucket{model_group=\"claude-*\","
                                       "deployment=\"local#0\",le=\"+Inf\"} 3\n")));
    CHECK(text.contains(QStringLiteral(
        "switchboard_request_duration_seconds_sum{model_group=\"claude-*\",deployment=\"local#0\"} 1.57\n")));
    CHECK(text.contains(QStringLiteral(
        "switchboard_request_duration_seconds_count{model_group=\"claude-*\",deployment=\"local#0\"} 3\n")));
    CHECK(text.contains(QStringLiteral("model_group=\"we\\\"ird\\\\group\\nname\"")));
    CHECK(text.contains(QStringLiteral("switchboard_requests_in_flight{deployment=\"local#0\"} 2\n")));
    CHECK(text.contains(QStringLiteral("switchboard_deployment_healthy{deployment=\"cloud\"} 0\n")));
    CHECK(text.contains(QStringLiteral("switchboard_deployment_cooldown_seconds{deployment=\"cloud\"} 12.5\n")));
    CHECK(text.contains(QStringLiteral("switchboard_cache_misses_total{model_group=\"claude-*\"} 2\n")));
    CHECK(text.endsWith(QLatin1Char('\n')));
}

TEST_CASE("promtool check metrics accepts the exposition, empty and full")
{
    PrometheusMetrics metrics;
    const PromtoolResult empty = promtoolCheck(metrics.text());
    INFO(empty.output.toStdString());
    REQUIRE(empty.exitCode == 0);
    CHECK(empty.output.trimmed().isEmpty());

    for (int i = 0; i < 50; ++i)
        metrics.observe(
            observed(QStringLiteral("g%1").arg(i % 3), QStringLiteral("d%1").arg(i % 2), i % 7 ? 200 : 500, i * 37));
    metrics.setInFlight(QStringLiteral("d0"), 1);
    metrics.setDeploymentHealth(QStringLiteral("d0"), true);
    metrics.setDeploymentCooldown(QStringLiteral("d1"), 3);
    metrics.countCacheHit(QStringLiteral("g0"));
    metrics.countCacheMiss(QStringLiteral("g0"));
    const PromtoolResult full = promtoolCheck(metrics.text());
    INFO(full.output.toStdString());
    REQUIRE(full.exitCode == 0);
    CHECK(full.output.trimmed().isEmpty()); // no lint findings either
}

TEST_CASE("the shipped Grafana dashboard queries only metrics the gateway exposes")
{
    QFile file(QStringLiteral(SWITCHBOARD_SOURCE_DIR "/packaging/monitoring/grafana-dashboard.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QJsonDocument dashboard = QJsonDocument::fromJson(file.readAll());
    REQUIRE(dashboard.isObject());
    PrometheusMetrics metrics;
    metrics.observe(observed(QStringLiteral("g"), QStringLiteral("d"), 200, 100));
    metrics.setInFlight(QStringLiteral("d"), 0);
    metrics.setDeploymentHealth(QStringLiteral("d"), true);
    metrics.setDeploymentCooldown(QStringLiteral("d"), 0);
    metrics.countCacheHit(QStringLiteral("g"));
    metrics.countCacheMiss(QStringLiteral("g"));
    const QByteArray text = metrics.text();
    static const QRegularExpression name(QStringLiteral("switchboard_[a-z_]+"));
    int queries = 0;
    for (const QJsonValue &panel : dashboard.object().value(QStringLiteral("panels")).toArray()) {
        for (const QJsonValue &target : panel.toObject().value(QStringLiteral("targets")).toArray()) {
            const QString expr = target.toObject().value(QStringLiteral("expr")).toString();
            ++queries;
            for (auto it = name.globalMatch(expr); it.hasNext();) {
                const QString metric = it.next().captured(0);
                INFO(metric.toStdString());
                CHECK(text.contains('\n' + metric.toUtf8() + '{'));
            }
        }
    }
    CHECK(queries >= 15);
}
