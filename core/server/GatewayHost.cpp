#include "GatewayHost.h"

#include "GatewayServer.h"
#include "usage/UsageTap.h"

#include <QDateTime>

namespace sb {

namespace {
constexpr int kDrainPollMs = 20;
constexpr int kFlushMs = 200; // lets the error events of cut streams reach their clients
constexpr int kInFlightPaceMs = 50;
} // namespace

// The timers are children so that they move to the gateway thread with their host.
GatewayHost::GatewayHost(QObject *parent) : QObject(parent), m_drain(this), m_inFlightPace(this)
{
    m_drain.setInterval(kDrainPollMs);
    connect(&m_drain, &QTimer::timeout, this, &GatewayHost::drainTick);
    m_inFlightPace.setSingleShot(true);
    m_inFlightPace.setInterval(kInFlightPaceMs);
    connect(&m_inFlightPace, &QTimer::timeout, this, &GatewayHost::publishInFlight);
}

GatewayHost::~GatewayHost()
{
    delete m_server;
}

void GatewayHost::start(const GatewayConfig &config, const QStringList &tokens)
{
    if (m_server) {
        Q_EMIT failed(QStringLiteral("the gateway is already running"));
        return;
    }
    auto *candidate = new GatewayServer(config, tokens);
    const Expected<void, QString> listening = candidate->listenOn(config.host, config.port);
    if (!listening) {
        delete candidate;
        Q_EMIT failed(listening.error());
        return;
    }
    m_server = candidate;
    connect(m_server, &GatewayServer::requestFinished, this, &GatewayHost::requestFinished);
    connect(m_server, &GatewayServer::inFlightChanged, this, &GatewayHost::inFlightMoved);
    if (UsageTap *usage = m_server->usage())
        connect(usage, &UsageTap::snapshot, this, &GatewayHost::statsSnapshot);
    Q_EMIT started(m_server->serverPort());
}

void GatewayHost::stop(int graceMs)
{
    if (!m_server) {
        Q_EMIT stopped();
        return;
    }
    if (m_drain.isActive())
        return; // already stopping
    m_server->stopListening();
    m_cut = false;
    m_drainDeadline = QDateTime::currentMSecsSinceEpoch() + graceMs;
    drainTick();
    if (m_server)
        m_drain.start();
}

void GatewayHost::drainTick()
{
    if (!m_server)
        return;
    // Done when every answer has ended and left the sockets' buffers (deleting the server
    // closes its sockets, and bytes still buffered would be lost: a stream's message_stop).
    if (m_server->inFlight() == 0 && m_server->unsentBytes() == 0) {
        finishStop();
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_cut && now >= m_drainDeadline) {
        m_server->cutAll(QStringLiteral("Switchboard is shutting down; retry in a moment"));
        m_cut = true;
        m_drainDeadline = now + kFlushMs;
        return;
    }
    if (m_cut && now >= m_drainDeadline)
        finishStop();
}

void GatewayHost::finishStop()
{
    m_drain.stop();
    delete m_server;
    m_server = nullptr;
    m_inFlightPace.stop();
    publishInFlight(); // 0, before stopped()
    Q_EMIT stopped();
}

void GatewayHost::inFlightMoved()
{
    // The first change of a quiet spell goes out at once; a burst then gets one update per pace.
    if (m_inFlightPace.isActive())
        return;
    publishInFlight();
    m_inFlightPace.start();
}

void GatewayHost::publishInFlight()
{
    const int count = m_server ? m_server->inFlight() : 0;
    if (count == m_publishedInFlight)
        return;
    m_publishedInFlight = count;
    Q_EMIT inFlightChanged(count);
}

void GatewayHost::applyConfig(const GatewayConfig &config)
{
    if (m_server)
        m_server->applyConfig(config);
}

} // namespace sb
