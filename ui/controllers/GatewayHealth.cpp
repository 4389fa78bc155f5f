#include "GatewayHealth.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSet>
#include <QUrl>

namespace sb::health {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("GatewayHealth", text);
}

QString hostPort(const QString &apiBase)
{
    const QUrl url(apiBase);
    if (url.host().isEmpty())
        return apiBase;
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(url.scheme() == QStringLiteral("https") ? 443 : 80));
}
} // namespace

QString unreachableAdvice(const QString &provider, const QString &apiBase, const QString &error)
{
    // The probe names providers as providerName() does ("Ollama").
    if (provider.compare(QStringLiteral("ollama"), Qt::CaseInsensitive) == 0)
        return tr("Ollama at %1 not reachable: is `ollama serve` running?").arg(hostPort(apiBase));
    const QString reason = error.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(error);
    return tr("%1 not reachable%2: check api_base and your network").arg(hostPort(apiBase), reason);
}

QVector<DeploymentHealth> fromProbe(const QJsonArray &probe, const QHash<QString, Failure> &failures,
                                    double cooldownSeconds, qint64 nowMs)
{
    QVector<DeploymentHealth> rows;
    for (const QJsonValue &value : probe) {
        const QJsonObject entry = value.toObject();
        DeploymentHealth row;
        row.id = entry.value(QStringLiteral("id")).toString();
        row.modelName = entry.value(QStringLiteral("model_name")).toString();
        row.model = entry.value(QStringLiteral("model")).toString();
        row.provider = entry.value(QStringLiteral("provider")).toString();
        row.apiBase = entry.value(QStringLiteral("api_base")).toString();
        const bool reachable = entry.value(QStringLiteral("reachable")).toBool();
        if (!reachable) {
            row.state = DeploymentHealth::State::Unreachable;
            row.message = unreachableAdvice(row.provider, row.apiBase, entry.value(QStringLiteral("error")).toString());
        } else {
            row.state = DeploymentHealth::State::Reachable;
            row.latencyMs = entry.value(QStringLiteral("latency_ms")).toInteger(-1);
            const auto failure = failures.constFind(row.id);
            if (failure != failures.constEnd()) {
                // It accepts connections but the last request through it failed: the port is
                // open, the model is not answering (wrong model name, key, overload).
                const bool cooling = nowMs - failure->atMs < qint64(cooldownSeconds * 1000);
                row.state = cooling ? DeploymentHealth::State::CoolingDown : DeploymentHealth::State::Failing;
                row.message = failure->message;
            }
        }
        rows.append(row);
    }
    return rows;
}

GatewayHealth summarize(bool starting, bool running, bool probed, const QVector<DeploymentHealth> &deployments,
                        const QString &stopReason)
{
    GatewayHealth health;
    health.total = int(deployments.size());
    for (const DeploymentHealth &row : deployments) {
        if (row.state == DeploymentHealth::State::Reachable)
            ++health.reachable;
        if (health.detail.isEmpty() && !row.message.isEmpty())
            health.detail = row.message;
    }
    if (starting) {
        health.level = GatewayHealth::Level::Starting;
        health.headline = tr("Gateway starting…");
        return health;
    }
    if (!running) {
        health.level = stopReason.isEmpty() ? GatewayHealth::Level::Stopped : GatewayHealth::Level::Failed;
        health.headline = stopReason.isEmpty() ? tr("Gateway stopped") : tr("Gateway not running");
        health.detail = stopReason;
        return health;
    }
    if (!probed) {
        health.level = GatewayHealth::Level::Checking;
        health.headline = tr("Gateway running — checking the deployments…");
        return health;
    }
    if (health.total == 0) {
        health.level = GatewayHealth::Level::Down;
        health.headline = tr("Gateway running — no deployments configured: add one to model_list");
        return health;
    }
    if (health.reachable == health.total) {
        health.level = GatewayHealth::Level::Healthy;
        health.headline = health.total == 1 ? tr("Gateway running — the deployment is reachable")
                                            : tr("Gateway running — all %1 deployments reachable").arg(health.total);
        return health;
    }
    if (health.reachable == 0) {
        health.level = GatewayHealth::Level::Down;
        // One problem behind every failure (the usual: Ollama is not running): say it.
        QSet<QString> messages;
        for (const DeploymentHealth &row : deployments)
            messages.insert(row.message);
        health.headline = messages.size() == 1
                              ? tr("Gateway running — %1").arg(health.detail)
                              : tr("Gateway running — none of the %1 deployments reachable").arg(health.total);
        return health;
    }
    health.level = GatewayHealth::Level::Degraded;
    health.headline = tr("Gateway running — %1 of %2 deployments reachable").arg(health.reachable).arg(health.total);
    return health;
}

QStringList describeChange(const GatewayConfig &before, const GatewayConfig &after)
{
    QStringList changes;
    QSet<QString> oldIds;
    QSet<QString> newIds;
    for (const Deployment &deployment : before.deployments)
        oldIds.insert(deployment.id);
    for (const Deployment &deployment : after.deployments)
        newIds.insert(deployment.id);
    for (const Deployment &deployment : after.deployments) {
        if (!oldIds.contains(deployment.id))
            changes.append(tr("deployment %1 added").arg(deployment.id));
    }
    for (const Deployment &deployment : before.deployments) {
        if (!newIds.contains(deployment.id))
            changes.append(tr("deployment %1 removed").arg(deployment.id));
    }
    for (const Deployment &deployment : after.deployments) {
        for (const Deployment &old : before.deployments) {
            if (old.id == deployment.id && (old.model != deployment.model || old.apiBase != deployment.apiBase))
                changes.append(tr("deployment %1 now %2 at %3")
                                   .arg(deployment.id, deployment.model, deployment.apiBase.toString()));
        }
    }
    if (before.host != after.host || before.port != after.port)
        changes.append(tr("address %1:%2 → %3:%4 (applies on restart)")
                           .arg(before.host)
                           .arg(before.port)
                           .arg(after.host)
                           .arg(after.port));
    if (before.masterKey != after.masterKey)
        changes.append(tr("master_key changed (applies on restart)"));
    if (before.router.routingStrategy != after.router.routingStrategy)
        changes.append(tr("routing strategy %1 → %2").arg(before.router.routingStrategy, after.router.routingStrategy));
    return changes;
}

} // namespace sb::health
