#include "ProxyService.h"

#include "GatewayHost.h"

namespace sb {

ProxyService::ProxyService(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("gateway"));
    // The same stack everywhere (macOS gives secondary threads 512 KB): the upstream read
    // loop keeps a 64 KB buffer on it.
    m_thread.setStackSize(8 * 1024 * 1024);
    m_thread.start();
    m_host = new GatewayHost;
    m_host->moveToThread(&m_thread);
    connect(m_host, &GatewayHost::started, this, &ProxyService::onHostStarted, Qt::QueuedConnection);
    connect(m_host, &GatewayHost::failed, this, &ProxyService::onHostFailed, Qt::QueuedConnection);
    connect(m_host, &GatewayHost::stopped, this, &ProxyService::onHostStopped, Qt::QueuedConnection);
    connect(m_host, &GatewayHost::requestFinished, this, &ProxyService::requestFinished, Qt::QueuedConnection);
    connect(m_host, &GatewayHost::statsSnapshot, this, &ProxyService::statsSnapshot, Qt::QueuedConnection);
    connect(
        m_host, &GatewayHost::inFlightChanged, this,
        [this](int count) {
            m_inFlight = count;
            Q_EMIT inFlightChanged(count);
        },
        Qt::QueuedConnection);
}

ProxyService::~ProxyService()
{
    // The one place that waits: whatever still runs on the gateway thread goes now, streams cut.
    QMetaObject::invokeMethod(
        m_host, [host = m_host] { delete host; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QString ProxyService::baseUrl() const
{
    return QStringLiteral("http://%1:%2").arg(m_address).arg(m_port);
}

void ProxyService::setState(State state)
{
    if (m_state == state)
        return;
    const bool wasRunning = isRunning();
    m_state = state;
    Q_EMIT stateChanged(state);
    if (wasRunning != isRunning())
        Q_EMIT runningChanged(isRunning());
}

void ProxyService::start(const GatewayConfig &config, const QStringList &tokens)
{
    if (m_state != State::Stopped)
        return;
    m_address = config.host;
    setState(State::Starting);
    QMetaObject::invokeMethod(
        m_host, [host = m_host, config, tokens] { host->start(config, tokens); }, Qt::QueuedConnection);
}

void ProxyService::onHostStarted(quint16 port)
{
    m_port = port;
    if (m_state == State::Stopping)
        return; // stopped while starting: the stop queued behind the start takes it down
    setState(State::Running);
    Q_EMIT started(port);
}

void ProxyService::onHostFailed(const QString &error)
{
    setState(State::Stopped);
    Q_EMIT failed(error);
}

void ProxyService::stop(int graceMs)
{
    if (m_state != State::Running && m_state != State::Starting)
        return;
    setState(State::Stopping);
    // Queued behind a start still in progress, so a stop during Starting stops what it made.
    QMetaObject::invokeMethod(
        m_host, [host = m_host, graceMs] { host->stop(graceMs); }, Qt::QueuedConnection);
}

void ProxyService::onHostStopped()
{
    setState(State::Stopped);
    Q_EMIT stopped();
}

void ProxyService::applyConfig(const GatewayConfig &config)
{
    QMetaObject::invokeMethod(
        m_host, [host = m_host, config] { host->applyConfig(config); }, Qt::QueuedConnection);
}

} // namespace sb
