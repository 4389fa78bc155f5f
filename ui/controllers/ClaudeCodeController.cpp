#include "ClaudeCodeController.h"

#include "config/ConfigLoader.h"
#include "routing/Router.h"
#include "routing/RoutingTable.h"
#include "server/BindPolicy.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent>

namespace sb {

ClaudeCodeSetup ClaudeCodeSetup::forGateway(const GatewayConfig &config, const QString &gatewayToken)
{
    ClaudeCodeSetup setup;
    setup.environment = QProcessEnvironment::systemEnvironment();
    // The CLI keeps its connection record next to the default config whatever --config names.
    const QString stateDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    setup.paths = ClaudeCodePaths::fromEnvironment(setup.environment, stateDir, QDir::currentPath());
    setup.gatewayBaseUrl = baseUrlFor(config.host, config.port);
    setup.gatewayToken = gatewayToken;
    setup.config = config;
    return setup;
}

QString ClaudeCodeSetup::baseUrlFor(const QString &host, quint16 port)
{
    // A wildcard listen address is dialled on loopback, as `switchboard claude` does (CommandSetup).
    const QString reachable = host.isEmpty() ? QStringLiteral("127.0.0.1") : BindPolicy::localDialHost(host);
    return QStringLiteral("http://%1:%2").arg(reachable).arg(port);
}

ClaudeCodeController::ClaudeCodeController(const ClaudeCodeSetup &setup, QObject *parent)
    : QObject(parent), m_setup(setup)
{
    qRegisterMetaType<ConnectorResult>();
    qRegisterMetaType<VerifyOutcome>();
}

const ClaudeCodeSetup &ClaudeCodeController::setup() const
{
    return m_setup;
}

const std::optional<ClaudeCodeStatus> &ClaudeCodeController::status() const
{
    return m_status;
}

bool ClaudeCodeController::isBusy() const
{
    return m_running > 0;
}

bool ClaudeCodeController::isVerifying() const
{
    return m_verifying;
}

ClaudeConnectSettings ClaudeCodeController::connectSettings() const
{
    // The same values `switchboard claude connect` without options writes.
    ClaudeConnectSettings settings;
    settings.baseUrl = m_setup.gatewayBaseUrl;
    settings.authToken = m_setup.gatewayToken;
    settings.localUpstreams = true;
    return settings;
}

QString ClaudeCodeController::settingsSnippet() const
{
    QJsonObject env;
    const QMap<QString, QString> keys = connectSettings().environmentKeys();
    for (auto it = keys.cbegin(); it != keys.cend(); ++it)
        env.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("env"), env}}).toJson(QJsonDocument::Indented));
}

QList<ClaudeModelRoute> ClaudeCodeController::modelRoutes() const
{
    return modelRoutesFor(m_setup.config);
}

QList<ClaudeModelRoute> ClaudeCodeController::modelRoutesFor(const GatewayConfig &config)
{
    // One Claude id per tier. claude-opus-5-5 is Claude Code 2.1.332's built-in default
    // (shared/reference/CLAUDE-CODE-FACTS.md); the others are current ids of their tier. Set
    // ANTHROPIC_DEFAULT_*_MODEL values are sent verbatim instead.
    const QList<QPair<QString, QString>> names{
        {QStringLiteral("Opus"), QStringLiteral("claude-opus-5-5")},
        {QStringLiteral("Sonnet"), QStringLiteral("claude-sonnet-4-5")},
        {QStringLiteral("Haiku"), QStringLiteral("claude-haiku-4-5")},
    };
    const Router router(
        config, [] { return qint64(0); }, 1);
    const RoutingTable table(config);
    QList<ClaudeModelRoute> routes;
    for (const auto &name : names) {
        ClaudeModelRoute route;
        route.family = name.first;
        route.clientModel = name.second;
        RouteRequest request;
        request.model = name.second;
        if (const std::optional<RoutePlan> plan = router.plan(request)) {
            route.group = plan->group;
            route.rule = plan->rule;
            route.fallbackGroups = plan->fallbackGroups;
            for (const Deployment *deployment : table.candidates(plan->group)) {
                route.deployments.append(QStringLiteral("%1 — %2").arg(deployment->model, deployment->upstreamLabel()));
                route.deploymentIds.append(deployment->id);
            }
        }
        routes.append(route);
    }
    return routes;
}

