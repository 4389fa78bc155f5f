#include "usage/LiveStats.h"

#include <catch2/catch.hpp>

#include <QJsonArray>

using namespace sb;

namespace {

UsageRecord finished(const QString &deployment, int status, qint64 output, qint64 firstTokenMs, qint64 totalMs)
{
    UsageRecord usage;
    usage.request.deployment = deployment;
    usage.request.status = status;
    usage.request.outputTokens = output;
    usage.request.firstTokenMs = firstTokenMs;
    usage.request.totalMs = totalMs;
    usage.costUsd = 0.5;
    usage.savedUsd = 1.5;
    return usage;
}

constexpr qint64 kStart = 1'000'000'000;

} // namespace

TEST_CASE("TTFT bins are within 10 % of the values they hold")
{
    for (double ms : {1.0, 5.0, 42.0, 100.0, 999.0, 12345.0, 300000.0}) {
        const double shown = LiveStats::binValue(LiveStats::binOf(ms));
        INFO(ms << " → " << shown);
        CHECK(std::abs(shown - ms) / ms <= 0.10);
    }
    CHECK(LiveStats::binOf(0) == 0);
    CHECK(LiveStats::binOf(1e12) == LiveStats::kBins - 1);
}

TEST_CASE("rolling windows: rates, percentiles, error rate and in-flight per deployment and in total")
{
    LiveStats stats(kStart);
    // 120 requests over the first 60 s on deployment a: TTFT 100 ms for 90 of them, 2 s for
    // 30; every tenth a 500; 20 output tokens each over 0.5 s of generation (40 tokens/s).
    for (int i = 0; i < 120; ++i) {
        stats.requestStarted(QStringLiteral("a"));
        stats.requestEnded(QStringLiteral("a"));
        const qint64 ttft = i % 4 == 3 ? 2000 : 100;
        stats.requestFinished(finished(QStringLiteral("a"), i % 10 == 9 ? 500 : 200, 20, ttft, ttft + 500),
                              kStart + i * 500);
    }
    stats.requestStarted(QStringLiteral("b"));
    stats.requestStarted(QStringLiteral("b"));
    stats.requestStarted(QStringLiteral("a"));
    CHECK(stats.inFlight() == 3);
    CHECK(stats.inFlight(QStringLiteral("b")) == 2);

    const qint64 now = kStart + 60'000;
    const StatsSnapshot snapshot = stats.snapshot(now);
    CHECK(snapshot.requestsSinceStart == 120);
    CHECK(snapshot.costUsdSinceStart == Approx(60));
    CHECK(snapshot.savedUsdSinceStart == Approx(180));
    CHECK(snapshot.total.inFlight == 3);
    const WindowStats &minute = snapshot.total.windows[0];
    CHECK(minute.seconds == 60);
    // The bucket holding t=0 has just left the 1-minute window (2 requests a second).
    CHECK(minute.requests == 118);
    CHECK(minute.requestsPerSecond == Approx(118.0 / 60));
    CHECK(minute.outputTokensPerSecond == Approx(118.0 * 20 / 60));
    CHECK(minute.generationTokensPerSecond == Approx(40));
    CHECK(minute.errorRate == Approx(12.0 / 118).epsilon(0.02));
    CHECK(minute.ttftP50Ms == Approx(100).epsilon(0.10));
    CHECK(minute.ttftP95Ms == Approx(2000).epsilon(0.10));
    // The 5-minute and 1-hour windows still hold everything, over the minute that has passed.
    CHECK(snapshot.total.windows[1].requests == 120);
    CHECK(snapshot.total.windows[2].requests == 120);
    CHECK(snapshot.total.windows[2].requestsPerSecond == Approx(120.0 / 60));

    REQUIRE(snapshot.deployments.size() == 2);
    CHECK(snapshot.deployments[0].deployment == QStringLiteral("a"));
    CHECK(snapshot.deployments[0].inFlight == 1);
    CHECK(snapshot.deployments[0].windows[2].requests == 120);
    CHECK(snapshot.deployments[1].deployment == QStringLiteral("b"));
    CHECK(snapshot.deployments[1].inFlight == 2);
    CHECK(snapshot.deployments[1].windows[0].requests == 0);
    CHECK(snapshot.deployments[1].windows[0].ttftP50Ms < 0);

    // Ten minutes on: only the hour remembers.
    const StatsSnapshot later = stats.snapshot(kStart + 11 * 60'000);
    CHECK(later.total.windows[0].requests == 0);
    CHECK(later.total.windows[1].requests == 0);
    CHECK(later.total.windows[2].requests == 120);
    // Two hours on: nothing.
    CHECK(stats.snapshot(kStart + 2 * 3600'000).total.windows[2].requests == 0);

    const QJsonObject json = snapshot.toJson();
    CHECK(json.value(QStringLiteral("total"))
              .toObject()
              .value(QStringLiteral("1m"))
              .toObject()
              .value(QStringLiteral("requests"))
              .toInt() == 118);
    CHECK(json.value(QStringLiteral("deployments")).toArray().size() == 2);
}

TEST_CASE("in flight never goes below zero and rejected requests count without a deployment")
{
    LiveStats stats(kStart);
    stats.requestEnded(QStringLiteral("x"));
    CHECK(stats.inFlight() == 0);
    stats.requestFinished(finished(QString(), 401, -1, -1, 1), kStart + 10);
    const StatsSnapshot snapshot = stats.snapshot(kStart + 1000);
    CHECK(snapshot.total.windows[0].requests == 1);
    CHECK(snapshot.total.windows[0].errorRate == Approx(1.0));
    CHECK(snapshot.deployments.size() == 1); // "x" from requestEnded, with nothing in it
}
