#pragma once

#include "GatewayHealth.h"
#include "config/GatewayConfig.h"
#include "server/ProxyService.h"
#include "usage/LiveStats.h"
#include "usage/RequestRecord.h"

#include <QFutureWatcher>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace sb {

class ConfigWatcher;
class CostCalculator;
class UpstreamProbe;

// What the app hands the desktop: the config as loaded at start (errors included: the window
// shows them), the tokens, and the command-line overrides that every later load keeps.
struct GatewaySetup
{
    QString configPath;
    ConfigLoadResult loaded;
    QStringList tokens;
    QString gatewayToken;
    QString hostOverride; // empty: the file's
    int portOverride = -1;
    QString startError; // set when the gateway must not start (besides config errors)
    bool watchConfig = true;
};

// Cost from the spend log, read on a worker thread.
struct SpendSummary
{
    bool available = false; // false: no spend log yet (or usage is off)
    qint64 requestsToday = 0;
    double costTodayUsd = 0;
    double costMonthUsd = 0;
    double savedTodayUsd = 0;
    double savedMonthUsd = 0;
};

// The window's one talker to the gateway: owns ProxyService, the config watcher and the
// reachability probes, and turns what they say into values the pages and the status bar
// show. No widgets; nothing here blocks the GUI thread (ProxyService works on its own
// thread, the config is read by ConfigWatcher's worker, the spend log by QtConcurrent).
class GatewayController final : public QObject
{
    Q_OBJECT
public:
    explicit GatewayController(const GatewaySetup &setup, QObject *parent = nullptr);
    ~GatewayController() override;

    void start();
    bool canStart() const; // a config that loads, a token, nothing refusing the address
    void stop();
    void restart();
    void reloadConfig();
    void probeNow();
    void refreshSpend();

    ProxyService *service() { return &m_service; }
    ProxyService::State state() const { return m_service.state(); }
    QString baseUrl() const;
    QString token() const { return m_setup.gatewayToken; }
    // A new token (regenerated on the Settings page): the gateway takes it on its next start.
    void setGatewayToken(const QString &token);
    QString configPath() const { return m_setup.configPath; }
    const GatewayConfig &config() const { return m_config; }
    // The last good config as the file says it, without --host / --port: what settings edit.
    const GatewayConfig &fileConfig() const { return m_fileConfig; }
    // The problems of the config file as last read (errors keep the previous config serving).
    const QList<ConfigIssue> &problems() const { return m_problems; }
    const QVector<DeploymentHealth> &deployments() const { return m_deployments; }
    const GatewayHealth &health() const { return m_health; }
    const StatsSnapshot &lastSnapshot() const { return m_snapshot; }
    const SpendSummary &spend() const { return m_spend; }
    // Proxied requests open now (queued ones included), counted with usage stats off too.
    int inFlight() const { return m_service.inFlight(); }
    // Whether the serving gateway keeps live stats, metrics and the spend log
    // (switchboard.usage_enabled as it was at its start: the setting needs a restart).
    bool usageStatsOn() const { return m_usageStatsOn; }
    double outputTokensPerSecond() const; // the last 60 s
    int probeIntervalMs() const { return m_probeTimer.interval(); }
    void setProbeIntervalMs(int ms) { m_probeTimer.setInterval(ms); }

Q_SIGNALS:
    void healthChanged(const sb::GatewayHealth &health);
    void problemsChanged();
    void configChanged(const QStringList &changes);
    // `costUsd` < 0: not known (a remote model without a price, or prices still loading).
    void requestFinished(const sb::RequestRecord &record, double costUsd);
    void statsSnapshot(const sb::StatsSnapshot &snapshot);
    void inFlightChanged(int count);
    void spendChanged(const sb::SpendSummary &spend);
    // A passing message for the status bar ("Config reloaded: deployment x added").
    void notice(const QString &text);

private:
    GatewayConfig withOverrides(GatewayConfig config) const;
    void setProblems(const ConfigLoadResult &result);
    void onReloaded(const ConfigLoadResult &result);
    void onRejected(const ConfigLoadResult &result);
    void onRequestFinished(const RequestRecord &record);
    void onProbeFinished(const QJsonArray &upstreams);
    void updateHealth();
    void loadPrices();

    GatewaySetup m_setup;
    GatewayConfig m_config; // the last good config (the one serving)
    GatewayConfig m_fileConfig;
    bool m_haveConfig = false;
    QList<ConfigIssue> m_problems;
    QString m_failure; // the last failed start, cleared on start
    ProxyService m_service;
    ConfigWatcher *m_watcher = nullptr;
    QPointer<UpstreamProbe> m_probe;
    QJsonArray m_lastProbe;
    bool m_probed = false;
    qint64 m_probeStartedMs = 0;
    QTimer m_probeTimer;
    QTimer m_probeSoon; // a failed request asks for a probe; a burst of them gets one
    QHash<QString, health::Failure> m_failures;
    QVector<DeploymentHealth> m_deployments;
    GatewayHealth m_health;
    StatsSnapshot m_snapshot;
    SpendSummary m_spend;
    QFutureWatcher<SpendSummary> m_spendRead;
    QTimer m_spendTimer;
    QTimer m_spendSoon;
    bool m_restarting = false;
    bool m_usageStatsOn = true;
    std::shared_ptr<const CostCalculator> m_costs; // the gateway's prices, for the table's cost column
    QFutureWatcher<std::shared_ptr<const CostCalculator>> m_pricesRead;
};

} // namespace sb
