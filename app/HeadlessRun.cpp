#include "HeadlessRun.h"

#include "DesktopLaunch.h"
#include "GatewayLauncher.h"
#include "GatewayLifetime.h"

#include "server/ProxyService.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

namespace sb {

namespace {

// The per-request log lines, written to stderr together at most every 100 ms (and at once past
// 64 KB) instead of one unbuffered write each: under load that write was a syscall per request
// on the core the gateway shares. Flushed before any other message and when the run ends.
class AccessLog final
{
public:
    AccessLog()
    {
        m_timer.setSingleShot(true);
        m_timer.setInterval(100);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { flush(); });
    }
    ~AccessLog() { flush(); }

    void append(const QString &line)
    {
        m_pending += line.toUtf8();
        m_pending += '\n';
        if (m_pending.size() >= 64 * 1024)
            flush();
        else if (!m_timer.isActive())
            m_timer.start();
    }
    void flush()
    {
        m_timer.stop();
        if (m_pending.isEmpty())
            return;
        std::fwrite(m_pending.constData(), 1, size_t(m_pending.size()), stderr);
        std::fflush(stderr);
        m_pending.clear();
    }

private:
    QByteArray m_pending;
    QTimer m_timer;
};

} // namespace

int runHeadless(QCoreApplication &app, const GatewayLaunch &launch)
{
    QTextStream err(stderr);
    AccessLog accessLog;
    ProxyService service;
    QObject::connect(&service, &ProxyService::failed, &app, [&app, &launch, &accessLog](const QString &error) {
        accessLog.flush();
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
    QObject::connect(&service, &ProxyService::requestFinished, &app,
                     [&accessLog](const RequestRecord &record) { accessLog.append(record.logLine()); });
    installStopSignals(app);
    watchConfig(launch, service, [&accessLog](const QString &line) {
        accessLog.flush();
        QTextStream(stderr) << "switchboard: " << line << Qt::endl;
    });
    service.start(launch.loaded.config, launch.tokens);
    const int code = app.exec();
    if (service.state() == ProxyService::State::Stopped)
        return code; // it never started (the port was taken)
    accessLog.flush();
    err << "switchboard: stopping" << Qt::endl;
    stopAndWait(service, 3000);
    return code;
}

} // namespace sb
