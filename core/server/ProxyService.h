#pragma once

#include "RequestRecord.h"
#include "config/GatewayConfig.h"
#include "usage/LiveStats.h"

#include <QObject>
#include <QThread>

namespace sb {

class GatewayServer;

// Owns the gateway thread and the GatewayServer on it; the one object the UI and the
// headless runner talk to. Calls are made from the owner's thread; results come back as
// queued signals carrying values.
class ProxyService final : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
public:
    explicit ProxyService(QObject *parent = nullptr);
    ~ProxyService() override;

    // Starts the gateway thread and binds config.host:config.port (port 0: any free port).
    // Returns false with a message naming the port and the fix when binding fails.
    bool start(const GatewayConfig &config, const QStringList &tokens, QString *error);
    // Graceful stop: no new connections; in-flight requests get up to `graceMs` to finish,
    // then open streams are cut with an error event.
    void stop(int graceMs = 3000);
    bool isRunning() const { return m_server != nullptr; }
    quint16 port() const { return m_port; }
    QString baseUrl() const;
    void applyConfig(const GatewayConfig &config);

Q_SIGNALS:
    void started(quint16 port);
    void stopped();
    void failed(const QString &error);
    void runningChanged(bool running);
    void requestFinished(const sb::RequestRecord &record);
    // Live usage stats from the gateway thread, at most 4 a second (none with usage off).
    void statsSnapshot(const sb::StatsSnapshot &snapshot);

private:
    QThread m_thread;
    QObject *m_anchor = nullptr; // lives on the gateway thread; invocations target it
    GatewayServer *m_server = nullptr;
    QString m_host;
    quint16 m_port = 0;
};

} // namespace sb
