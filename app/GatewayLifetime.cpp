#include "GatewayLifetime.h"

#include "GatewayLauncher.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWatcher.h"
#include "secrets/SecretStore.h"
#include "server/ProxyService.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QSocketNotifier>

#include <csignal>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace sb {

#ifdef Q_OS_UNIX
namespace {

int g_signalPipe[2] = {-1, -1};
void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

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

void stopAndWait(ProxyService &service, int graceMs)
{
    if (service.state() == ProxyService::State::Stopped)
        return;
    QEventLoop loop;
    QObject::connect(&service, &ProxyService::stopped, &loop, &QEventLoop::quit);
    service.stop(graceMs);
    if (service.state() != ProxyService::State::Stopped)
        loop.exec();
}

ConfigWatcher *watchConfig(const GatewayLaunch &launch, ProxyService &service,
                           const std::function<void(const QString &)> &report)
{
    const QString secretsDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    auto *watcher = new ConfigWatcher(
        launch.configPath,
        // Called on the watcher's worker thread: a store of its own there.
        [secretsDir](const QString &name) { return SecretStore(secretsDir).read(name); }, &service);
    QObject::connect(watcher, &ConfigWatcher::reloaded, &service, [&service, report](const ConfigLoadResult &result) {
        service.applyConfig(result.config);
        QString line = QStringLiteral("config reloaded: %n deployment(s); the next requests use it "
                                      "(address and master_key change on restart)");
        line.replace(QStringLiteral("%n"), QString::number(result.config.deployments.size()));
        report(line);
        for (const QString &warning : result.warnings())
            report(QStringLiteral("  warning: ") + warning);
    });
    QObject::connect(watcher, &ConfigWatcher::rejected, &service, [report](const ConfigLoadResult &result) {
        report(QStringLiteral("config not reloaded, the last good one keeps serving:"));
        for (const QString &error : result.errors())
            report(QStringLiteral("  ") + error);
    });
    return watcher;
}

} // namespace sb
