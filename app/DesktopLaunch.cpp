#include "DesktopLaunch.h"

#include "GatewayLifetime.h"

#include "GatewayLauncher.h"
#include "MainWindow.h"
#include "config/ConfigLoader.h"
#include "controllers/ClaudeCodeController.h"
#include "controllers/GatewayController.h"
#include "controllers/HardwareController.h"
#include "controllers/MappingsController.h"
#include "controllers/ModelsController.h"
#include "controllers/ProvidersController.h"
#include "controllers/SettingsController.h"
#include "doctor/DoctorInputs.h"
#include "hardware/ModelCatalog.h"
#include "models/MappingTableModel.h"
#include "ollama/OllamaClient.h"
#include "ollama/OllamaPulls.h"
#include "pages/ClaudeCodePage.h"
#include "pages/HardwarePage.h"
#include "pages/MappingsPage.h"
#include "pages/ModelsPage.h"
#include "pages/OverviewPage.h"
#include "pages/ProvidersPage.h"
#include "pages/RequestsPage.h"
#include "pages/SettingsPage.h"
#include "secrets/SecretStore.h"
#include "tray/GatewayTray.h"
#include "usage/SpendLogReader.h"
#include "usage/UsageSettings.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QMessageBox>
#include <QSettings>
#include <QSocketNotifier>
#include <QStatusBar>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <memory>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace sb {

namespace {

// One instance per user and config file: two windows on one config would fight over its port.
QString instanceKey(const QString &configPath)
{
    const QByteArray identity = qgetenv("USER") + '\n' + QFileInfo(configPath).absoluteFilePath().toUtf8();
    return QStringLiteral("switchboard-") +
           QString::fromLatin1(QCryptographicHash::hash(identity, QCryptographicHash::Sha1).toHex().left(16));
}

QString lockPath(const QString &key)
{
    return QDir(QDir::tempPath()).filePath(key + QStringLiteral(".lock"));
}

#ifdef Q_OS_UNIX
int g_quitPipe[2] = {-1, -1};
void onQuitSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_quitPipe[1], &byte, 1);
}
#endif

// SIGINT/SIGTERM quit through the event loop, so the gateway drains as in headless mode.
void quitOnSignals(QApplication &app)
{
#ifdef Q_OS_UNIX
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_quitPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_quitPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
        notifier->setEnabled(false);
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_quitPipe[0], &byte, 1);
        // exit(), not quit(): Qt 6's quit() first closes the windows, and the window's close
        // asks "quit with requests in flight?" — a signal must not wait for an answer.
        QCoreApplication::exit(0);
    });
    struct sigaction action
    {
    };
    action.sa_handler = onQuitSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
#else
    Q_UNUSED(app);
#endif
}

GatewayTray::Look trayLook(const GatewayHealth &health)
{
    switch (health.level) {
    case GatewayHealth::Level::Healthy:
    case GatewayHealth::Level::Degraded: return GatewayTray::Look::Running;
    case GatewayHealth::Level::Down:
    case GatewayHealth::Level::Failed: return GatewayTray::Look::Problem;
    default: return GatewayTray::Look::Stopped;
    }
}

// SWITCHBOARD_GUI_STATS=1 (tests/bench/gui_bench.sh): says on stderr when the window is up and,
// each second, the longest the event loop was late to a 10 ms timer — the GUI thread's stall.
void reportGuiStats(QWidget &window)
{
    if (!qEnvironmentVariableIsSet("SWITCHBOARD_GUI_STATS"))
        return;
    QTimer::singleShot(0, &window, [] { QTextStream(stderr) << "gui: window shown" << Qt::endl; });
    auto *tick = new QTimer(&window);
    tick->setTimerType(Qt::PreciseTimer);
    tick->setInterval(10);
    auto *clock = new QElapsedTimer;
    clock->start();
    auto longest = std::make_shared<qint64>(0);
    auto lastReport = std::make_shared<qint64>(0);
    QObject::connect(tick, &QTimer::timeout, &window, [clock, longest, lastReport] {
        const qint64 late = clock->restart() - 10;
        *longest = std::max(*longest, late);
        *lastReport += late + 10;
        if (*lastReport >= 1000) {
            *lastReport = 0;
            QTextStream(stderr) << "gui: longest stall " << *longest << " ms" << Qt::endl;
        }
    });
    QObject::connect(&window, &QObject::destroyed, [clock] { delete clock; });
    tick->start();
}

} // namespace

bool desktopInstanceRunning(const QString &configPath)
{
    QLockFile lock(lockPath(instanceKey(configPath)));
    if (lock.tryLock(0)) {
        lock.unlock();
        return false;
    }
    return lock.error() == QLockFile::LockFailedError;
}

