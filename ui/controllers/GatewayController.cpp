#include "GatewayController.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWatcher.h"
#include "secrets/SecretStore.h"
#include "server/UpstreamProbe.h"
#include "usage/CostCalculator.h"
#include "usage/PricingTable.h"
#include "usage/SpendLog.h"
#include "usage/UsageSettings.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonObject>
#include <QtConcurrent>

namespace sb {

namespace {
constexpr int kProbeTimeoutMs = 2000;

SpendSummary readSpend(const QString &path)
{
    SpendSummary summary;
    // Opening would create the file: a missing log means nothing was spent yet.
    if (path.isEmpty() || !QFileInfo::exists(path))
        return summary;
    SpendLog log;
    if (!log.open(path))
        return summary;
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const QDate monthStart(today.year(), today.month(), 1);
    const qint64 since = QDateTime(monthStart, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const QString todayKey = today.toString(Qt::ISODate);
    for (const SpendTotal &day : log.totals(SpendGrouping::Day, since)) {
        summary.costMonthUsd += day.costUsd;
        summary.savedMonthUsd += day.savedUsd;
        if (day.key == todayKey) {
            summary.costTodayUsd = day.costUsd;
            summary.savedTodayUsd = day.savedUsd;
            summary.requestsToday = day.requests;
        }
    }
    summary.available = true;
    return summary;
}
} // namespace

GatewayController::GatewayController(const GatewaySetup &setup, QObject *parent) : QObject(parent), m_setup(setup)
{
    setProblems(setup.loaded);
    if (setup.loaded.ok()) {
        m_fileConfig = setup.loaded.config;
        m_config = withOverrides(setup.loaded.config);
        m_haveConfig = true;
    }
    if (setup.watchConfig && QFileInfo::exists(setup.configPath)) {
        const QString secretsDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
        m_watcher = new ConfigWatcher(
            setup.configPath,
            // Called on the watcher's worker thread: a store of its own there.
            [secretsDir](const QString &name) { return SecretStore(secretsDir).read(name); }, this);
        connect(m_watcher, &ConfigWatcher::reloaded, this, &GatewayController::onReloaded);
        connect(m_watcher, &ConfigWatcher::rejected, this, &GatewayController::onRejected);
    }

    connect(&m_service, &ProxyService::stateChanged, this, [this](ProxyService::State state) {
        if (state == ProxyService::State::Running) {
            m_failure.clear();
            m_probed = false;
            probeNow();
        }
        if (state == ProxyService::State::Stopped && m_restarting) {
            m_restarting = false;
            start();
            return;
        }
        updateHealth();
    });
    connect(&m_service, &ProxyService::failed, this, [this](const QString &error) {
        m_failure = error;
        m_restarting = false;
        updateHealth();
    });
    connect(&m_service, &ProxyService::requestFinished, this, &GatewayController::onRequestFinished);
    connect(&m_service, &ProxyService::statsSnapshot, this, [this](const StatsSnapshot &snapshot) {
        m_snapshot = snapshot;
        Q_EMIT statsSnapshot(snapshot);
    });
    connect(&m_service, &ProxyService::inFlightChanged, this, &GatewayController::inFlightChanged);

    m_probeTimer.setInterval(15000);
    connect(&m_probeTimer, &QTimer::timeout, this, &GatewayController::probeNow);
    m_probeTimer.start();
    m_probeSoon.setSingleShot(true);
    m_probeSoon.setInterval(1000);
    connect(&m_probeSoon, &QTimer::timeout, this, &GatewayController::probeNow);

    connect(&m_spendRead, &QFutureWatcher<SpendSummary>::finished, this, [this] {
        m_spend = m_spendRead.result();
        Q_EMIT spendChanged(m_spend);
    });
    m_spendTimer.setInterval(30000);
    connect(&m_spendTimer, &QTimer::timeout, this, &GatewayController::refreshSpend);
    m_spendTimer.start();
    m_spendSoon.setSingleShot(true);
    m_spendSoon.setInterval(3000); // the spend log is written in batches: read after one landed
    connect(&m_spendSoon, &QTimer::timeout, this, &GatewayController::refreshSpend);
    connect(&m_pricesRead, &QFutureWatcher<std::shared_ptr<const CostCalculator>>::finished, this,
            [this] { m_costs = m_pricesRead.result(); });
    loadPrices();
    updateHealth();
}

GatewayController::~GatewayController()
{
    m_spendRead.waitForFinished();
    m_pricesRead.waitForFinished();
}

void GatewayController::loadPrices()
{
    if (!m_haveConfig)
        return;
    // The user's pricing file is read from disk: on a worker, like the gateway's own copy.
    const QString file = m_config.pricingFile;
    const std::vector<Deployment> deployments = m_config.deployments;
    m_pricesRead.setFuture(QtConcurrent::run([file, deployments]() -> std::shared_ptr<const CostCalculator> {
        return std::make_shared<const CostCalculator>(PricingTable::load(file).table, deployments);
    }));
}

GatewayConfig GatewayController::withOverrides(GatewayConfig config) const
{
    if (!m_setup.hostOverride.isEmpty())
        config.host = m_setup.hostOverride;
    if (m_setup.portOverride >= 0)
        config.port = quint16(m_setup.portOverride);
    return config;
}

QString GatewayController::baseUrl() const
{
    return m_service.isRunning() ? m_service.baseUrl() : QString();
}

double GatewayController::outputTokensPerSecond() const
{
    return m_service.isRunning() ? m_snapshot.total.windows[0].outputTokensPerSecond : 0;
}

void GatewayController::setGatewayToken(const QString &token)
{
    if (token.isEmpty() || token == m_setup.gatewayToken)
        return;
    m_setup.tokens.removeAll(m_setup.gatewayToken);
    m_setup.tokens.prepend(token);
    m_setup.gatewayToken = token;
    if (m_service.state() != ProxyService::State::Stopped)
        Q_EMIT notice(tr("New token saved: restart the gateway to use it (clients with the old one keep working "
                         "until then)"));
    updateHealth();
}

bool GatewayController::canStart() const
{
    return m_haveConfig && m_setup.startError.isEmpty() && !m_setup.tokens.isEmpty();
}

void GatewayController::start()
{
    if (m_service.state() != ProxyService::State::Stopped)
        return;
    if (!canStart()) {
        // The window shows why in the problems list; nothing to start with.
        updateHealth();
        return;
    }
    // The launch refuses this too; a restart after the address was edited must as well.
    const QHostAddress address(m_config.host);
    const bool loopback = m_config.host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0 ||
                          (!address.isNull() && address.isLoopback());
    if (!loopback && m_config.masterKey.isEmpty()) {
        m_failure = tr("refusing to listen on %1 without general_settings.master_key: anyone on the network could "
                       "use your models and keys. Set a master_key, or listen on 127.0.0.1")
                        .arg(m_config.host);
        updateHealth();
        return;
    }
    m_failure.clear();
    QStringList tokens = m_setup.tokens;
    if (!m_config.masterKey.isEmpty() && !tokens.contains(m_config.masterKey))
        tokens.append(m_config.masterKey);
    m_usageStatsOn = m_config.usageEnabled;
    m_snapshot = StatsSnapshot();
    m_service.start(m_config, tokens);
    refreshSpend();
    updateHealth();
}

void GatewayController::stop()
{
    m_restarting = false;
    m_service.stop(3000);
    updateHealth();
}

void GatewayController::restart()
{
    if (m_service.state() == ProxyService::State::Stopped) {
        start();
        return;
    }
    m_restarting = true;
    m_service.stop(3000);
}

void GatewayController::reloadConfig()
{
    if (m_watcher)
        m_watcher->reload();
}

void GatewayController::probeNow()
{
    if (!m_service.isRunning() || m_probe)
        return;
    m_probeStartedMs = QDateTime::currentMSecsSinceEpoch();
    m_probe = new UpstreamProbe(m_config.deployments, kProbeTimeoutMs, this);
    connect(m_probe, &UpstreamProbe::finished, this, &GatewayController::onProbeFinished);
    m_probe->start();
}

void GatewayController::onProbeFinished(const QJsonArray &upstreams)
{
    if (m_probe)
        m_probe->deleteLater();
    m_probe.clear();
    m_lastProbe = upstreams;
    m_probed = true;
    // Not reachable explains the failed requests. Reachable, once the cooldown is over, it
    // starts clean: a failure must not keep the light red after the cause went away; a
    // deployment that still fails fails the next request again.
    const qint64 cooledBefore = m_probeStartedMs - qint64(m_config.router.cooldownSeconds * 1000);
    for (const QJsonValue &value : upstreams) {
        const QJsonObject entry = value.toObject();
        const QString id = entry.value(QStringLiteral("id")).toString();
        const auto failure = m_failures.constFind(id);
        if (failure == m_failures.constEnd())
            continue;
        if (!entry.value(QStringLiteral("reachable")).toBool() || failure->atMs < cooledBefore)
            m_failures.remove(id);
    }
    updateHealth();
}

void GatewayController::refreshSpend()
{
    if (m_spendRead.isRunning() || !m_haveConfig || !m_config.usageEnabled)
        return;
    const QString path = UsageSettings::fromConfig(m_config).spendLogPath;
    m_spendRead.setFuture(QtConcurrent::run(readSpend, path));
}

void GatewayController::setProblems(const ConfigLoadResult &result)
{
    m_problems = result.issues;
    if (!m_setup.startError.isEmpty() && result.ok()) {
        ConfigIssue issue;
        issue.severity = ConfigIssue::Severity::Error;
        issue.file = m_setup.configPath;
        issue.message = m_setup.startError;
        m_problems.prepend(issue);
    }
    Q_EMIT problemsChanged();
}

void GatewayController::onReloaded(const ConfigLoadResult &result)
{
    const GatewayConfig next = withOverrides(result.config);
    const QStringList changes = m_haveConfig ? health::describeChange(m_config, next) : QStringList();
    const bool first = !m_haveConfig;
    m_config = next;
    m_fileConfig = result.config;
    m_haveConfig = true;
    setProblems(result);
    m_failures.clear();
    loadPrices();
    if (first) {
        // The config that kept the gateway from starting is fixed: start it now.
        start();
        Q_EMIT notice(tr("Config loaded: the gateway starts"));
    } else {
        m_service.applyConfig(m_config);
        m_probed = false;
        probeNow();
        Q_EMIT notice(changes.isEmpty() ? tr("Config reloaded: nothing that the gateway uses changed")
                                        : tr("Config reloaded: %1").arg(changes.join(QStringLiteral("; "))));
    }
    Q_EMIT configChanged(changes);
    updateHealth();
}

void GatewayController::onRejected(const ConfigLoadResult &result)
{
    setProblems(result);
    Q_EMIT notice(m_haveConfig ? tr("Config not reloaded: it has errors; the last good config keeps serving")
                               : tr("The config still has errors: the gateway waits for a config that loads"));
    updateHealth();
}

void GatewayController::onRequestFinished(const RequestRecord &record)
{
    double cost = -1;
    if (m_costs) {
        const UsageRecord priced = m_costs->price(record);
        if (priced.costKnown)
            cost = priced.costUsd;
    }
    Q_EMIT requestFinished(record, cost);
    if (record.deployment.isEmpty())
        return;
    // 5xx and 429 say the deployment is not answering; a 4xx is the client's own doing.
    const bool upstreamFault = record.status >= 500 || record.status == 429;
    if (upstreamFault) {
        m_failures.insert(record.deployment, {record.errorMessage.isEmpty()
                                                  ? QStringLiteral("%1 %2").arg(record.status).arg(record.errorType)
                                                  : record.errorMessage,
                                              QDateTime::currentMSecsSinceEpoch()});
        if (!m_probeSoon.isActive())
            m_probeSoon.start();
        updateHealth();
    } else if (record.status < 400 && m_failures.remove(record.deployment) > 0) {
        updateHealth();
    }
    if (!m_spendSoon.isActive())
        m_spendSoon.start();
}

void GatewayController::updateHealth()
{
    if (m_service.isRunning() && m_probed) {
        m_deployments = health::fromProbe(m_lastProbe, m_failures, m_config.router.cooldownSeconds,
                                          QDateTime::currentMSecsSinceEpoch());
    } else {
        // Stopped or not probed yet: the configured deployments, unchecked (an old probe
        // result would claim more than is known).
        m_deployments.clear();
        for (const Deployment &deployment : m_config.deployments) {
            DeploymentHealth row;
            row.id = deployment.id;
            row.modelName = deployment.modelName;
            row.model = deployment.model;
            row.provider = providerName(deployment.provider);
            row.apiBase = deployment.apiBase.toString();
            m_deployments.append(row);
        }
    }
    QString stopReason = m_failure;
    if (!m_haveConfig) {
        stopReason = tr("The config has errors (listed below): the gateway starts once it loads.");
    } else if (!m_setup.startError.isEmpty()) {
        stopReason = m_setup.startError;
    }
    const ProxyService::State state = m_service.state();
    const bool starting = state == ProxyService::State::Starting || m_restarting;
    GatewayHealth next =
        health::summarize(starting, state == ProxyService::State::Running, m_probed, m_deployments, stopReason);
    if (state == ProxyService::State::Stopping && !m_restarting)
        next.headline = tr("Gateway stopping…");
    m_health = next;
    Q_EMIT healthChanged(m_health);
}

} // namespace sb
