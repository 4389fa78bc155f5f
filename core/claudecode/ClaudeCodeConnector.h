#pragma once

#include "Expected.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>

namespace sb {

// Where Claude Code keeps its files, and where Switchboard keeps its record of them.
struct ClaudeCodePaths
{
    QString homeDir;    // $HOME (USERPROFILE on Windows)
    QString configDir;  // $CLAUDE_CONFIG_DIR, else ~/.claude
    QString projectDir; // the working directory whose .claude/ settings also apply
    QString stateDir;   // Switchboard's config dir: connection record and backups

    // From an environment (tests pass one with HOME / CLAUDE_CONFIG_DIR overridden).
    static ClaudeCodePaths fromEnvironment(const QProcessEnvironment &environment, const QString &stateDir,
                                           const QString &projectDir);

    QString userSettingsFile() const;    // <configDir>/settings.json
    QString projectSettingsFile() const; // <projectDir>/.claude/settings.json
    QString localSettingsFile() const;   // <projectDir>/.claude/settings.local.json
    // The CLI's own state with hasCompletedOnboarding: ~/.claude.json, or
    // $CLAUDE_CONFIG_DIR/.claude.json when the config dir is moved.
    QString globalStateFile() const;
    QString connectionRecordFile() const;
    QString backupDir() const;
    bool configDirFromEnvironment = false;
};

// What connect writes into settings.json's "env".
struct ClaudeConnectSettings
{
    QString baseUrl;            // the gateway, e.g. http://127.0.0.1:4000 (a trailing /v1 is removed)
    QString authToken;          // the gateway token
    bool localUpstreams = true; // add the keys local models need
    QString opusModel;
    QString sonnetModel;
    QString haikuModel;
    QString subagentModel;
    int maxContextTokens = 0;    // CLAUDE_CODE_MAX_CONTEXT_TOKENS when > 0
    int maxOutputTokens = 16384; // CLAUDE_CODE_MAX_OUTPUT_TOKENS for local upstreams
    int apiTimeoutMs = 1800000;  // local models prefill slowly; the CLI default is 600000

    // The exact key → value set connect owns.
    QMap<QString, QString> environmentKeys() const;
    static QString normalizedBaseUrl(const QString &url);
};

// One place that sets ANTHROPIC_BASE_URL.
struct BaseUrlSource
{
    QString scope; // "local", "project", "user" (settings files, highest first), "process"
    QString file;  // empty for "process"
    QString baseUrl;
    bool pointsAtGateway = false;
    bool hasAuthToken = false;
    bool hasApiKey = false;
};

struct ClaudeCodeStatus
{
    QString binaryPath; // empty when claude was not found
    QString version;
    QList<BaseUrlSource> sources; // highest precedence first
    QString effectiveBaseUrl;     // what the CLI will use from here
    QString effectiveScope;
    bool userSettingsPointAtGateway = false;
    bool tokenMatches = false; // the user settings carry the current gateway token
    bool onboardingDone = false;
    bool recordedConnection = false; // Switchboard's record of a connect exists
    QStringList problems;            // plain words, each with what to do
    QStringList settingsErrors;      // files that are not valid JSON

    bool connected() const;
    QJsonObject toJson() const;
};

// One key connect or disconnect changes, with its value before and after (Undefined: not set).
struct ConnectorKeyChange
{
    QString file; // the settings file or the CLI's global state file
    QString key;  // an "env" entry, or hasCompletedOnboarding in the global state file
    QJsonValue before;
    QJsonValue after;
};

struct ConnectorResult
{
    bool ok = false;
    QString message;      // what happened, or why nothing was changed
    QStringList changes;  // "set ANTHROPIC_BASE_URL", "removed ANTHROPIC_API_KEY", ...
    QStringList warnings; // e.g. keys the user changed since connect, left alone
    QString backupFile;
    QList<ConnectorKeyChange> keyChanges; // the same changes, key by key
};

// Connects Claude Code to the gateway by merging a few keys into its user settings, and
// undoes exactly that. Every other key — plugins, hooks, permissions, statusLine, other env
// entries — stays as it was. Blocking file work only; safe to call from any thread that
// owns no GUI.
class ClaudeCodeConnector final
{
public:
    // The steps of connect, in order; a test hook can stop before any of them to prove
    // that an interruption there leaves valid files.
    enum class Step { Backup, WriteRecord, WriteSettings, WriteGlobalState };

    explicit ClaudeCodeConnector(const ClaudeCodePaths &paths);

    ConnectorResult connect(const ClaudeConnectSettings &settings);
    ConnectorResult disconnect();
    // What connect / disconnect would change, computed by the same code, writing nothing
    // (they stop before the backup). ok is false when the real call would fail early.
    ConnectorResult previewConnect(const ClaudeConnectSettings &settings) const;
    ConnectorResult previewDisconnect() const;
    ClaudeCodeStatus status(const QString &gatewayBaseUrl, const QString &gatewayToken,
                            const QProcessEnvironment &environment) const;

    // Returning false from the hook stops connect before that step, as a crash would.
    void setStepHook(std::function<bool(Step)> hook);
    void setBackupsToKeep(int count);
    const ClaudeCodePaths &paths() const;

    // Finds the claude binary: PATH, ~/.local/bin, ~/.claude/local, npm's global prefix.
    // May run `npm prefix -g` (bounded to 3 s); for the command line and worker threads.
    static QString findClaudeBinary(const QProcessEnvironment &environment, const QString &homeDir);
    // `claude --version` → "2.1.332"; empty on failure.
    static QString claudeVersion(const QString &binary, const QProcessEnvironment &environment);

private:
    bool stepAllowed(Step step) const;
    // A dated copy of `file` in the backup folder (the newest m_backupsToKeep are kept): its
    // path, empty when there is no file to copy.
    Expected<QString, QString> backup(const QString &file, const QString &kind) const;
    // The settings file's and global state's backups (an empty path: none); the first's copy
    // goes to result->backupFile.
    Expected<void, QString> backUpBoth(const QString &settingsFile, const QString &globalFile,
                                       ConnectorResult *result) const;

    ClaudeCodePaths m_paths;
    std::function<bool(Step)> m_stepHook;
    int m_backupsToKeep = 10;
};

} // namespace sb
