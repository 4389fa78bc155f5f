#include "DesktopLaunch.h"
#include "GatewayLauncher.h"
#include "GatewayLifetime.h"
#include "HeadlessRun.h"
#include "commands/CommandTable.h"
#include "commands/TokenCommand.h"
#include "server/BindPolicy.h"
#include "server/ProxyService.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QStatusBar>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
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

bool wantsHeadless(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--headless") == 0)
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    raiseFileLimit();
    {
        // The subcommands (token, hardware, models, claude, doctor, usage, help) have their own
        // parsers; anything else is the gateway's command line.
        QStringList arguments;
        for (int i = 0; i < argc; ++i)
            arguments.append(QString::fromLocal8Bit(argv[i]));
        bool handled = false;
        const int code = sb::cli::runCommand(arguments, &handled);
        if (handled)
            return code;
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
    parser.setApplicationDescription(QStringLiteral("Switchboard: run Claude Code on your own models.\n\n") +
                                     sb::cli::commandSummaries());
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
        const sb::Expected<quint16, QString> parsed = sb::BindPolicy::parsePort(parser.value(portOption));
        if (!parsed) {
            err << "switchboard: --port " << parsed.error() << Qt::endl;
            return 2;
        }
        port = *parsed;
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
        if (positional.first() == QStringLiteral("token")) // after the gateway's options: --config X token
            return sb::cli::printToken(launch);
        err << "switchboard: unknown command \"" << positional.first() << "\" (see --help)" << Qt::endl;
        return 2;
    }
    if (headless) {
        if (!parser.isSet(headlessOption))
            err << "switchboard: no display found, running headless" << Qt::endl;
        return sb::runHeadless(*app, launch);
    }

    sb::DesktopOptions desktop;
    desktop.hostOverride = parser.value(hostOption);
    desktop.portOverride = port;
    desktop.screenshotFile = parser.value(screenshotOption);
    desktop.page = parser.value(pageOption);
    return sb::runDesktop(static_cast<QApplication &>(*app), launch, desktop);
}
