#pragma once

#include "config/GatewayConfig.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

namespace sb {

// Checks, for /health, whether each configured upstream accepts a TCP connection — without
// spending tokens or needing keys. Each distinct host:port is tried once, in parallel.
class UpstreamProbe final : public QObject
{
    Q_OBJECT
public:
    UpstreamProbe(const std::vector<Deployment> &deployments, int timeoutMs, QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    // One object per deployment: id, model_name, provider, model, api_base, reachable,
    // latency_ms or error.
    void finished(const QJsonArray &upstreams);

private:
    struct Target
    {
        QString host;
        quint16 port = 0;
        bool done = false;
        bool reachable = false;
        qint64 latencyMs = -1;
        QString error;
    };
    void settle(int index, bool reachable, const QString &error);
    void report();

    std::vector<Deployment> m_deployments;
    std::vector<Target> m_targets;
    std::vector<int> m_targetOf; // deployment index → target index
    int m_pending = 0;
    bool m_reported = false;
    QTimer m_timeout;
    QElapsedTimer m_clock;
};

} // namespace sb
