// The window over a real gateway on loopback and a fake Ollama: the Overview shows the
// address and copies it, health turns red with what to do when Ollama goes away, config
// problems appear and clear on reload, the tray's menu asks for things, and closing to the
// tray keeps serving.
#include "MainWindow.h"
#include "FakeOllama.h"
#include "TestWait.h"
#include "UiTestSupport.h"
#include "charts/LiveChart.h"
#include "config/ConfigLoader.h"
#include "controllers/GatewayController.h"
#include "models/DeploymentHealthModel.h"
#include "models/RequestLogModel.h"
#include "pages/OverviewPage.h"
#include "tray/GatewayTray.h"
#include "usage/RequestRecord.h"
#include "widgets/ProblemsPanel.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>

using namespace sb;
using namespace sb::test;

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

QString text(QWidget *root, const char *name)
{
    auto *label = root->findChild<QLabel *>(QLatin1String(name));
    REQUIRE(label);
    return label->text();
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
    CHECK(RequestLogModel::statusText(makeRecord(502, QString(), -1, -1)) == QStringLiteral("502 upstream error"));

    // A failure reads as the message the client got, not as a log line.
    RequestRecord failed = makeRecord(502, QStringLiteral("claude-opus"), -1, -1);
    failed.errorMessage =
        QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection — is `ollama serve` running?");
    failed.firstTokenMs = -1;
    model.addRecord(failed);
    CHECK(model.data(model.index(0, RequestLogModel::Detail)).toString() == failed.errorMessage);
    CHECK(model.data(model.index(0, RequestLogModel::FirstToken)).toString() == QStringLiteral("–"));
    CHECK_FALSE(model.data(model.index(0, RequestLogModel::Status), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("in=")));
}

TEST_CASE("the live chart's legend names deployments by model, and in full where that would not tell them apart")
{
    LiveChart chart(QStringLiteral("Output tokens/s"), QStringLiteral("tok/s"));
    const QString seven = QStringLiteral("ollama/qwen2.5-coder:7b@127.0.0.1:11434");
    const QString small = QStringLiteral("ollama/qwen2.5-coder:1.5b@127.0.0.1:11434");
    const QString sevenElsewhere = QStringLiteral("ollama/qwen2.5-coder:7b@10.0.0.2:11434");
    const qint64 now = 1'000'000;
    chart.buffer().append(seven, now - 1000, 40);
    chart.buffer().append(small, now - 1000, 80);
    chart.buffer().append(QStringLiteral("my-id"), now - 1000, 10);
    chart.redraw(now);
    CHECK(chart.legendLabel(seven) == QStringLiteral("qwen2.5-coder:7b"));
    CHECK(chart.legendLabel(small) == QStringLiteral("qwen2.5-coder:1.5b"));
    CHECK(chart.legendLabel(QStringLiteral("my-id")) == QStringLiteral("my-id")); // a model_info.id as written
    // The same model on a second host: both lines then carry their whole names.
    chart.buffer().append(sevenElsewhere, now - 500, 20);
    chart.redraw(now);
    CHECK(chart.legendLabel(seven) == seven);
    CHECK(chart.legendLabel(sevenElsewhere) == sevenElsewhere);
    CHECK(chart.legendLabel(small) == QStringLiteral("qwen2.5-coder:1.5b"));
}

TEST_CASE("the deployment health model passes the model tester and keeps its rows on refresh")
{
    DeploymentHealthModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    DeploymentHealth row;
    row.id = QStringLiteral("ollama/qwen2.5-coder:7b@127.0.0.1:11434");
    row.modelName = QStringLiteral("claude-*");
    row.state = DeploymentHealth::State::Reachable;
    row.latencyMs = 4;
    model.setDeployments({row});
    CHECK(model.rowCount() == 1);
    CHECK(model.data(model.index(0, DeploymentHealthModel::Serves)).toString() == QStringLiteral("claude-*"));
    CHECK(model.data(model.index(0, DeploymentHealthModel::Deployment)).toString() == row.id);
    CHECK(model.data(model.index(0, DeploymentHealthModel::Latency)).toString() == QStringLiteral("4 ms"));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    row.state = DeploymentHealth::State::Unreachable;
    row.message = QStringLiteral("Ollama at 127.0.0.1:11434 not reachable: is `ollama serve` running?");
    model.setDeployments({row});
    CHECK(resets.count() == 0);
    CHECK(model.data(model.index(0, DeploymentHealthModel::State)).toString() == QStringLiteral("● not reachable"));
    CHECK(model.data(model.index(0, DeploymentHealthModel::Message)).toString() == row.message);
    model.setDeployments({});
    CHECK(model.rowCount() == 0);
}

