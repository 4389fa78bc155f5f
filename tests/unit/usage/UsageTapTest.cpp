#include "usage/UsageTap.h"
#include "usage/SpendLog.h"

#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QTemporaryDir>

using namespace sb;

namespace {

UsageSettings settingsIn(const QTemporaryDir &dir)
{
    UsageSettings settings;
    settings.spendLogPath = dir.filePath(QStringLiteral("usage.sqlite"));
    Deployment local;
    local.id = QStringLiteral("local#0");
    local.modelName = QStringLiteral("claude-*");
    local.provider = Provider::Ollama;
    local.upstreamModel = QStringLiteral("qwen2.5-coder:7b");
    local.apiBase = QUrl(QStringLiteral("http://127.0.0.1:11434"));
    settings.deployments = {local};
    settings.recentCapacity = 5;
    return settings;
}

RequestRecord request(int index)
{
    RequestRecord r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.requestId = QStringLiteral("req_%1").arg(index);
    r.clientModel = QStringLiteral("claude-sonnet-4-5");
    r.modelGroup = QStringLiteral("claude-*");
    r.deployment = QStringLiteral("local#0");
    r.status = 200;
    r.inputTokens = 10000;
    r.outputTokens = 100;
    r.firstTokenMs = 50;
    r.totalMs = 1050;
    return r;
}

} // namespace

TEST_CASE("the usage tap prices, counts, keeps recent records, exposes metrics and writes the spend log")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    UsageTap tap(settingsIn(dir));
    CHECK(tap.warnings().isEmpty());
    REQUIRE(tap.hasSpendLog());

    QList<UsageRecord> recorded;
    QObject context;
    QObject::connect(&tap, &UsageTap::recorded, &context, [&](const UsageRecord &usage) { recorded.append(usage); });

    tap.requestStarted(QStringLiteral("req_1"), QStringLiteral("local#0"));
    tap.requestStarted(QStringLiteral("req_2"), QStringLiteral("local#0"));
    CHECK(tap.currentSnapshot().total.inFlight == 2);
    CHECK(tap.metricsText().contains("switchboard_requests_in_flight{deployment=\"local#0\"} 2\n"));
    for (int i = 1; i <= 8; ++i)
        tap.requestFinished(request(i));
    CHECK(tap.currentSnapshot().total.inFlight == 0);

    REQUIRE(recorded.size() == 8);
    CHECK(recorded[0].costUsd == 0);
    CHECK(recorded[0].savedUsd == Approx(10000 * 3e-6 + 100 * 15e-6));

    const QJsonObject stats = tap.statsJson();
    CHECK(stats.value(QStringLiteral("requests_since_start")).toInt() == 8);
    CHECK(stats.value(QStringLiteral("total"))
              .toObject()
              .value(QStringLiteral("1m"))
              .toObject()
              .value(QStringLiteral("requests"))
              .toInt() == 8);

    // Memory keeps the last five (recentCapacity), newest first.
    const QJsonArray recent = tap.recentJson(100);
    REQUIRE(recent.size() == 5);
    CHECK(recent[0].toObject().value(QStringLiteral("request_id")).toString() == QStringLiteral("req_8"));
    CHECK(recent[4].toObject().value(QStringLiteral("request_id")).toString() == QStringLiteral("req_4"));
    CHECK(tap.recentJson(2).size() == 2);
    CHECK(tap.recentJson(-1).isEmpty());

    const QByteArray metrics = tap.metricsText();
    CHECK(metrics.contains(
        "switchboard_requests_total{model_group=\"claude-*\",deployment=\"local#0\",status=\"200\"} 8\n"));
    tap.setDeploymentHealth(QStringLiteral("local#0"), false);
    tap.countCacheHit(QStringLiteral("claude-*"));
    CHECK(tap.metricsText().contains("switchboard_deployment_healthy{deployment=\"local#0\"} 0\n"));
    CHECK(tap.metricsText().contains("switchboard_cache_hits_total{model_group=\"claude-*\"} 1\n"));

    tap.flushSpendLog(true);
    SpendLog log;
    REQUIRE(log.open(dir.filePath(QStringLiteral("usage.sqlite"))).hasValue());
    CHECK(log.count() == 8);
    CHECK(log.last(1).value(0).request.requestId == QStringLiteral("req_8"));
}

TEST_CASE("snapshots reach subscribers at most four times a second")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    UsageSettings settings = settingsIn(dir);
    settings.spendLogPath.clear(); // stats only
    UsageTap tap(settings);
    CHECK_FALSE(tap.hasSpendLog());
    int snapshots = 0;
    StatsSnapshot lastSnapshot;
    QObject context;
    QObject::connect(&tap, &UsageTap::snapshot, &context, [&](const StatsSnapshot &snapshot) {
        ++snapshots;
        lastSnapshot = snapshot;
    });
    int index = 0;
    QTimer traffic;
    traffic.setInterval(5);
    QObject::connect(&traffic, &QTimer::timeout, &context, [&] {
        for (int i = 0; i < 10; ++i)
            tap.requestFinished(request(++index));
    });
    traffic.start();
    REQUIRE(sb::test::waitUntil([&] { return snapshots >= 1; }, 2000));
    const int first = snapshots;
    sb::test::spinFor(1000); // a second of constant traffic
    traffic.stop();
    const int inOneSecond = snapshots - first;
    INFO("snapshots in one second: " << inOneSecond << ", requests: " << index);
    CHECK(inOneSecond >= 2);
    CHECK(inOneSecond <= 5); // 4 a second, plus one for timer phase
    CHECK(lastSnapshot.requestsSinceStart > 0);
    CHECK(lastSnapshot.requestsSinceStart <= index);
}

TEST_CASE("a spend log that cannot be opened is a warning; stats and metrics go on")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    UsageSettings settings = settingsIn(dir);
    settings.spendLogPath = QStringLiteral("/proc/switchboard-no/usage.sqlite");
    UsageTap tap(settings);
    REQUIRE(tap.warnings().size() == 1);
    CHECK(tap.warnings().first().contains(QStringLiteral("not written to the spend log")));
    CHECK_FALSE(tap.hasSpendLog());
    tap.requestFinished(request(1));
    CHECK(tap.currentSnapshot().requestsSinceStart == 1);
}
