#include "ProxyService.h"

#include "GatewayServer.h"
#include "usage/UsageTap.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace sb {

ProxyService::ProxyService(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("gateway"));
}

ProxyService::~ProxyService()
{
    stop(0);
}

QString ProxyService::baseUrl() const
{
    return QStringLiteral("http://%1:%2").arg(m_host).arg(m_port);
}

bool ProxyService::start(const GatewayConfig &config, const QStringList &tokens, QString *error)
{
    if (m_server) {
        if (error)
            *error = QStringLiteral("the gateway is already running");
        return false;
    }
    // The same stack everywhere (macOS gives secondary threads 512 KB): the upstream read
    // loop keeps a 64 KB buffer on it.
    m_thread.setStackSize(8 * 1024 * 1024);
    m_thread.start();
    m_anchor = new QObject;
    m_anchor->moveToThread(&m_thread);
    QString failure;
    GatewayServer *server = nullptr;
    quint16 port = 0;
    QMetaObject::invokeMethod(
        m_anchor,
        [&] {
            auto *candidate = new GatewayServer(config, tokens);
            if (!candidate->listenOn(config.host, config.port, &failure)) {
                delete candidate;
                return;
            }
            server = candidate;
            port = candidate->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (!server) {
        QMetaObject::invokeMethod(
            m_anchor, [anchor = m_anchor] { delete anchor; }, Qt::BlockingQueuedConnection);
        m_anchor = nullptr;
        m_thread.quit();
        m_thread.wait();
        if (error)
            *error = failure;
        Q_EMIT failed(failure);
        return false;
    }
    m_server = server;
    m_host = config.host;
    m_port = port;
    connect(m_server, &GatewayServer::requestFinished, this, &ProxyService::requestFinished);
    if (UsageTap *usage = m_server->usage())
        connect(usage, &UsageTap::snapshot, this, &ProxyService::statsSnapshot);
    Q_EMIT started(port);
    Q_EMIT runningChanged(true);
    return true;
}

void ProxyService::stop(int graceMs)
{
    if (!m_server)
        return;
    GatewayServer *server = m_server;
    m_server = nullptr;
    QMetaObject::invokeMethod(
        m_anchor,
        [server, graceMs] {
            server->stopListening();
            const QDeadlineTimer deadline(graceMs);
            while (server->inFlight() > 0 && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            if (server->inFlight() > 0) {
                server->cutAll(QStringLiteral("Switchboard is shutting down; retry in a moment"));
                // Let the error events reach the clients before the sockets go.
                const QDeadlineTimer flush(200);
                while (!flush.hasExpired())
                    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            }
            delete server;
        },
        Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(
        m_anchor, [anchor = m_anchor] { delete anchor; }, Qt::BlockingQueuedConnection);
    m_anchor = nullptr;
    m_thread.quit();
    m_thread.wait();
    Q_EMIT stopped();
    Q_EMIT runningChanged(false);
}

void ProxyService::applyConfig(const GatewayConfig &config)
{
    if (!m_server)
        return;
    GatewayServer *server = m_server;
    QMetaObject::invokeMethod(
        m_anchor, [server, config] { server->applyConfig(config); }, Qt::QueuedConnection);
}

} // namespace sb
