#pragma once

#include "config/GatewayConfig.h"
#include "usage/LiveStats.h"
#include "usage/RequestRecord.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace sb {

class GatewayServer;

// ProxyService's hands on the gateway thread: creates the GatewayServer there, drains and
// deletes it, without ever blocking that thread's event loop. Its slots are invoked queued;
// its signals (the server's, relayed) reach ProxyService queued.
class GatewayHost final : public QObject
{
    Q_OBJECT
public:
    explicit GatewayHost(QObject *parent = nullptr);
    ~GatewayHost() override;

    void start(const GatewayConfig &config, const QStringList &tokens);
    void stop(int graceMs);
    void applyConfig(const GatewayConfig &config);

Q_SIGNALS:
    void started(quint16 port);
    void failed(const QString &error);
    void stopped();
    void requestFinished(const sb::RequestRecord &record);
    void statsSnapshot(const sb::StatsSnapshot &snapshot);
    // The server's in-flight count, at most every kInFlightPaceMs (the first change at once).
    void inFlightChanged(int count);

private:
    void drainTick();
    void finishStop();
    void inFlightMoved();
    void publishInFlight();

    GatewayServer *m_server = nullptr;
    QTimer m_drain;             // polls the in-flight count while stopping
    qint64 m_drainDeadline = 0; // msecs since epoch
    bool m_cut = false;
    QTimer m_inFlightPace; // single shot: paces inFlightChanged under a burst of requests
    int m_publishedInFlight = 0;
};

} // namespace sb