int runDesktop(QApplication &app, const GatewayLaunch &launch, const DesktopOptions &options)
{
    QTextStream err(stderr);
    const bool screenshot = !options.screenshotFile.isEmpty();
    const QString key = instanceKey(launch.configPath);

    // A picture is a one-off run: it neither claims nor defers to the running instance.
    QLockFile lock(lockPath(key));
    QLocalServer instanceServer;
    if (!screenshot) {
        lock.setStaleLockTime(0); // held for the whole run: only a dead owner makes it stale
        if (!lock.tryLock(200)) {
            // The owner may be starting (lock taken, server not listening yet): try for a while.
            QLocalSocket socket;
            QElapsedTimer waited;
            waited.start();
            bool connected = false;
            while (!connected && waited.elapsed() < 5000) {
                socket.connectToServer(key);
                connected = socket.waitForConnected(500);
                if (!connected) {
                    socket.abort();
                    QThread::msleep(100);
                }
            }
            if (connected) {
                socket.write("show\n");
                socket.waitForBytesWritten(2000);
                socket.disconnectFromServer();
                err << "switchboard: already running; its window was brought forward" << Qt::endl;
            } else {
                err << "switchboard: another Switchboard holds " << lockPath(key)
                    << " but does not answer; if none is running, delete that file" << Qt::endl;
            }
            return 0;
        }
        QLocalServer::removeServer(key);
        instanceServer.setSocketOptions(QLocalServer::UserAccessOption);
        instanceServer.listen(key);
    }

    GatewaySetup setup;
    setup.configPath = launch.configPath;
    setup.loaded = launch.loaded;
    setup.tokens = launch.tokens;
    setup.gatewayToken = launch.gatewayToken;
    setup.hostOverride = options.hostOverride;
    setup.portOverride = options.portOverride;
    if (launch.loaded.ok())
        setup.startError = launch.error;
    if (launch.loaded.ok() && (!options.hostOverride.isEmpty() || options.portOverride >= 0)) {
        // The launch wrote --host / --port into the config; the controller applies them itself
        // and the Settings page must show the file's own values.
        const GatewayConfig file = ConfigLoader::loadFile(launch.configPath).config;
        setup.loaded.config.host = file.host;
        setup.loaded.config.port = file.port;
    }
    if (setup.gatewayToken.isEmpty()) {
        // The config did not load, so the launch stopped before the token: the gateway starts
        // once the config is fixed, and needs it then.
        SecretStore secrets(QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath());
        setup.gatewayToken = secrets.gatewayToken();
        if (!setup.gatewayToken.isEmpty())
            setup.tokens = {setup.gatewayToken};
    }
    setup.watchConfig = !screenshot;

    GatewayController gateway(setup);
    MainWindow window(&gateway);
    auto *overview = new OverviewPage(&gateway, &window);
    window.addPage(QStringLiteral("overview"), QObject::tr("Overview"),
                   QStringLiteral(":/switchboard/icons/overview.svg"), overview,
                   MainWindow::Scrolling::PageScrollsItself);
    QObject::connect(overview, &OverviewPage::message, &window,
                     [&window](const QString &text) { window.statusBar()->showMessage(text, 5000); });

    // Claude Code: connect / disconnect through the same connector as `switchboard claude`.
    ClaudeCodeController claude(ClaudeCodeSetup::forGateway(gateway.config(), gateway.token()));
    auto *claudePage = new ClaudeCodePage(&claude, &window);
    window.addPage(QStringLiteral("claude-code"), QObject::tr("Claude Code"),
                   QStringLiteral(":/switchboard/icons/claude-code.svg"), claudePage);
    claudePage->setDeploymentHealth(gateway.deployments());
    QObject::connect(&gateway, &GatewayController::healthChanged, claudePage,
                     [claudePage, &gateway] { claudePage->setDeploymentHealth(gateway.deployments()); });
    // Hardware: probes off the GUI thread; pulls live in OllamaPulls, which outlives the window
    // being closed to the tray.
    const GatewayConfig &gatewayConfig = gateway.config();
    OllamaClient ollama(DoctorInputs::ollamaUrlFor(&gatewayConfig, qEnvironmentVariable("OLLAMA_HOST")));
    OllamaPulls pulls(&ollama);
    HardwareController hardware(&pulls);
    window.addPage(QStringLiteral("hardware"), QObject::tr("Hardware"),
                   QStringLiteral(":/switchboard/icons/hardware.svg"), new HardwarePage(&hardware, &window));
    // Models: Ollama's installed models and the downloads.
    ModelsController models(&ollama, &pulls);
    models.setConfig(gatewayConfig);
    models.setConfigPath(gateway.configPath());
    QStringList suggestions;
    const ModelCatalog catalog = ModelCatalog::builtIn(); // kept: models() refers into it
    for (const CatalogModel &model : catalog.models())
        suggestions.append(model.name);
    window.addPage(QStringLiteral("models"), QObject::tr("Models"), QStringLiteral(":/switchboard/icons/models.svg"),
                   new ModelsPage(&models, suggestions, &window));
    // Mappings: model_list edited as a table; Apply saves it and the watcher applies it.
    MappingsController mappings(gateway.configPath());
    mappings.setServing(gatewayConfig);
    auto *mappingsPage = new MappingsPage(&mappings, &window);
    window.addPage(QStringLiteral("mappings"), QObject::tr("Mappings"),
                   QStringLiteral(":/switchboard/icons/mappings.svg"), mappingsPage);
    // Requests: the spend log read on its own thread.
    SpendLogReader spendLog(UsageSettings::fromConfig(gatewayConfig).spendLogPath);
    window.addPage(
        QStringLiteral("requests"), QObject::tr("Requests"), QStringLiteral(":/switchboard/icons/requests.svg"),
        new RequestsPage(&spendLog, gatewayConfig.usageEnabled, &window), MainWindow::Scrolling::PageScrollsItself);
    // Providers & keys: the keys in the secret store, tested and referenced from the config.
    ProvidersSetup providersSetup;
    providersSetup.configPath = gateway.configPath();
    providersSetup.secretsDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    providersSetup.config = gateway.config();
    ProvidersController providers(providersSetup);
    window.addPage(QStringLiteral("providers"), QObject::tr("Providers & keys"),
                   QStringLiteral(":/switchboard/icons/providers.svg"), new ProvidersPage(&providers, &window));
    QObject::connect(&gateway, &GatewayController::configChanged, &providers,
                     [&providers, &gateway] { providers.setConfig(gateway.config()); });
    // A key replaced in the store: the file did not change, so have the gateway read it again
    // to resolve its keychain/ references to the new key.
    QObject::connect(&providers, &ProvidersController::secretsChanged, &gateway, &GatewayController::reloadConfig);
    SettingsSetup settingsSetup;
    settingsSetup.configPath = gateway.configPath();
    settingsSetup.secretsDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    settingsSetup.config = gateway.fileConfig();
    SettingsController settings(settingsSetup);
    window.addPage(QStringLiteral("settings"), QObject::tr("Settings"),
                   QStringLiteral(":/switchboard/icons/settings.svg"), new SettingsPage(&settings, &window));
    // The gateway's real address (--port 0 picks one) and the config as it reloads.
    QObject::connect(gateway.service(), &ProxyService::started, &claude, [&claude, &gateway, &mappings, &models] {
        claude.setGateway(gateway.baseUrl(), gateway.token());
        mappings.setGateway(gateway.baseUrl(), gateway.token());
        models.setGateway(gateway.baseUrl(), gateway.token());
    });
    QObject::connect(&gateway, &GatewayController::configChanged, &claude,
                     [&claude, &settings, &gateway, &models, &mappings, mappingsPage] {
                         claude.setConfig(gateway.config());
                         models.setConfig(gateway.config());
                         mappings.setServing(gateway.config());
                         // A change saved elsewhere (the Models page, an editor) shows here unless edits are pending.
                         if (!mappingsPage->model()->isModified())
                             mappings.load();
                         settings.setConfig(gateway.fileConfig());
                     });
    QObject::connect(&settings, &SettingsController::tokenRegenerated, &gateway, &GatewayController::setGatewayToken);

    auto openConfig = [&gateway] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(gateway.configPath()));
    };
    QObject::connect(&window, &MainWindow::openConfigRequested, &window, openConfig);
    QObject::connect(overview, &OverviewPage::openConfigRequested, &window, openConfig);
    QObject::connect(gateway.service(), &ProxyService::failed, &window,
                     [](const QString &error) { QTextStream(stderr) << "switchboard: " << error << Qt::endl; });

    // Quit: ask when streams are open, then drain them (after exec) like headless mode.
    constexpr int kDrainMs = 3000;
    auto quit = [&window] {
        if (window.confirmQuit(kDrainMs / 1000))
            QCoreApplication::exit(0); // asked already: not quit(), which would close (and ask) again
    };
    QObject::connect(&window, &MainWindow::quitRequested, &window, quit);

    GatewayTray tray;
    const bool useTray = !screenshot && GatewayTray::available();
    if (useTray) {
        app.setQuitOnLastWindowClosed(false);
        window.setCloseToTray([&settings] { return settings.closeToTray(); });
        tray.show();
        tray.setClaudeCodeEntries(true, false);
        QObject::connect(&claude, &ClaudeCodeController::statusChanged, &tray, [&tray, &claude] {
            tray.setClaudeCodeEntries(true, claude.status() && claude.status()->connected());
        });
        QObject::connect(&tray, &GatewayTray::connectClaudeCodeRequested, &claude,
                         [&claude] { claude.apply(ClaudeCodeController::Action::Connect); });
        QObject::connect(&tray, &GatewayTray::disconnectClaudeCodeRequested, &claude,
                         [&claude] { claude.apply(ClaudeCodeController::Action::Disconnect); });
        QObject::connect(&claude, &ClaudeCodeController::actionFinished, &tray,
                         [&tray, &window](ClaudeCodeController::Action, const ConnectorResult &result) {
                             if (!window.isVisible())
                                 tray.notify(QObject::tr("Claude Code"), result.message);
                         });
        QObject::connect(&tray, &GatewayTray::showWindowRequested, &window, &MainWindow::bringForward);
        QObject::connect(&tray, &GatewayTray::startRequested, &gateway, &GatewayController::start);
        QObject::connect(&tray, &GatewayTray::stopRequested, &gateway, &GatewayController::stop);
        QObject::connect(&tray, &GatewayTray::quitRequested, &window, quit);
        QObject::connect(&gateway, &GatewayController::healthChanged, &tray, [&tray, &gateway](const GatewayHealth &h) {
            tray.setLook(trayLook(h), h.headline);
            tray.setRunning(gateway.state() == ProxyService::State::Running);
            tray.setTokensPerSecond(gateway.usageStatsOn() ? gateway.outputTokensPerSecond() : -1);
        });
        QObject::connect(&gateway, &GatewayController::statsSnapshot, &tray,
                         [&tray, &gateway] { tray.setTokensPerSecond(gateway.outputTokensPerSecond()); });
        QObject::connect(&window, &MainWindow::closedToTray, &tray, [&tray] {
            QSettings settings;
            if (settings.value(QStringLiteral("tray/closeNoticeShown")).toBool())
                return;
            settings.setValue(QStringLiteral("tray/closeNoticeShown"), true);
            tray.notify(QObject::tr("Switchboard keeps running"),
                        QObject::tr("The gateway still serves Claude Code. Quit from this icon's menu to stop it."));
        });
        tray.setLook(trayLook(gateway.health()), gateway.health().headline);
    }
    QObject::connect(&instanceServer, &QLocalServer::newConnection, &window, [&instanceServer, &window] {
        while (QLocalSocket *socket = instanceServer.nextPendingConnection()) {
            QObject::connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            QTextStream(stderr) << "switchboard: a second launch asked for this window: brought forward" << Qt::endl;
            window.bringForward();
        }
    });
    quitOnSignals(app);

    if (!screenshot)
        window.restoreState();
    if (!options.page.isEmpty() && !window.showPage(options.page)) {
        err << "switchboard: no page \"" << options.page
            << "\"; pages: " << window.pageNames().join(QStringLiteral(", ")) << Qt::endl;
        return 2;
    }
    gateway.start();
    claude.refreshStatus();
    // Start minimised: the tray only, when there is one to come back from.
    if (!(useTray && settings.startMinimised() && options.page.isEmpty()))
        window.show();
    reportGuiStats(window);

    if (screenshot) {
        // After start-up: once the gateway has started and the first probe answered (or 5 s).
        auto *clock = new QElapsedTimer;
        clock->start();
        auto *poll = new QTimer(&window);
        poll->setInterval(100);
        QObject::connect(poll, &QTimer::timeout, &window, [poll, clock, &gateway, &claude, &window, options] {
            const GatewayHealth::Level level = gateway.health().level;
            const bool settled = level != GatewayHealth::Level::Starting && level != GatewayHealth::Level::Checking &&
                                 claude.status().has_value();
            if ((!settled || clock->elapsed() < 800) && clock->elapsed() < 5000)
                return;
            poll->stop();
            delete clock;
            const bool saved = window.grab().save(options.screenshotFile, "PNG");
            QCoreApplication::exit(saved ? 0 : 4);
        });
        poll->start();
    }
    const int code = app.exec();
    // The window and the icon go at once; the gateway drains its streams behind them.
    window.hide();
    tray.hide();
    stopAndWait(*gateway.service(), kDrainMs);
    return code;
}

} // namespace sb
