#include "HeadlessRun.h"

#include "DesktopLaunch.h"
#include "GatewayLauncher.h"
#include "GatewayLifetime.h"

#include "server/ProxyService.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace sb {

int runHeadless(QCoreApplication &app, const GatewayLaunch &launch)
{
    QTextStream err(stderr);
    ProxyService service;
    QObject::connect(&service, &ProxyService::failed, &app, [&app, &launch](const QString &error) {
        QTextStream(stderr) << "switchboard: " << error << Qt::endl;
        if (desktopInstanceRunning(launch.configPath))
            QTextStream(stderr) << "switchboard: the Switchboard window runs this config's gateway: quit it from its "
                                   "tray icon, or pass --port"
                                << Qt::endl;
        app.exit(3);
    });
    QObject::connect(&service, &ProxyService::started, &app, [&service, &launch] {
        QTextStream err(stderr);
        err << "Switchboard " << SWITCHBOARD_VERSION << " listening on " << service.baseUrl() << Qt::endl;
        err << "  config: " << launch.configPath << Qt::endl;
        err << "  token:  stored in "
            << (launch.secretsInFile ? "the 0600 secrets file (no keyring service found)" : "the system keyring")
            << "; `switchboard token` prints it" << Qt::endl;
        err << "  Claude Code: ANTHROPIC_BASE_URL=" << service.baseUrl() << " (no /v1), ANTHROPIC_AUTH_TOKEN=<token>"
            << Qt::endl;
    });
    QObject::connect(&service, &ProxyService::requestFinished, &app, [](const RequestRecord &record) {
        QTextStream out(stderr);
        out << record.logLine() << Qt::endl;
    });
    installStopSignals(app);
    watchConfig(launch, service,
                [](const QString &line) { QTextStream(stderr) << "switchboard: " << line << Qt::endl; });
    service.start(launch.loaded.config, launch.tokens);
    const int code = app.exec();
    if (service.state() == ProxyService::State::Stopped)
        return code; // it never started (the port was taken)
    err << "switchboard: stopping" << Qt::endl;
    stopAndWait(service, 3000);
    return code;
}

} // namespace sb