TEST_CASE("the overview shows the running gateway, copies its address and token, and turns red when Ollama goes")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    ollama.setTurn(FakeTurn::withText(QStringLiteral("hello")));
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, ollamaConfig(ollama.baseUrl(), {}, QDir(dir.path()).filePath(QStringLiteral("usage.sqlite"))));
    GatewayController gateway(gatewaySetupFor(path));
    gateway.setProbeIntervalMs(200);
    MainWindow window(&gateway);
    auto *overview = new OverviewPage(&gateway, &window);
    window.addPage(QStringLiteral("overview"), QStringLiteral("Overview"), QString(), overview);
    window.show();
    gateway.start();

    REQUIRE(waitUntil([&] { return gateway.health().level == GatewayHealth::Level::Healthy; }, 10000));
    CHECK(text(&window, "statusLabel").contains(QStringLiteral("reachable")));
    CHECK(text(&window, "addressLabel").contains(gateway.baseUrl()));
    CHECK(text(&window, "statusHealth").contains(QStringLiteral("1 of 1 deployments reachable")));
    CHECK(text(&window, "statusAddress") == gateway.baseUrl());
    auto *healthTable = window.findChild<QTableView *>(QStringLiteral("healthTable"));
    REQUIRE(healthTable);
    CHECK(healthTable->model()->data(healthTable->model()->index(0, DeploymentHealthModel::State)).toString() ==
          QStringLiteral("● reachable"));

    window.findChild<QPushButton *>(QStringLiteral("copyUrlButton"))->click();
    CHECK(QGuiApplication::clipboard()->text() == gateway.baseUrl());
    window.findChild<QPushButton *>(QStringLiteral("copyTokenButton"))->click();
    CHECK(QGuiApplication::clipboard()->text() == QStringLiteral("sb-test"));

    // A request through the gateway lands in the table.
    CHECK(postMessage(gateway.baseUrl(), QStringLiteral("sb-test")) == 200);
    auto *requests = window.findChild<QTableView *>(QStringLiteral("requestTable"));
    REQUIRE(waitUntil([&] { return requests->model()->rowCount() == 1; }));
    CHECK(requests->model()->data(requests->model()->index(0, RequestLogModel::Status)).toString() ==
          QStringLiteral("200 OK"));
    CHECK(text(&window, "countsLabel") == QStringLiteral("1 requests, 0 failed"));
    // A local model costs nothing, and the table says so (priced as the gateway prices it).
    CHECK(requests->model()->data(requests->model()->index(0, RequestLogModel::Cost)).toString() ==
          QStringLiteral("$0"));
    // The charts get the snapshots.
    auto *chart = window.findChild<LiveChart *>(QStringLiteral("requestChart"));
    REQUIRE(chart);
    REQUIRE(waitUntil([&] { return chart->pointCount(QStringLiteral("requests")) > 0; }));
    // The spend log is read off the GUI thread, once its batch has landed.
    REQUIRE(waitUntil(
        [&] {
            gateway.refreshSpend();
            return gateway.spend().available && gateway.spend().requestsToday == 1;
        },
        10000));
    CHECK(text(&window, "costLabel").contains(QStringLiteral("Today $0.00")));

    // Ollama stops: the next failure and the probes turn the state red, saying what to do.
    ollama.refuse();
    CHECK(postMessage(gateway.baseUrl(), QStringLiteral("sb-test")) >= 500);
    REQUIRE(waitUntil([&] { return gateway.health().level == GatewayHealth::Level::Down; }, 10000));
    CHECK(text(&window, "statusLabel").contains(QStringLiteral("is `ollama serve` running?")));
    CHECK(text(&window, "statusHealth").contains(QStringLiteral("0 of 1 deployments reachable")));
    REQUIRE(waitUntil([&] { return requests->model()->rowCount() == 2; }));
    CHECK(requests->model()
              ->data(requests->model()->index(0, RequestLogModel::Detail))
              .toString()
              .contains(QStringLiteral("Ollama")));

    REQUIRE(ollama.restart());
    // Back again: green after a probe once the cooldown is over.
    REQUIRE(waitUntil([&] { return gateway.health().level == GatewayHealth::Level::Healthy; }, 15000));

    // Stop: the buttons follow.
    window.findChild<QPushButton *>(QStringLiteral("stopButton"))->click();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Stopped; }));
    CHECK(text(&window, "statusLabel").contains(QStringLiteral("stopped")));
    CHECK_FALSE(window.findChild<QPushButton *>(QStringLiteral("copyTokenButton"))->isEnabled());
    CHECK(window.findChild<QPushButton *>(QStringLiteral("startButton"))->isEnabled());
}

