#include "DesktopLaunch.h"
#include "GatewayLauncher.h"
#include "MachineCommands.h"
#include "UsageCommand.h"
#include "config/ConfigWatcher.h"
#include "secrets/SecretStore.h"
#include "server/ProxyService.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QStatusBar>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace {

// Each stream holds a client socket and an upstream socket: 1,000 streams need more than
// the usual 1,024 descriptors.
void raiseFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}

#ifdef Q_OS_UNIX
int g_signalPipe[2] = {-1, -1};
void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

// SIGINT/SIGTERM become a Qt event through a self-pipe, so the stop runs on the event loop.
void installStopSignals(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app, notifier] {
        notifier->setEnabled(false);
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        app.quit();
    });
    struct sigaction action
    {
    };
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}
#else
void installStopSignals(QCoreApplication &) {}
#endif

bool hasDisplay()
{
#ifdef Q_OS_LINUX
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty())
        return platform != "minimal";
    return !qgetenv("DISPLAY").isEmpty() || !qgetenv("WAYLAND_DISPLAY").isEmpty();
#else
    return true;
#endif
}

// The gateway drains its streams on its own thread; this thread only waits for the word.
void stopAndWait(sb::ProxyService &service, int graceMs)
{
    if (service.state() == sb::ProxyService::State::Stopped)
        return;
    QEventLoop loop;
    QObject::connect(&service, &sb::ProxyService::stopped, &loop, &QEventLoop::quit);
    service.stop(graceMs);
    if (service.state() != sb::ProxyService::State::Stopped)
        loop.exec();
}

// Reloads the config when it is saved: a file that loads goes to the running gateway, one with
// errors is refused and the last good config keeps serving. `report` gets one line per event.
sb::ConfigWatcher *watchConfig(const sb::GatewayLaunch &launch, sb::ProxyService &service,
                               const std::function<void(const QString &)> &report)
{
    const QString secretsDir = QFileInfo(sb::ConfigLoader::defaultConfigPath()).absolutePath();
    auto *watcher = new sb::ConfigWatcher(
        launch.configPath,
        // Called on the watcher's worker thread: a store of its own there.
        [secretsDir](const QString &name) { return sb::SecretStore(secretsDir).read(name); }, &service);
    QObject::connect(watcher, &sb::ConfigWatcher::reloaded, &service,
                     [&service, report](const sb::ConfigLoadResult &result) {
                         service.applyConfig(result.config);
                         QString line = QStringLiteral("config reloaded: %n deployment(s); the next requests use it "
                                                       "(address and master_key change on restart)");
                         line.replace(QStringLiteral("%n"), QString::number(result.config.deployments.size()));
                         report(line);
                         for (const QString &warning : result.warnings())
                             report(QStringLiteral("  warning: ") + warning);
                     });
    QObject::connect(watcher, &sb::ConfigWatcher::rejected, &service, [report](const sb::ConfigLoadResult &result) {
        report(QStringLiteral("config not reloaded, the last good one keeps serving:"));
        for (const QString &error : result.errors())
            report(QStringLiteral("  ") + error);
    });
    return watcher;
}

bool wantsHeadless(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--headless") == 0)
            return true;
    }
    return false;
}