template<typename T, typename Work, typename Done> void ClaudeCodeController::runJob(Work work, Done done, bool busy)
{
    auto *watcher = new QFutureWatcher<T>(this);
    connect(watcher, &QFutureWatcher<T>::finished, this, [this, watcher, done, busy] {
        watcher->deleteLater();
        if (busy)
            setBusy(-1);
        done(watcher->result());
    });
    if (busy)
        setBusy(+1);
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

void ClaudeCodeController::setBusy(int delta)
{
    const bool wasBusy = isBusy();
    m_running += delta;
    if (wasBusy != isBusy())
        Q_EMIT busyChanged(isBusy());
}

void ClaudeCodeController::refreshStatus()
{
    const int generation = ++m_statusGeneration;
    const ClaudeCodeConnector connector(m_setup.paths);
    const QString baseUrl = m_setup.gatewayBaseUrl;
    const QString token = m_setup.gatewayToken;
    const QProcessEnvironment environment = m_setup.environment;
    runJob<ClaudeCodeStatus>(
        [connector, baseUrl, token, environment] { return connector.status(baseUrl, token, environment); },
        [this, generation](const ClaudeCodeStatus &status) {
            if (generation != m_statusGeneration)
                return; // a newer refresh is on its way
            m_status = status;
            Q_EMIT statusChanged();
        });
}

void ClaudeCodeController::requestPreview(Action action)
{
    const ClaudeCodeConnector connector(m_setup.paths);
    const ClaudeConnectSettings settings = connectSettings();
    runJob<ConnectorResult>(
        [connector, settings, action] {
            return action == Action::Connect ? connector.previewConnect(settings) : connector.previewDisconnect();
        },
        [this, action](const ConnectorResult &preview) { Q_EMIT previewReady(action, preview); });
}

void ClaudeCodeController::apply(Action action)
{
    ClaudeCodeConnector connector(m_setup.paths);
    const ClaudeConnectSettings settings = connectSettings();
    runJob<ConnectorResult>(
        [connector, settings, action]() mutable {
            return action == Action::Connect ? connector.connect(settings) : connector.disconnect();
        },
        [this, action](const ConnectorResult &result) {
            Q_EMIT actionFinished(action, result);
            refreshStatus();
        });
}

void ClaudeCodeController::verify()
{
    ClaudeCodeVerifier::Options options;
    options.baseUrl = m_setup.gatewayBaseUrl;
    options.token = m_setup.gatewayToken;
    options.environment = m_setup.environment;
    const QString knownBinary = m_status ? m_status->binaryPath : QString();
    const bool statusKnown = m_status.has_value();
    const QString homeDir = m_setup.paths.homeDir;
    if (m_verifying)
        return;
    m_verifying = true;
    Q_EMIT verifyStarted();
    runJob<VerifyOutcome>(
        [options, knownBinary, statusKnown, homeDir]() mutable {
            options.claudeBinary =
                statusKnown ? knownBinary : ClaudeCodeConnector::findClaudeBinary(options.environment, homeDir);
            return ClaudeCodeVerifier::verify(options);
        },
        [this](const VerifyOutcome &outcome) {
            m_verifying = false;
            Q_EMIT verifyFinished(outcome);
        },
        false);
}

void ClaudeCodeController::setGateway(const QString &baseUrl, const QString &token)
{
    m_setup.gatewayBaseUrl = baseUrl;
    m_setup.gatewayToken = token;
    refreshStatus();
}

void ClaudeCodeController::setConfig(const GatewayConfig &config)
{
    m_setup.config = config;
    Q_EMIT routesChanged();
}

} // namespace sb