TEST_CASE("a config with an error opens the window with its problems; fixing it starts the gateway")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, QStringLiteral("model_list:\n"
                                  "  - model_name: main\n"
                                  "    litellm_params: {model: ollama/m, api_base: '%1', num_ctx: \"lots\"}\n")
                       .arg(ollama.baseUrl())
                       .toUtf8());
    GatewayController gateway(gatewaySetupFor(path));
    REQUIRE_FALSE(gateway.problems().isEmpty());
    OverviewPage overview(&gateway);
    overview.show();
    gateway.start();
    CHECK(gateway.state() == ProxyService::State::Stopped);
    CHECK(gateway.health().level == GatewayHealth::Level::Failed);
    CHECK_FALSE(overview.findChild<QPushButton *>(QStringLiteral("startButton"))->isEnabled());
    auto *panel = overview.findChild<ProblemsPanel *>(QStringLiteral("problemsPanel"));
    REQUIRE(panel);
    CHECK(panel->isVisible());
    auto *list = overview.findChild<QTreeWidget *>(QStringLiteral("problemsList"));
    REQUIRE(list->topLevelItemCount() >= 1);
    CHECK(list->topLevelItem(0)->text(0) == QStringLiteral("error"));
    CHECK(list->topLevelItem(0)->text(1) == QStringLiteral("config.yaml:3"));
    CHECK(list->topLevelItem(0)->text(2).contains(QStringLiteral("num_ctx")));

    saveFile(path, ollamaConfig(ollama.baseUrl()));
    QSignalSpy changes(&gateway, &GatewayController::configChanged);
    overview.findChild<QPushButton *>(QStringLiteral("reloadConfigButton"))->click();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }, 10000));
    CHECK(gateway.problems().isEmpty());
    CHECK_FALSE(panel->isVisible());
    CHECK(changes.count() >= 1);
    CHECK(postMessage(gateway.baseUrl(), QStringLiteral("sb-test")) == 200);

    // A saved change is applied and described; a broken save keeps the good config serving.
    saveFile(path, ollamaConfig(ollama.baseUrl(), QStringLiteral("router_settings: {routing_strategy: least-busy}\n")));
    QSignalSpy notices(&gateway, &GatewayController::notice);
    REQUIRE(waitUntil(
        [&] {
            for (const QList<QVariant> &args : notices) {
                if (args.first().toString().contains(QStringLiteral("routing strategy")))
                    return true;
            }
            return false;
        },
        10000));
    saveFile(path, "model_list: [\n");
    REQUIRE(waitUntil([&] { return !gateway.problems().isEmpty(); }, 10000));
    CHECK(panel->isVisible());
    CHECK(gateway.state() == ProxyService::State::Running);
    CHECK(postMessage(gateway.baseUrl(), QStringLiteral("sb-test")) == 200);
}