int runHeadless(QCoreApplication &app, const sb::GatewayLaunch &launch)
{
    QTextStream err(stderr);
    sb::ProxyService service;
    QObject::connect(&service, &sb::ProxyService::failed, &app, [&app, &launch](const QString &error) {
        QTextStream(stderr) << "switchboard: " << error << Qt::endl;
        if (sb::desktopInstanceRunning(launch.configPath))
            QTextStream(stderr) << "switchboard: the Switchboard window runs this config's gateway: quit it from its "
                                   "tray icon, or pass --port"
                                << Qt::endl;
        app.exit(3);
    });
    QObject::connect(&service, &sb::ProxyService::started, &app, [&service, &launch] {
        QTextStream err(stderr);
        err << "Switchboard " << SWITCHBOARD_VERSION << " listening on " << service.baseUrl() << Qt::endl;
        err << "  config: " << launch.configPath << Qt::endl;
        err << "  token:  stored in "
            << (launch.secretsInFile ? "the 0600 secrets file (no keyring service found)" : "the system keyring")
            << "; `switchboard token` prints it" << Qt::endl;
        err << "  Claude Code: ANTHROPIC_BASE_URL=" << service.baseUrl() << " (no /v1), ANTHROPIC_AUTH_TOKEN=<token>"
            << Qt::endl;
    });
    QObject::connect(&service, &sb::ProxyService::requestFinished, &app, [](const sb::RequestRecord &record) {
        QTextStream out(stderr);
        out << record.logLine() << Qt::endl;
    });
    installStopSignals(app);
    watchConfig(launch, service,
                [](const QString &line) { QTextStream(stderr) << "switchboard: " << line << Qt::endl; });
    service.start(launch.loaded.config, launch.tokens);
    const int code = app.exec();
    if (service.state() == sb::ProxyService::State::Stopped)
        return code; // it never started (the port was taken)
    err << "switchboard: stopping" << Qt::endl;
    stopAndWait(service, 3000);
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    raiseFileLimit();
    {
        // hardware, models, claude, doctor: the machine-service commands have their own parser.
        QStringList arguments;
        for (int i = 0; i < argc; ++i)
            arguments.append(QString::fromLocal8Bit(argv[i]));
        bool handled = false;
        const int code = sb::runMachineCommand(arguments, &handled);
        if (handled)
            return code;
        const int usageCode = sb::runUsageCommand(arguments, &handled);
        if (handled)
            return usageCode;
    }
    const bool headless = wantsHeadless(argc, argv) || !hasDisplay();
    std::unique_ptr<QCoreApplication> app;
    if (headless) {
        // Qt's own event dispatcher: the GLib one takes a mutex on every loop iteration and
        // shows up in the gateway's profile; without a GUI there is nothing to integrate.
        if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
            qputenv("QT_NO_GLIB", "1");
        app = std::make_unique<QCoreApplication>(argc, argv);
    } else {
        app = std::make_unique<QApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Switchboard: run Claude Code on your own models.\n\n"
                       "Commands: token, hardware [--json], models list|pull NAME|rm NAME,\n"
                       "claude connect|disconnect|status|verify, doctor"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headlessOption(QStringLiteral("headless"),
                                            QStringLiteral("Run the gateway without a window."));
    const QCommandLineOption configOption(
        QStringLiteral("config"),
        QStringLiteral("Config file (default: %1).").arg(QStringLiteral("~/.config/switchboard/config.yaml")),
        QStringLiteral("file"));
    const QCommandLineOption hostOption(
        QStringLiteral("host"), QStringLiteral("Address to listen on (default 127.0.0.1)."), QStringLiteral("address"));
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Port to listen on (default 4000)."),
                                        QStringLiteral("port"));
    // For CI and documentation: show the window, save a picture of it, quit.
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save a PNG of the window after start-up, then quit."),
                                              QStringLiteral("file"));
    const QCommandLineOption pageOption(QStringLiteral("page"),
                                        QStringLiteral("The page to show (with --screenshot: to picture)."),
                                        QStringLiteral("name"));
    parser.addOptions({headlessOption, configOption, hostOption, portOption, screenshotOption, pageOption});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Optional command."),
                                 QStringLiteral("[command]"));
    parser.process(*app);

    QTextStream err(stderr);
    int port = -1;
    if (parser.isSet(portOption)) {
        bool ok = false;
        port = parser.value(portOption).toInt(&ok);
        if (!ok || port < 0 || port > 65535) {
            err << "switchboard: --port takes a number from 0 to 65535" << Qt::endl;
            return 2;
        }
    }

    const QStringList positional = parser.positionalArguments();
    const sb::GatewayLaunch launch =
        sb::GatewayLaunch::prepare(parser.value(configOption), parser.value(hostOption), port);
    for (const QString &warning : launch.loaded.warnings())
        err << warning << Qt::endl;
    if (!launch.error.isEmpty() && (headless || !positional.isEmpty())) {
        err << "switchboard: " << launch.error << Qt::endl;
        return 2;
    }
    if (!positional.isEmpty()) {
        if (positional.first() == QStringLiteral("token")) {
            QTextStream(stdout) << launch.gatewayToken << Qt::endl;
            return 0;
        }
        err << "switchboard: unknown command \"" << positional.first() << "\" (see --help)" << Qt::endl;
        return 2;
    }
    if (headless) {
        if (!parser.isSet(headlessOption))
            err << "switchboard: no display found, running headless" << Qt::endl;
        return runHeadless(*app, launch);
    }

    sb::DesktopOptions desktop;
    desktop.hostOverride = parser.value(hostOption);
    desktop.portOverride = port;
    desktop.screenshotFile = parser.value(screenshotOption);
    desktop.page = parser.value(pageOption);
    return sb::runDesktop(static_cast<QApplication &>(*app), launch, desktop);
}
