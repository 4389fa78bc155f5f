#include "MainWindow.h"
#include "RequestLogModel.h"
#include "usage/RequestRecord.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTableView>

using namespace sb;

namespace {
RequestRecord makeRecord(int status, const QString &model, qint64 in, qint64 out)
{
    RequestRecord record;
    record.startedAt = QDateTime::currentDateTimeUtc();
    record.method = QStringLiteral("POST");
    record.path = QStringLiteral("/v1/messages");
    record.clientModel = model;
    record.upstreamModel = QStringLiteral("qwen2.5-coder:7b");
    record.status = status;
    record.inputTokens = in;
    record.outputTokens = out;
    record.totalMs = 42;
    if (status >= 400)
        record.errorType = QStringLiteral("api_error");
    return record;
}
} // namespace

TEST_CASE("the request log model keeps the newest requests first, within its capacity")
{
    RequestLogModel model(3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    for (int i = 0; i < 5; ++i)
        model.addRecord(makeRecord(200, QStringLiteral("claude-%1").arg(i), 100 + i, 10));
    REQUIRE(model.rowCount() == 3);
    CHECK(model.data(model.index(0, RequestLogModel::Model)).toString() == QStringLiteral("claude-4"));
    CHECK(model.data(model.index(2, RequestLogModel::Model)).toString() == QStringLiteral("claude-2"));
    CHECK(model.data(model.index(0, RequestLogModel::InputTokens)).toString() == QStringLiteral("104"));
    CHECK(model.data(model.index(0, RequestLogModel::Duration)).toString() == QStringLiteral("42 ms"));
    CHECK(model.headerData(RequestLogModel::Deployment, Qt::Horizontal).toString() == QStringLiteral("Served by"));
}

TEST_CASE("the main window shows the gateway, copies Claude Code's settings and counts requests")
{
    MainWindow window;
    window.show();
    GatewayInfo info;
    info.baseUrl = QStringLiteral("http://127.0.0.1:4000");
    info.token = QStringLiteral("sb-test");
    info.configPath = QStringLiteral("/tmp/config.yaml");
    window.setGatewayInfo(info);
    CHECK(window.findChild<QLabel *>(QStringLiteral("statusLabel"))->text().contains(QStringLiteral("running")));
    CHECK(window.findChild<QLabel *>(QStringLiteral("addressLabel"))
              ->text()
              .contains(QStringLiteral("http://127.0.0.1:4000")));

    window.findChild<QPushButton *>(QStringLiteral("copySettingsButton"))->click();
    const QJsonObject env = QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8())
                                .object()
                                .value(QStringLiteral("env"))
                                .toObject();
    CHECK(env.value(QStringLiteral("ANTHROPIC_BASE_URL")).toString() == QStringLiteral("http://127.0.0.1:4000"));
    CHECK(env.value(QStringLiteral("ANTHROPIC_AUTH_TOKEN")).toString() == QStringLiteral("sb-test"));

    window.addRecord(makeRecord(200, QStringLiteral("claude-opus-5-5"), 1200, 30));
    window.addRecord(makeRecord(502, QStringLiteral("claude-opus-5-5"), -1, -1));
    RequestRecord probe = makeRecord(200, QString(), -1, -1);
    probe.method = QStringLiteral("GET");
    probe.path = QStringLiteral("/health");
    window.addRecord(probe);
    CHECK(window.findChild<QLabel *>(QStringLiteral("countsLabel"))->text() == QStringLiteral("2 requests, 1 failed"));
    CHECK(RequestLogModel::statusText(makeRecord(502, QString(), -1, -1)) == QStringLiteral("502 upstream error"));
    CHECK(window.findChild<QTableView *>(QStringLiteral("requestTable"))->model()->rowCount() == 2);

    GatewayInfo stopped;
    stopped.error = QStringLiteral("port 4000 is already in use");
    window.setGatewayInfo(stopped);
    CHECK(window.findChild<QLabel *>(QStringLiteral("statusLabel"))->text().contains(QStringLiteral("stopped")));
    CHECK_FALSE(window.findChild<QPushButton *>(QStringLiteral("copyTokenButton"))->isEnabled());
}
