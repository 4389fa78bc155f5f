// The usage tap inside a real gateway: GET /stats, /logs and /metrics (token rules,
// metrics_open, usage off), live snapshots through ProxyService, the spend log on disk.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"
#include "usage/SpendLog.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

QByteArray configFor(const FakeOllama &ollama, const QTemporaryDir &dir, const char *extra = "")
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: 'claude-*'\n"
                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n"
                          "switchboard:\n"
                          "  usage_db: '%2'\n")
               .arg(ollama.baseUrl(), dir.filePath(QStringLiteral("usage.sqlite")))
               .toUtf8() +
           extra;
}

const GatewayHarness::Headers kNoToken = {};

} // namespace

TEST_CASE("GET /stats, /logs and /metrics report the requests the gateway answered")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama, dir));
    REQUIRE(gateway.started());
    const QString id = QStringLiteral("ollama/qwen2.5-coder:7b@") + hostPort(ollama.baseUrl());
    QList<StatsSnapshot> snapshots;
    QObject context;
    QObject::connect(&gateway.service(), &ProxyService::statsSnapshot, &context,
                     [&](const StatsSnapshot &snapshot) { snapshots.append(snapshot); });

    for (int i = 0; i < 3; ++i)
        REQUIRE(
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false))
                .status == 200);
    const HttpResult streamed =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-sonnet-4-5"), true));
    REQUIRE(streamed.status == 200);
    const HttpResult refused = gateway.get(QStringLiteral("/v1/models"), kNoToken);
    REQUIRE(refused.status == 401); // counted as a request too
    const QString refusal =
        refused.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    REQUIRE_FALSE(refusal.isEmpty());
    REQUIRE(waitUntil([&] { return gateway.records().size() == 5; }));

    const HttpResult stats = gateway.get(QStringLiteral("/stats"));
    REQUIRE(stats.status == 200);
    const QJsonObject total = stats.json().value(QStringLiteral("total")).toObject();
    INFO(stats.body.toStdString());
    CHECK(total.value(QStringLiteral("1m")).toObject().value(QStringLiteral("requests")).toInt() == 5);
    CHECK(total.value(QStringLiteral("1m")).toObject().value(QStringLiteral("errors")).toInt() == 1);
    CHECK(total.value(QStringLiteral("in_flight")).toInt() == 0);
    CHECK(total.value(QStringLiteral("1m")).toObject().value(QStringLiteral("ttft_p50_ms")).isDouble());
    const QJsonArray deployments = stats.json().value(QStringLiteral("deployments")).toArray();
    REQUIRE(deployments.size() == 1);
    CHECK(deployments[0].toObject().value(QStringLiteral("deployment")).toString() == id);
    CHECK(deployments[0].toObject().value(QStringLiteral("1m")).toObject().value(QStringLiteral("requests")).toInt() ==
          4);
    // A local model costs nothing; the client asked for Claude, so every request saved money.
    CHECK(stats.json().value(QStringLiteral("cost_usd_since_start")).toDouble() == 0);
    CHECK(stats.json().value(QStringLiteral("saved_usd_since_start")).toDouble() > 0);

    const HttpResult logs = gateway.get(QStringLiteral("/logs?limit=2"));
    REQUIRE(logs.status == 200);
    const QJsonArray entries = logs.json().value(QStringLiteral("logs")).toArray();
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].toObject().value(QStringLiteral("status")).toInt() == 401);
    // A failure says what the client was told; a success has no message.
    CHECK(entries[0].toObject().value(QStringLiteral("error_message")).toString() == refusal);
    CHECK(entries[1].toObject().value(QStringLiteral("error_message")).toString().isEmpty());
    const QJsonObject streamedEntry = entries[1].toObject();
    CHECK(streamedEntry.value(QStringLiteral("model")).toString() == QStringLiteral("claude-sonnet-4-5"));
    CHECK(streamedEntry.value(QStringLiteral("deployment")).toString() == id);
    CHECK(streamedEntry.value(QStringLiteral("stream")).toBool());
    CHECK(streamedEntry.value(QStringLiteral("input_tokens")).toInt() > 0);
    CHECK(streamedEntry.value(QStringLiteral("output_tokens")).toInt() > 0);
    CHECK(streamedEntry.value(QStringLiteral("saved_usd")).toDouble() > 0);
    CHECK(gateway.get(QStringLiteral("/logs")).json().value(QStringLiteral("count")).toInt() == 5);

    const HttpResult metrics = gateway.get(QStringLiteral("/metrics"));
    REQUIRE(metrics.status == 200);
    CHECK(metrics.header("content-type").startsWith("text/plain; version=0.0.4"));
    CHECK(metrics.body.contains(
        QStringLiteral("switchboard_requests_total{model_group=\"claude-*\",deployment=\"%1\",status=\"200\"} 4\n")
            .arg(id)
            .toUtf8()));
    CHECK(metrics.body.contains(
        QStringLiteral("switchboard_requests_in_flight{deployment=\"%1\"} 0\n").arg(id).toUtf8()));
    QProcess promtool;
    promtool.start(QStringLiteral(PROMTOOL_EXECUTABLE), {QStringLiteral("check"), QStringLiteral("metrics")});
    REQUIRE(promtool.waitForStarted(10000)); // no promtool: install Debian's `prometheus`
    promtool.write(metrics.body);
    promtool.closeWriteChannel();
    REQUIRE(promtool.waitForFinished(30000));
    INFO(promtool.readAll().toStdString());
    CHECK(promtool.exitCode() == 0);

    // The observability endpoints are not requests of their own in the stats.
    CHECK(gateway.get(QStringLiteral("/stats")).json().value(QStringLiteral("requests_since_start")).toInt() == 5);

    // Snapshots reach the owner's thread as values.
    REQUIRE(waitUntil([&] { return !snapshots.isEmpty() && snapshots.last().requestsSinceStart == 5; }, 3000));

    // The spend log on disk gets every record within its flush interval.
    SpendLog log;
    REQUIRE(log.open(dir.filePath(QStringLiteral("usage.sqlite"))).hasValue());
    REQUIRE(waitUntil([&] { return log.count() == 5; }, 3000));
    CHECK(log.totals(SpendGrouping::Model).size() == 3); // opus, sonnet, and the 401's empty model

    // Everything needs the token (refusals are requests like any other).
    CHECK(gateway.get(QStringLiteral("/stats"), kNoToken).status == 401);
    CHECK(gateway.get(QStringLiteral("/logs"), kNoToken).status == 401);
    CHECK(gateway.get(QStringLiteral("/metrics"), kNoToken).status == 401);
    CHECK(gateway.get(QStringLiteral("/stats")).json().value(QStringLiteral("requests_since_start")).toInt() == 8);
}

TEST_CASE("switchboard.metrics_open opens /metrics only; usage_enabled: false turns the endpoints off")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    FakeOllama ollama;
    {
        GatewayHarness open(configFor(ollama, dir, "  metrics_open: true\n"));
        REQUIRE(open.started());
        CHECK(open.get(QStringLiteral("/metrics"), kNoToken).status == 200);
        CHECK(open.get(QStringLiteral("/stats"), kNoToken).status == 401);
    }
    {
        GatewayHarness off(configFor(ollama, dir, "  usage_enabled: false\n"));
        REQUIRE(off.started());
        REQUIRE(off.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false))
                    .status == 200);
        const HttpResult stats = off.get(QStringLiteral("/stats"));
        CHECK(stats.status == 404);
        CHECK(stats.body.contains("usage_enabled"));
        CHECK(off.get(QStringLiteral("/metrics")).status == 404);
    }
}
