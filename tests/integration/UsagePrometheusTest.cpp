// A real Prometheus server (Debian's `prometheus`) scrapes the gateway's /metrics with the
// gateway token, on loopback, and its query API returns what the gateway counted.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrlQuery>

using namespace sb;
using namespace sb::test;

namespace {

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// Prometheus's HTTP API answer to one instant query, or an empty object.
QJsonObject prometheusQuery(QNetworkAccessManager &network, quint16 port, const QString &query)
{
    QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v1/query").arg(port));
    QUrlQuery parameters;
    parameters.addQueryItem(QStringLiteral("query"), query);
    url.setQuery(parameters);
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    waitUntil([reply] { return reply->isFinished(); }, 5000);
    const QJsonObject answer = reply->isFinished() ? QJsonDocument::fromJson(reply->readAll()).object() : QJsonObject();
    reply->abort();
    reply->deleteLater();
    return answer;
}

// Ends the server however the test leaves: SIGTERM, then SIGKILL after 5 s.
struct ServerProcess
{
    QProcess process;
    ~ServerProcess()
    {
        if (process.state() == QProcess::NotRunning)
            return;
        process.terminate();
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

} // namespace

TEST_CASE("a real Prometheus server scrapes /metrics with the token and sees the gateway's counters")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    FakeOllama ollama;
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: 'claude-*'\n"
                                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n"
                                          "switchboard:\n"
                                          "  usage_db: '%2'\n")
                               .arg(ollama.baseUrl(), dir.filePath(QStringLiteral("usage.sqlite")))
                               .toUtf8());
    REQUIRE(gateway.started());
    for (int i = 0; i < 3; ++i)
        REQUIRE(
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), i == 1))
                .status == 200);

    const quint16 prometheusPort = freeLoopbackPort();
    REQUIRE(prometheusPort != 0);
    const QString configPath = dir.filePath(QStringLiteral("prometheus.yml"));
    {
        QFile config(configPath);
        REQUIRE(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("global:\n"
                                    "  scrape_interval: 1s\n"
                                    "  scrape_timeout: 1s\n"
                                    "scrape_configs:\n"
                                    "  - job_name: switchboard\n"
                                    "    authorization: {type: Bearer, credentials: %1}\n"
                                    "    static_configs:\n"
                                    "      - targets: ['127.0.0.1:%2']\n")
                         .arg(QLatin1String(GatewayHarness::kToken))
                         .arg(gateway.port())
                         .toUtf8());
    }
    ServerProcess prometheus;
    prometheus.process.setProcessChannelMode(QProcess::MergedChannels);
    prometheus.process.start(QStringLiteral(PROMETHEUS_EXECUTABLE),
                             {QStringLiteral("--config.file=") + configPath,
                              QStringLiteral("--storage.tsdb.path=") + dir.filePath(QStringLiteral("tsdb")),
                              QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(prometheusPort)});
    // No prometheus binary is a failure: install Debian's `prometheus`.
    REQUIRE(prometheus.process.waitForStarted(10000));

    QNetworkAccessManager network;
    double requests = -1;
    const bool scraped = waitUntil(
        [&] {
            const QJsonObject answer =
                prometheusQuery(network, prometheusPort,
                                QStringLiteral("sum(switchboard_requests_total{job=\"switchboard\",status=\"200\"})"));
            const QJsonArray result =
                answer.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
            if (result.isEmpty())
                return false;
            requests = result[0].toObject().value(QStringLiteral("value")).toArray().at(1).toString().toDouble();
            return requests >= 3;
        },
        60000);
    INFO("prometheus output: " << prometheus.process.readAll().toStdString());
    REQUIRE(scraped);
    CHECK(requests == 3);

    // The target is up and the histogram made it in whole.
    const QJsonObject up = prometheusQuery(network, prometheusPort, QStringLiteral("up{job=\"switchboard\"}"));
    const QJsonArray upResult = up.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
    REQUIRE(upResult.size() == 1);
    CHECK(upResult[0].toObject().value(QStringLiteral("value")).toArray().at(1).toString() == QStringLiteral("1"));
    const QJsonObject count =
        prometheusQuery(network, prometheusPort, QStringLiteral("sum(switchboard_request_duration_seconds_count)"));
    const QJsonArray countResult =
        count.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
    REQUIRE(countResult.size() == 1);
    CHECK(countResult[0].toObject().value(QStringLiteral("value")).toArray().at(1).toString().toDouble() >= 3);
}
