#pragma once

#include "config/GatewayConfig.h"
#include "usage/LiveStats.h"
#include "usage/RequestRecord.h"

#include <QObject>
#include <QThread>

namespace sb {

class GatewayHost;

// Owns the gateway thread and the GatewayServer on it; the one object the UI and the
// headless runner talk to. Calls are made from the owner's thread and return at once: the
// work (binding the port, opening the spend log, draining streams) happens on the gateway
// thread, and results come back as queued signals carrying values. Only the destructor
// waits, for a server still running.
class ProxyService final : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
public:
    enum class State { Stopped, Starting, Running, Stopping };
    Q_ENUM(State)

    explicit ProxyService(QObject *parent = nullptr);
    ~ProxyService() override;

    // Binds config.host:config.port (port 0: any free port) on the gateway thread. Ends in
    // started(port), or failed(reason) naming the port and the fix. Ignored unless Stopped.
    void start(const GatewayConfig &config, const QStringList &tokens);
    // Graceful stop: no new connections; in-flight requests get up to `graceMs` to finish,
    // then open streams are cut with an error event. Ends in stopped().
    void stop(int graceMs = 3000);
    // The new config for the next requests; streams in flight finish on the old one.
    void applyConfig(const GatewayConfig &config);

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    quint16 port() const { return m_port; }
    QString baseUrl() const;
    // Proxied requests open on the gateway (queued ones included), as last reported: at most
    // 50 ms old. Counted whether or not usage stats are on.
    int inFlight() const { return m_inFlight; }

Q_SIGNALS:
    void started(quint16 port);
    void stopped();
    void failed(const QString &error);
    void stateChanged(sb::ProxyService::State state);
    void runningChanged(bool running);
    void requestFinished(const sb::RequestRecord &record);
    // Live usage stats from the gateway thread, at most 4 a second (none with usage off).
    void statsSnapshot(const sb::StatsSnapshot &snapshot);
    void inFlightChanged(int count);

private:
    void setState(State state);
    void onHostStarted(quint16 port);
    void onHostFailed(const QString &error);
    void onHostStopped();

    QThread m_thread;
    GatewayHost *m_host = nullptr; // lives on the gateway thread
    State m_state = State::Stopped;
    QString m_address;
    quint16 m_port = 0;
    int m_inFlight = 0;
};

} // namespace sb
