#pragma once

#include "claudecode/ClaudeCodeConnector.h"
#include "claudecode/ClaudeCodeVerifier.h"
#include "config/GatewayConfig.h"

#include <QObject>
#include <QProcessEnvironment>

#include <optional>

namespace sb {

// What the Claude Code page works with: where Claude Code's files are, and the gateway it
// connects to. forGateway() builds it the way `switchboard claude …` does (app/commands/CommandSetup.cpp).
struct ClaudeCodeSetup
{
    ClaudeCodePaths paths;
    QProcessEnvironment environment;
    QString gatewayBaseUrl; // ANTHROPIC_BASE_URL as connect writes it
    QString gatewayToken;
    GatewayConfig config; // resolves the Claude model names to deployments

    // The state dir next to the default config, the current directory as the project, the
    // process environment, and http://host:port from the config (0.0.0.0 / :: → 127.0.0.1).
    static ClaudeCodeSetup forGateway(const GatewayConfig &config, const QString &gatewayToken);
    static QString baseUrlFor(const QString &host, quint16 port);
};

// Which deployments answer one Claude model name under the current config.
struct ClaudeModelRoute
{
    QString family;             // "Opus", "Sonnet", "Haiku"
    QString clientModel;        // the name Claude Code sends, e.g. "claude-sonnet-4-5"
    QString group;              // the model_name it resolves to; empty: nothing serves it
    QString rule;               // the switchboard.routes rule that fired, if any
    QStringList deployments;    // "ollama/qwen2.5-coder:7b — Ollama at 127.0.0.1:11434"
    QStringList deploymentIds;  // their ids, in the same order (what health rows are keyed by)
    QStringList fallbackGroups; // tried once the group is exhausted
};

// Owns the talk with Claude Code's settings for the GUI: status, connect / disconnect with a
// preview, verify. Everything runs on worker threads (finding the binary starts processes,
// verify sends a request); results come back as signals on the GUI thread.
class ClaudeCodeController final : public QObject
{
    Q_OBJECT
public:
    enum class Action { Connect, Disconnect };
    Q_ENUM(Action)

    explicit ClaudeCodeController(const ClaudeCodeSetup &setup, QObject *parent = nullptr);

    const ClaudeCodeSetup &setup() const;
    // The last status read; nullopt until the first refresh finishes.
    const std::optional<ClaudeCodeStatus> &status() const;
    bool isBusy() const; // reading or writing Claude Code's files
    bool isVerifying() const;
    // Exactly what Connect writes (the CLI's defaults: local-upstream keys, no model overrides).
    ClaudeConnectSettings connectSettings() const;
    // {"env": {…}} built from connectSettings().environmentKeys(), for the clipboard.
    QString settingsSnippet() const;
    // One Claude model id per tier (Opus, Sonnet, Haiku), resolved without sending anything.
    QList<ClaudeModelRoute> modelRoutes() const;
    static QList<ClaudeModelRoute> modelRoutesFor(const GatewayConfig &config);

public Q_SLOTS:
    void refreshStatus();
    void requestPreview(sb::ClaudeCodeController::Action action);
    void apply(sb::ClaudeCodeController::Action action);
    void verify();
    // The gateway moved or its token changed (e.g. regenerated on the Settings page).
    void setGateway(const QString &baseUrl, const QString &token);
    void setConfig(const sb::GatewayConfig &config);

Q_SIGNALS:
    void statusChanged();
    void busyChanged(bool busy);
    void previewReady(sb::ClaudeCodeController::Action action, const sb::ConnectorResult &preview);
    void actionFinished(sb::ClaudeCodeController::Action action, const sb::ConnectorResult &result);
    void verifyStarted();
    void verifyFinished(const sb::VerifyOutcome &outcome);
    void routesChanged();

private:
    // Runs `work` on the thread pool and `done` with its result here; `busy` jobs (file work)
    // count towards isBusy(), a verify does not (it may take minutes).
    template<typename T, typename Work, typename Done> void runJob(Work work, Done done, bool busy = true);
    void setBusy(int delta);

    ClaudeCodeSetup m_setup;
    std::optional<ClaudeCodeStatus> m_status;
    int m_running = 0;
    bool m_verifying = false;
    int m_statusGeneration = 0;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::ConnectorResult)
Q_DECLARE_METATYPE(sb::VerifyOutcome)