TEST_CASE("a restart onto a non-loopback address without a master key is refused")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, ollamaConfig(ollama.baseUrl()));
    GatewaySetup setup = gatewaySetupFor(path);
    setup.hostOverride = QStringLiteral("0.0.0.0");
    GatewayController gateway(setup);
    gateway.start();
    CHECK(gateway.state() == ProxyService::State::Stopped);
    CHECK(gateway.health().level == GatewayHealth::Level::Failed);
    CHECK(gateway.health().detail.contains(QStringLiteral("master_key")));
}

TEST_CASE("the tray's menu asks for things and its look follows the state")
{
    GatewayTray tray;
    QSignalSpy show(&tray, &GatewayTray::showWindowRequested);
    QSignalSpy start(&tray, &GatewayTray::startRequested);
    QSignalSpy stop(&tray, &GatewayTray::stopRequested);
    QSignalSpy quit(&tray, &GatewayTray::quitRequested);
    auto action = [&tray](const char *name) {
        auto *found = tray.menu()->findChild<QAction *>(QLatin1String(name));
        REQUIRE(found);
        return found;
    };
    action("trayOpen")->trigger();
    CHECK(show.count() == 1);
    tray.setRunning(false);
    action("trayStartStop")->trigger();
    CHECK(start.count() == 1);
    tray.setRunning(true);
    CHECK(action("trayStartStop")->text() == QStringLiteral("Stop gateway"));
    action("trayStartStop")->trigger();
    CHECK(stop.count() == 1);
    action("trayQuit")->trigger();
    CHECK(quit.count() == 1);
    tray.setTokensPerSecond(42.4);
    CHECK(action("traySpeed")->text() == QStringLiteral("42 output tokens/s now"));
    tray.setTokensPerSecond(-1); // usage stats off: no speed to show
    CHECK(action("traySpeed")->text() == QStringLiteral("Output speed: stats off"));
    // Claude Code entries only when a handler exists.
    CHECK_FALSE(action("trayConnect")->isVisible());
    tray.setClaudeCodeEntries(true, false);
    CHECK(action("trayConnect")->isVisible());
    CHECK_FALSE(action("trayDisconnect")->isVisible());
    tray.setLook(GatewayTray::Look::Problem, QStringLiteral("Ollama not reachable"));
    CHECK(tray.look() == GatewayTray::Look::Problem);
}

TEST_CASE("closing the window to the tray keeps the gateway serving; pages and geometry are remembered")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, ollamaConfig(ollama.baseUrl()));
    GatewayController gateway(gatewaySetupFor(path));
    {
        MainWindow window(&gateway);
        window.addPage(QStringLiteral("overview"), QStringLiteral("Overview"), QString(), new OverviewPage(&gateway));
        auto *second = new QWidget;
        second->setObjectName(QStringLiteral("page-second"));
        window.addPage(QStringLiteral("second"), QStringLiteral("Second"), QString(), second);
        window.setCloseToTray(true);
        window.resize(820, 510);
        window.show();
        gateway.start();
        REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }));
        CHECK(window.showPage(QStringLiteral("second")));
        CHECK(window.findChild<QStackedWidget *>(QStringLiteral("pages"))->currentWidget()->isAncestorOf(second));
        CHECK(second->isVisible());
        CHECK_FALSE(window.showPage(QStringLiteral("nope")));

        QSignalSpy toTray(&window, &MainWindow::closedToTray);
        QSignalSpy quit(&window, &MainWindow::quitRequested);
        window.close();
        CHECK(toTray.count() == 1);
        CHECK(quit.count() == 0);
        CHECK_FALSE(window.isVisible());
        CHECK(gateway.state() == ProxyService::State::Running);
        CHECK(postMessage(gateway.baseUrl(), QStringLiteral("sb-test")) == 200);

        // Without the tray, closing asks to quit.
        window.show();
        window.setCloseToTray(false);
        window.close();
        CHECK(quit.count() == 1);
    }
    MainWindow again(&gateway);
    again.addPage(QStringLiteral("overview"), QStringLiteral("Overview"), QString(), new QWidget);
    again.addPage(QStringLiteral("second"), QStringLiteral("Second"), QString(), new QWidget);
    again.restoreState();
    CHECK(again.currentPage() == QStringLiteral("second"));
    CHECK(QSettings().value(QStringLiteral("window/geometry")).toByteArray().size() > 0);
    // The menu's View entries switch pages by shortcut.
    auto *first = again.findChild<QAction *>(QStringLiteral("actionPage-overview"));
    REQUIRE(first);
    CHECK(first->shortcut() == QKeySequence(QStringLiteral("Ctrl+1")));
    first->trigger();
    CHECK(again.currentPage() == QStringLiteral("overview"));
}

