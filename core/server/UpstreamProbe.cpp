#include "UpstreamProbe.h"

#include <QJsonObject>
#include <QTcpSocket>

namespace sb {

UpstreamProbe::UpstreamProbe(const std::vector<Deployment> &deployments, int timeoutMs, QObject *parent)
    : QObject(parent), m_deployments(deployments)
{
    for (const Deployment &deployment : m_deployments) {
        const QString host = deployment.apiBase.host();
        const quint16 port =
            quint16(deployment.apiBase.port(deployment.apiBase.scheme() == QStringLiteral("https") ? 443 : 80));
        int found = -1;
        for (size_t i = 0; i < m_targets.size(); ++i) {
            if (m_targets[i].host == host && m_targets[i].port == port)
                found = int(i);
        }
        if (found < 0) {
            Target target;
            target.host = host;
            target.port = port;
            m_targets.push_back(target);
            found = int(m_targets.size()) - 1;
        }
        m_targetOf.push_back(found);
    }
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(timeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        for (size_t i = 0; i < m_targets.size(); ++i) {
            if (!m_targets[i].done)
                settle(int(i), false, QStringLiteral("no connection within %1 ms").arg(m_timeout.interval()));
        }
    });
}

void UpstreamProbe::start()
{
    m_clock.start();
    m_pending = int(m_targets.size());
    if (m_pending == 0) {
        report();
        return;
    }
    m_timeout.start();
    for (size_t i = 0; i < m_targets.size(); ++i) {
        auto *socket = new QTcpSocket(this);
        const int index = int(i);
        connect(socket, &QTcpSocket::connected, this, [this, socket, index] {
            settle(index, true, {});
            socket->abort();
            socket->deleteLater();
        });
        connect(socket, &QTcpSocket::errorOccurred, this, [this, socket, index] {
            settle(index, false, socket->errorString());
            socket->deleteLater();
        });
        const QString host = m_targets[i].host;
        if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
            socket->connectToHost(QHostAddress(QHostAddress::LocalHost), m_targets[i].port);
        else
            socket->connectToHost(host, m_targets[i].port);
    }
}

void UpstreamProbe::settle(int index, bool reachable, const QString &error)
{
    Target &target = m_targets[size_t(index)];
    if (target.done)
        return;
    target.done = true;
    target.reachable = reachable;
    target.error = error;
    target.latencyMs = m_clock.elapsed();
    if (--m_pending == 0)
        report();
}

void UpstreamProbe::report()
{
    if (m_reported)
        return;
    m_reported = true;
    m_timeout.stop();
    QJsonArray list;
    for (size_t i = 0; i < m_deployments.size(); ++i) {
        const Deployment &deployment = m_deployments[i];
        const Target &target = m_targets[size_t(m_targetOf[i])];
        QJsonObject entry{{QStringLiteral("id"), deployment.id},
                          {QStringLiteral("model_name"), deployment.modelName},
                          {QStringLiteral("model"), deployment.model},
                          {QStringLiteral("provider"), providerName(deployment.provider)},
                          {QStringLiteral("api_base"), deployment.apiBase.toString()},
                          {QStringLiteral("reachable"), target.reachable}};
        if (target.reachable)
            entry.insert(QStringLiteral("latency_ms"), target.latencyMs);
        else
            entry.insert(QStringLiteral("error"), target.error);
        list.append(entry);
    }
    Q_EMIT finished(list);
}

} // namespace sb
