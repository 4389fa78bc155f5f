#pragma once

#include "config/GatewayConfig.h"

#include <QDateTime>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sb {

// One deployment as the window shows it: the last probe, plus what real requests said since.
struct DeploymentHealth
{
    enum class State { Unknown, Reachable, Unreachable, CoolingDown, Failing };
    QString id;
    QString modelName;
    QString model;
    QString provider;
    QString apiBase;
    State state = State::Unknown;
    qint64 latencyMs = -1;
    QString message; // what to do about it, in plain words; empty when all is well
};

// The gateway's true state in one line, and how worried to be.
struct GatewayHealth
{
    enum class Level { Stopped, Starting, Checking, Healthy, Degraded, Down, Failed };
    Level level = Level::Stopped;
    QString headline; // "Gateway running — 2 of 3 deployments reachable"
    QString detail;   // the first actionable message, or why it is stopped
    int reachable = 0;
    int total = 0;

    bool canServe() const { return level == Level::Healthy || level == Level::Degraded; }
};

// Pure rules behind the status line and the health list, tested without a gateway.
namespace health {

// The advice for a deployment the probe could not reach, by provider.
QString unreachableAdvice(const QString &provider, const QString &apiBase, const QString &error);

// Health rows from the probe's JSON (UpstreamProbe::finished), the recent request failures
// (deployment id → message, newest) and when they happened.
struct Failure
{
    QString message;
    qint64 atMs = 0;
};
QVector<DeploymentHealth> fromProbe(const QJsonArray &probe, const QHash<QString, Failure> &failures,
                                    double cooldownSeconds, qint64 nowMs);

// `running`: the gateway listens; `probed`: a probe has answered since the last (re)start;
// `stopReason`: why it is not running (a failed start or a config that does not load).
GatewayHealth summarize(bool starting, bool running, bool probed, const QVector<DeploymentHealth> &deployments,
                        const QString &stopReason);

// What a reload changes, in words: "deployment qwen#2 added", "port 4000 → 4100 (applies on restart)".
QStringList describeChange(const GatewayConfig &before, const GatewayConfig &after);

} // namespace health
} // namespace sb