TEST_CASE("Run doctor shows the doctor's checks with what to do, off the GUI thread")
{
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, ollamaConfig(ollama.baseUrl(), {}, QDir(dir.path()).filePath(QStringLiteral("usage.sqlite"))));
    GatewayController gateway(gatewaySetupFor(path));
    MainWindow window(&gateway);
    auto *overview = new OverviewPage(&gateway, &window);
    window.addPage(QStringLiteral("overview"), QStringLiteral("Overview"), QString(), overview);
    window.show();
    gateway.start();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }, 10000));

    auto *button = window.findChild<QPushButton *>(QStringLiteral("runDoctorButton"));
    REQUIRE(button);
    button->click();
    auto *panel = window.findChild<QDialog *>(QStringLiteral("doctorPanel"));
    REQUIRE(panel);
    CHECK(panel->isVisible());
    CHECK_FALSE(button->isEnabled()); // one run at a time
    auto *checks = panel->findChild<QTreeWidget *>(QStringLiteral("doctorChecks"));
    REQUIRE(checks);
    REQUIRE(waitUntil([&] { return checks->topLevelItemCount() > 0; }, 20000));
    CHECK(button->isEnabled());
    // The gateway answers; the checks are the CLI's (ids as `switchboard doctor --json` gives).
    bool gatewayOk = false;
    for (int i = 0; i < checks->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = checks->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == QStringLiteral("gateway"))
            gatewayOk = item->text(0) == QStringLiteral("ok") && item->text(1).contains(gateway.baseUrl());
    }
    CHECK(gatewayOk);
    // Failures (if any) come first, and each says what to do.
    const QTreeWidgetItem *first = checks->topLevelItem(0);
    if (first->text(0) == QStringLiteral("failed"))
        CHECK(first->text(2).contains(QStringLiteral("Fix: ")));
    CHECK_FALSE(panel->findChild<QLabel *>(QStringLiteral("doctorSummary"))->text().isEmpty());
    if (!qEnvironmentVariableIsEmpty("SWITCHBOARD_SHOT_DIR")) // to look at it
        panel->grab().save(qEnvironmentVariable("SWITCHBOARD_SHOT_DIR") + QStringLiteral("/doctor.png"));

    // Stopped: it says the gateway does not answer where it would.
    gateway.stop();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Stopped; }));
    button->click();
    REQUIRE(waitUntil([&] { return button->isEnabled() && checks->topLevelItemCount() > 0; }, 20000));
    CHECK(checks->topLevelItem(0)->text(0) == QStringLiteral("failed"));
    CHECK(panel->findChild<QLabel *>(QStringLiteral("doctorSummary"))->text().contains(QStringLiteral("failed")));
}

TEST_CASE("Quit asks while a stream is open, and the stop that follows lets the stream finish")
{
    // The in-flight count is the gateway's own, so it holds with usage stats off too.
    const bool usageOn = GENERATE(true, false);
    CAPTURE(usageOn);
    QTemporaryDir dir;
    isolateSettings(dir);
    FakeOllama ollama;
    FakeTurn turn = FakeTurn::withText(QStringLiteral("one two three four five six seven eight"));
    turn.textPieces = 8;
    ollama.setTurn(turn);
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    saveFile(path, ollamaConfig(ollama.baseUrl(), {},
                                usageOn ? QDir(dir.path()).filePath(QStringLiteral("usage.sqlite")) : QString()));
    GatewayController gateway(gatewaySetupFor(path));
    MainWindow window(&gateway);
    window.addPage(QStringLiteral("overview"), QStringLiteral("Overview"), QString(), new OverviewPage(&gateway));
    window.show();
    gateway.start();
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Running; }));
    auto *inFlightLabel = window.findChild<QLabel *>(QStringLiteral("statusInFlight"));
    auto *speedLabel = window.findChild<QLabel *>(QStringLiteral("statusSpeed"));
    auto *statsOff = window.findChild<QLabel *>(QStringLiteral("statsOffLabel"));
    auto *charts = window.findChild<QWidget *>(QStringLiteral("speedChart"));
    REQUIRE(inFlightLabel);
    REQUIRE(speedLabel);
    REQUIRE(statsOff);
    REQUIRE(charts);
    CHECK(gateway.usageStatsOn() == usageOn);
    CHECK(inFlightLabel->text() == QStringLiteral("0 in flight"));
    // With stats off the window says so instead of showing a speed of 0 and empty charts.
    CHECK(speedLabel->text() == (usageOn ? QStringLiteral("0.0 tok/s") : QStringLiteral("stats off")));
    CHECK(statsOff->isHidden() == usageOn);
    CHECK(charts->isVisibleTo(&window) == usageOn);

    // Answers the question the window asks (if any) with the button whose text is `answer`,
    // and remembers what it said.
    QString asked;
    auto answerWith = [&asked](const QString &answer) {
        asked.clear();
        auto *timer = new QTimer;
        timer->setInterval(20);
        QObject::connect(timer, &QTimer::timeout, timer, [timer, answer, &asked] {
            for (QWidget *top : QApplication::topLevelWidgets()) {
                auto *box = qobject_cast<QMessageBox *>(top);
                if (!box || box->objectName() != QStringLiteral("quitConfirmation") || !box->isVisible())
                    continue;
                asked = box->text() + QLatin1Char(' ') + box->informativeText();
                for (QAbstractButton *button : box->buttons()) {
                    if (button->text() == answer) {
                        timer->deleteLater();
                        button->click();
                        return;
                    }
                }
            }
        });
        timer->start();
        return timer;
    };

    // Nothing in flight: quitting asks nothing.
    QPointer<QTimer> idle = answerWith(QStringLiteral("Quit"));
    CHECK(window.confirmQuit(3));
    CHECK(asked.isEmpty());
    delete idle.data();

    // A stream that takes a second and a half: open while the questions are asked, and well
    // inside the 3 s grace of the stop (a loaded CI machine stretches the chunk delays).
    ollama.setChunkDelay(150);
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(gateway.baseUrl() + QStringLiteral("/v1/messages")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("x-api-key", "sb-test");
    request.setRawHeader("anthropic-version", "2023-06-01");
    const QJsonObject body{
        {QStringLiteral("model"), QStringLiteral("main")},
        {QStringLiteral("max_tokens"), 64},
        {QStringLiteral("stream"), true},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("count")}}}}};
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    QByteArray received;
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] { received += reply->readAll(); });
    REQUIRE(waitUntil([&] { return gateway.inFlight() == 1; }, 10000));
    CHECK(inFlightLabel->text() == QStringLiteral("1 in flight"));

    // Keep Running: no quit, the stream goes on.
    answerWith(QStringLiteral("Keep Running"));
    CHECK_FALSE(window.confirmQuit(3));
    CHECK(asked.contains(QStringLiteral("1 request(s) in flight")));
    CHECK(asked.contains(QStringLiteral("3 second(s)")));
    CHECK_FALSE(reply->isFinished());

    // Quit: yes; then the drain the app runs after its event loop (stop with a grace).
    answerWith(QStringLiteral("Quit"));
    CHECK(window.confirmQuit(3));
    CHECK_FALSE(reply->isFinished());
    gateway.service()->stop(3000);
    REQUIRE(waitUntil([&] { return reply->isFinished(); }, 10000));
    received += reply->readAll();
    CHECK(reply->error() == QNetworkReply::NoError);
    CHECK(received.contains("eight"));
    CHECK(received.contains("event: message_stop"));
    REQUIRE(waitUntil([&] { return gateway.state() == ProxyService::State::Stopped; }));
    CHECK(gateway.inFlight() == 0);
    delete reply;
}
