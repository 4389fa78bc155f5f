#include "ClaudeCodeConnector.h"

#include "JsonFile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QUrl>

namespace sb {

namespace {

const QString kEnv = QStringLiteral("env");
const QString kBaseUrl = QStringLiteral("ANTHROPIC_BASE_URL");
const QString kAuthToken = QStringLiteral("ANTHROPIC_AUTH_TOKEN");
const QString kApiKey = QStringLiteral("ANTHROPIC_API_KEY");
const QString kOnboarding = QStringLiteral("hasCompletedOnboarding");

// Keys of the connection record.
const QString kRecordVersion = QStringLiteral("version");
const QString kRecordSettingsFile = QStringLiteral("settings_file");
const QString kRecordGlobalFile = QStringLiteral("global_state_file");
const QString kRecordWritten = QStringLiteral("env_written");
const QString kRecordReplaced = QStringLiteral("env_replaced");
const QString kRecordRemoved = QStringLiteral("env_removed");
const QString kRecordEnvCreated = QStringLiteral("env_created");
const QString kRecordFileCreated = QStringLiteral("file_created");
const QString kRecordOnboardingSet = QStringLiteral("onboarding_set");
const QString kRecordOnboardingPrevious = QStringLiteral("onboarding_previous");
const QString kRecordConnectedAt = QStringLiteral("connected_at");

QJsonObject readRecord(const QString &path)
{
    const Expected<JsonFileContent, QString> read = JsonFile::read(path);
    return read.hasValue() ? read->object : QJsonObject();
}

Expected<void, QString> writeRecord(const QString &path, const QJsonObject &record)
{
    Expected<void, QString> written = JsonFile::write(path, record);
    if (!written)
        return written;
    // It may hold a replaced API key: owner-only, like the settings themselves should be.
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

// Loopback spellings are the same gateway.
QString comparableUrl(const QString &url)
{
    QUrl parsed(ClaudeConnectSettings::normalizedBaseUrl(url));
    if (parsed.host() == QLatin1String("localhost") || parsed.host() == QLatin1String("::1") ||
        parsed.host() == QLatin1String("[::1]")) {
        parsed.setHost(QStringLiteral("127.0.0.1"));
    }
    QString text = parsed.toString(QUrl::NormalizePathSegments | QUrl::StripTrailingSlash);
    return text.toLower();
}

QString homeFrom(const QProcessEnvironment &environment)
{
#ifdef Q_OS_WIN
    QString home = environment.value(QStringLiteral("USERPROFILE"));
#else
    QString home = environment.value(QStringLiteral("HOME"));
#endif
    return home.isEmpty() ? QDir::homePath() : home;
}

} // namespace

ClaudeCodePaths ClaudeCodePaths::fromEnvironment(const QProcessEnvironment &environment, const QString &stateDir,
                                                 const QString &projectDir)
{
    ClaudeCodePaths paths;
    paths.homeDir = homeFrom(environment);
    const QString configDir = environment.value(QStringLiteral("CLAUDE_CONFIG_DIR"));
    paths.configDirFromEnvironment = !configDir.isEmpty();
    paths.configDir = configDir.isEmpty() ? QDir(paths.homeDir).filePath(QStringLiteral(".claude")) : configDir;
    paths.projectDir = projectDir;
    paths.stateDir = stateDir;
    return paths;
}

QString ClaudeCodePaths::userSettingsFile() const
{
    return QDir(configDir).filePath(QStringLiteral("settings.json"));
}

QString ClaudeCodePaths::projectSettingsFile() const
{
    return projectDir.isEmpty() ? QString() : QDir(projectDir).filePath(QStringLiteral(".claude/settings.json"));
}

QString ClaudeCodePaths::localSettingsFile() const
{
    return projectDir.isEmpty() ? QString() : QDir(projectDir).filePath(QStringLiteral(".claude/settings.local.json"));
}

QString ClaudeCodePaths::globalStateFile() const
{
    return configDirFromEnvironment ? QDir(configDir).filePath(QStringLiteral(".claude.json"))
                                    : QDir(homeDir).filePath(QStringLiteral(".claude.json"));
}

QString ClaudeCodePaths::connectionRecordFile() const
{
    return QDir(stateDir).filePath(QStringLiteral("claude-code-connection.json"));
}

QString ClaudeCodePaths::backupDir() const
{
    return QDir(stateDir).filePath(QStringLiteral("backups/claude-code"));
}

QString ClaudeConnectSettings::normalizedBaseUrl(const QString &url)
{
    QString result = url.trimmed();
    while (result.endsWith(QLatin1Char('/')))
        result.chop(1);
    // The CLI appends /v1/messages itself; a base ending in /v1 makes it call /v1/v1/messages.
    if (result.endsWith(QLatin1String("/v1")))
        result.chop(3);
    while (result.endsWith(QLatin1Char('/')))
        result.chop(1);
    return result;
}

QMap<QString, QString> ClaudeConnectSettings::environmentKeys() const
{
    QMap<QString, QString> keys;
    keys.insert(kBaseUrl, normalizedBaseUrl(baseUrl));
    keys.insert(kAuthToken, authToken);
    if (localUpstreams) {
        keys.insert(QStringLiteral("CLAUDE_CODE_ATTRIBUTION_HEADER"), QStringLiteral("0"));
        keys.insert(QStringLiteral("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"), QStringLiteral("1"));
        keys.insert(QStringLiteral("API_TIMEOUT_MS"), QString::number(apiTimeoutMs));
        if (maxOutputTokens > 0)
            keys.insert(QStringLiteral("CLAUDE_CODE_MAX_OUTPUT_TOKENS"), QString::number(maxOutputTokens));
        keys.insert(QStringLiteral("DISABLE_TELEMETRY"), QStringLiteral("1"));
        keys.insert(QStringLiteral("NO_PROXY"), QStringLiteral("127.0.0.1,localhost"));
    }
    if (!opusModel.isEmpty())
        keys.insert(QStringLiteral("ANTHROPIC_DEFAULT_OPUS_MODEL"), opusModel);
    if (!sonnetModel.isEmpty())
        keys.insert(QStringLiteral("ANTHROPIC_DEFAULT_SONNET_MODEL"), sonnetModel);
    if (!haikuModel.isEmpty())
        keys.insert(QStringLiteral("ANTHROPIC_DEFAULT_HAIKU_MODEL"), haikuModel);
    if (!subagentModel.isEmpty())
        keys.insert(QStringLiteral("CLAUDE_CODE_SUBAGENT_MODEL"), subagentModel);
    if (maxContextTokens > 0)
        keys.insert(QStringLiteral("CLAUDE_CODE_MAX_CONTEXT_TOKENS"), QString::number(maxContextTokens));
    return keys;
}

bool ClaudeCodeStatus::connected() const
{
    return userSettingsPointAtGateway && tokenMatches && problems.isEmpty();
}

QJsonObject ClaudeCodeStatus::toJson() const
{
    QJsonArray sourceArray;
    for (const BaseUrlSource &source : sources) {
        sourceArray.append(QJsonObject{
            {QStringLiteral("scope"), source.scope},
            {QStringLiteral("file"), source.file},
            {QStringLiteral("base_url"), source.baseUrl},
            {QStringLiteral("points_at_gateway"), source.pointsAtGateway},
            {QStringLiteral("has_auth_token"), source.hasAuthToken},
            {QStringLiteral("has_api_key"), source.hasApiKey},
        });
    }
    return QJsonObject{
        {QStringLiteral("binary"), binaryPath},
        {QStringLiteral("version"), version},
        {QStringLiteral("sources"), sourceArray},
        {QStringLiteral("effective_base_url"), effectiveBaseUrl},
        {QStringLiteral("effective_scope"), effectiveScope},
        {QStringLiteral("connected"), connected()},
        {QStringLiteral("token_matches"), tokenMatches},
        {QStringLiteral("onboarding_done"), onboardingDone},
        {QStringLiteral("problems"), QJsonArray::fromStringList(problems)},
    };
}

ClaudeCodeConnector::ClaudeCodeConnector(const ClaudeCodePaths &paths) : m_paths(paths) {}

void ClaudeCodeConnector::setStepHook(std::function<bool(Step)> hook)
{
    m_stepHook = std::move(hook);
}

void ClaudeCodeConnector::setBackupsToKeep(int count)
{
    m_backupsToKeep = std::max(1, count);
}

const ClaudeCodePaths &ClaudeCodeConnector::paths() const
{
    return m_paths;
}

bool ClaudeCodeConnector::stepAllowed(Step step) const
{
    return !m_stepHook || m_stepHook(step);
}

Expected<QString, QString> ClaudeCodeConnector::backup(const QString &file, const QString &kind) const
{
    const QString source = JsonFile::resolvedPath(file);
    if (!QFile::exists(source))
        return QString();
    QDir dir(m_paths.backupDir());
    if (!dir.mkpath(QStringLiteral(".")))
        return unexpected(QStringLiteral("cannot create the backup folder %1").arg(dir.path()));
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    QString target = dir.filePath(QStringLiteral("%1.%2.bak").arg(kind, stamp));
    for (int n = 1; QFile::exists(target); ++n)
        target = dir.filePath(QStringLiteral("%1.%2-%3.bak").arg(kind, stamp).arg(n));
    if (!QFile::copy(source, target))
        return unexpected(QStringLiteral("cannot back up %1 to %2").arg(source, target));
    QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    // Keep the newest ones; the names sort by time.
    QStringList existing = dir.entryList({kind + QStringLiteral(".*.bak")}, QDir::Files, QDir::Name);
    while (existing.size() > m_backupsToKeep)
        dir.remove(existing.takeFirst());
    return target;
}

Expected<void, QString> ClaudeCodeConnector::backUpBoth(const QString &settingsFile, const QString &globalFile,
                                                        ConnectorResult *result) const
{
    if (!settingsFile.isEmpty()) {
        const Expected<QString, QString> copy = backup(settingsFile, QStringLiteral("settings.json"));
        if (!copy)
            return unexpected(copy.error());
        result->backupFile = *copy;
    }
    if (!globalFile.isEmpty()) {
        const Expected<QString, QString> copy = backup(globalFile, QStringLiteral("claude.json"));
        if (!copy)
            return unexpected(copy.error());
    }
    return {};
}

ConnectorResult ClaudeCodeConnector::connect(const ClaudeConnectSettings &settings)
{
    ConnectorResult result;
    if (ClaudeConnectSettings::normalizedBaseUrl(settings.baseUrl).isEmpty() || settings.authToken.isEmpty()) {
        result.message = QStringLiteral("connect needs the gateway address and token");
        return result;
    }
    const QString settingsFile = m_paths.userSettingsFile();
    const QString globalFile = m_paths.globalStateFile();
    const Expected<JsonFileContent, QString> settingsRead = JsonFile::read(settingsFile);
    if (!settingsRead.hasValue()) {
        result.message = settingsRead.error();
        return result;
    }
    const Expected<JsonFileContent, QString> globalRead = JsonFile::read(globalFile);
    if (!globalRead.hasValue()) {
        result.message = globalRead.error();
        return result;
    }
    for (const QString &file : {settingsFile, globalFile}) {
        const QFileInfo info(JsonFile::resolvedPath(file));
        if (info.exists() && !JsonFile::isWritableByOwner(info.filePath())) {
            result.message =
                QStringLiteral("%1 is read-only; make it writable (chmod u+w) and connect again, nothing was changed")
                    .arg(info.filePath());
            return result;
        }
    }

    QJsonObject previous = readRecord(m_paths.connectionRecordFile());
    if (previous.value(kRecordSettingsFile).toString() != settingsFile)
        previous = QJsonObject(); // a record about another settings file says nothing here
    const QJsonObject oldWritten = previous.value(kRecordWritten).toObject();
    const QJsonObject oldReplaced = previous.value(kRecordReplaced).toObject();
    const QJsonObject oldRemoved = previous.value(kRecordRemoved).toObject();

    QJsonObject root = settingsRead->object;
    const bool envExisted = root.contains(kEnv);
    QJsonObject env = root.value(kEnv).toObject();
    QJsonObject written;
    QJsonObject replaced;
    QJsonObject removed;

    const QMap<QString, QString> desired = settings.environmentKeys();
    for (auto it = desired.cbegin(); it != desired.cend(); ++it) {
        const QString &key = it.key();
        if (env.contains(key)) {
            const QJsonValue current = env.value(key);
            if (oldWritten.contains(key) && oldWritten.value(key) == current) {
                // Ours from an earlier connect: what it replaced is still what to restore.
                if (oldReplaced.contains(key))
                    replaced.insert(key, oldReplaced.value(key));
            } else {
                replaced.insert(key, current);
            }
        }
        if (env.value(key) != QJsonValue(it.value())) {
            result.changes.append(QStringLiteral("set %1").arg(key));
            result.keyChanges.append({settingsFile, key, env.value(key), QJsonValue(it.value())});
        }
        env.insert(key, it.value());
        written.insert(key, it.value());
    }
    // Keys an earlier connect wrote that this one does not: undo them the disconnect way.
    for (auto it = oldWritten.begin(); it != oldWritten.end(); ++it) {
        if (desired.contains(it.key()) || env.value(it.key()) != it.value())
            continue;
        result.keyChanges.append({settingsFile, it.key(), env.value(it.key()), oldReplaced.value(it.key())});
        if (oldReplaced.contains(it.key()))
            env.insert(it.key(), oldReplaced.value(it.key()));
        else
            env.remove(it.key());
        result.changes.append(QStringLiteral("removed %1 (no longer needed)").arg(it.key()));
    }
    // An API key next to the token makes the CLI warn about conflicting credentials.
    for (auto it = oldRemoved.begin(); it != oldRemoved.end(); ++it) {
        if (!env.contains(it.key()))
            removed.insert(it.key(), it.value());
    }
    if (env.contains(kApiKey)) {
        removed.insert(kApiKey, env.value(kApiKey));
        result.keyChanges.append({settingsFile, kApiKey, env.value(kApiKey), QJsonValue(QJsonValue::Undefined)});
        env.remove(kApiKey);
        result.changes.append(QStringLiteral("removed the conflicting %1 (restored on disconnect)").arg(kApiKey));
    }
    root.insert(kEnv, env);

    QJsonObject global = globalRead->object;
    bool onboardingSet = previous.value(kRecordOnboardingSet).toBool();
    QJsonValue onboardingPrevious = previous.value(kRecordOnboardingPrevious);
    const bool globalChanges = global.value(kOnboarding) != QJsonValue(true);
    if (globalChanges) {
        onboardingSet = true;
        onboardingPrevious =
            global.contains(kOnboarding) ? global.value(kOnboarding) : QJsonValue(QJsonValue::Undefined);
        result.keyChanges.append({globalFile, kOnboarding, global.value(kOnboarding), QJsonValue(true)});
        global.insert(kOnboarding, true);
        result.changes.append(QStringLiteral("set %1 in %2").arg(kOnboarding, globalFile));
    }

    QJsonObject record{
        {kRecordVersion, 1},
        {kRecordSettingsFile, settingsFile},
        {kRecordGlobalFile, globalFile},
        {kRecordConnectedAt, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {kRecordWritten, written},
        {kRecordReplaced, replaced},
        {kRecordRemoved, removed},
        {kRecordEnvCreated, previous.isEmpty() ? !envExisted : previous.value(kRecordEnvCreated).toBool()},
        {kRecordFileCreated, previous.isEmpty() ? !settingsRead->existed : previous.value(kRecordFileCreated).toBool()},
        {kRecordOnboardingSet, onboardingSet},
    };
    if (onboardingSet && !onboardingPrevious.isUndefined())
        record.insert(kRecordOnboardingPrevious, onboardingPrevious);

    if (!stepAllowed(Step::Backup)) {
        result.message = QStringLiteral("stopped before the backup");
        return result;
    }
    const Expected<void, QString> backedUp = backUpBoth(settingsFile, globalChanges ? globalFile : QString(), &result);
    if (!backedUp) {
        result.message = backedUp.error() + QStringLiteral("; nothing was changed");
        return result;
    }
    // The record goes first: if anything below is interrupted, disconnect still knows
    // what was (or would have been) written and what it replaced.
    if (!stepAllowed(Step::WriteRecord)) {
        result.message = QStringLiteral("stopped before writing the connection record");
        return result;
    }
    if (const Expected<void, QString> written = writeRecord(m_paths.connectionRecordFile(), record); !written) {
        result.message = written.error() + QStringLiteral("; nothing was changed");
        return result;
    }
    if (!stepAllowed(Step::WriteSettings)) {
        result.message = QStringLiteral("stopped before writing %1").arg(settingsFile);
        return result;
    }
    if (const Expected<void, QString> written = JsonFile::write(settingsFile, root); !written) {
        result.message = written.error();
        return result;
    }
    if (globalChanges) {
        if (!stepAllowed(Step::WriteGlobalState)) {
            result.message = QStringLiteral("stopped before writing %1").arg(globalFile);
            return result;
        }
        if (const Expected<void, QString> written = JsonFile::write(globalFile, global); !written) {
            result.message = written.error();
            return result;
        }
    }
    result.ok = true;
    result.message =
        result.changes.isEmpty()
            ? QStringLiteral("Claude Code was already connected to %1").arg(desired.value(kBaseUrl))
            : QStringLiteral("Claude Code now uses the gateway at %1 (%2)").arg(desired.value(kBaseUrl), settingsFile);
    return result;
}

ConnectorResult ClaudeCodeConnector::disconnect()
{
    ConnectorResult result;
    const QString recordFile = m_paths.connectionRecordFile();
    if (!QFile::exists(recordFile)) {
        result.ok = true;
        result.message = QStringLiteral("Switchboard has no record of connecting Claude Code here; nothing to undo");
        return result;
    }
    const Expected<JsonFileContent, QString> recordRead = JsonFile::read(recordFile);
    if (!recordRead.hasValue()) {
        result.message = recordRead.error();
        return result;
    }
    const QJsonObject record = recordRead->object;
    const QString settingsFile = record.value(kRecordSettingsFile).toString(m_paths.userSettingsFile());
    const QString globalFile = record.value(kRecordGlobalFile).toString(m_paths.globalStateFile());

    const Expected<JsonFileContent, QString> settingsRead = JsonFile::read(settingsFile);
    if (!settingsRead.hasValue()) {
        result.message = settingsRead.error();
        return result;
    }
    const Expected<JsonFileContent, QString> globalRead = JsonFile::read(globalFile);
    if (!globalRead.hasValue()) {
        result.message = globalRead.error();
        return result;
    }

    QJsonObject root = settingsRead->object;
    QJsonObject env = root.value(kEnv).toObject();
    const QJsonObject written = record.value(kRecordWritten).toObject();
    const QJsonObject replaced = record.value(kRecordReplaced).toObject();
    for (auto it = written.begin(); it != written.end(); ++it) {
        if (!env.contains(it.key()))
            continue; // already gone
        if (env.value(it.key()) != it.value()) {
            result.warnings.append(QStringLiteral("%1 was changed after connect; left as it is").arg(it.key()));
            continue;
        }
        result.keyChanges.append({settingsFile, it.key(), env.value(it.key()), replaced.value(it.key())});
        if (replaced.contains(it.key())) {
            env.insert(it.key(), replaced.value(it.key()));
            result.changes.append(QStringLiteral("restored %1").arg(it.key()));
        } else {
            env.remove(it.key());
            result.changes.append(QStringLiteral("removed %1").arg(it.key()));
        }
    }
    const QJsonObject removed = record.value(kRecordRemoved).toObject();
    for (auto it = removed.begin(); it != removed.end(); ++it) {
        if (env.contains(it.key())) {
            if (env.value(it.key()) != it.value())
                result.warnings.append(QStringLiteral("%1 was set again after connect; left as it is").arg(it.key()));
            continue;
        }
        result.keyChanges.append({settingsFile, it.key(), QJsonValue(QJsonValue::Undefined), it.value()});
        env.insert(it.key(), it.value());
        result.changes.append(QStringLiteral("restored %1").arg(it.key()));
    }
    if (env.isEmpty() && record.value(kRecordEnvCreated).toBool())
        root.remove(kEnv);
    else
        root.insert(kEnv, env);

    QJsonObject global = globalRead->object;
    bool globalChanges = false;
    if (record.value(kRecordOnboardingSet).toBool() && global.value(kOnboarding) == QJsonValue(true)) {
        result.keyChanges.append({globalFile, kOnboarding, global.value(kOnboarding),
                                  record.contains(kRecordOnboardingPrevious) ? record.value(kRecordOnboardingPrevious)
                                                                             : QJsonValue(QJsonValue::Undefined)});
        if (record.contains(kRecordOnboardingPrevious))
            global.insert(kOnboarding, record.value(kRecordOnboardingPrevious));
        else
            global.remove(kOnboarding);
        globalChanges = true;
        result.changes.append(QStringLiteral("restored %1 in %2").arg(kOnboarding, globalFile));
    }

    if (!stepAllowed(Step::Backup)) {
        result.message = QStringLiteral("stopped before the backup");
        return result;
    }
    const Expected<void, QString> backedUp =
        backUpBoth(settingsRead->existed ? settingsFile : QString(), globalChanges ? globalFile : QString(), &result);
    if (!backedUp) {
        result.message = backedUp.error() + QStringLiteral("; nothing was changed");
        return result;
    }
    if (root.isEmpty() && record.value(kRecordFileCreated).toBool()) {
        // Claude Code never creates settings.json; connect did, so disconnect removes it.
        if (settingsRead->existed && !QFile::remove(JsonFile::resolvedPath(settingsFile))) {
            result.message = QStringLiteral("cannot remove %1").arg(settingsFile);
            return result;
        }
    } else if (settingsRead->existed) {
        if (const Expected<void, QString> written = JsonFile::write(settingsFile, root); !written) {
            result.message = written.error();
            return result;
        }
    }
    if (globalChanges) {
        if (const Expected<void, QString> written = JsonFile::write(globalFile, global); !written) {
            result.message = written.error();
            return result;
        }
    }
    QFile::remove(recordFile);
    result.ok = true;
    result.message = QStringLiteral("Claude Code no longer uses the gateway; its settings are as before connect");
    return result;
}

namespace {

// Runs connect or disconnect on a copy that stops before its first write.
template<typename Run> ConnectorResult previewOf(ClaudeCodeConnector copy, Run run)
{
    bool reachedWrites = false;
    copy.setStepHook([&reachedWrites](ClaudeCodeConnector::Step) {
        reachedWrites = true;
        return false;
    });
    ConnectorResult result = run(copy);
    if (reachedWrites) {
        result.ok = true;
        result.message = result.keyChanges.isEmpty()
                             ? QStringLiteral("nothing would change")
                             : QStringLiteral("%1 keys would change").arg(result.keyChanges.size());
    }
    return result;
}

} // namespace

ConnectorResult ClaudeCodeConnector::previewConnect(const ClaudeConnectSettings &settings) const
{
    return previewOf(*this, [&settings](ClaudeCodeConnector &copy) { return copy.connect(settings); });
}

ConnectorResult ClaudeCodeConnector::previewDisconnect() const
{
    return previewOf(*this, [](ClaudeCodeConnector &copy) { return copy.disconnect(); });
}

ClaudeCodeStatus ClaudeCodeConnector::status(const QString &gatewayBaseUrl, const QString &gatewayToken,
                                             const QProcessEnvironment &environment) const
{
    ClaudeCodeStatus status;
    status.binaryPath = findClaudeBinary(environment, m_paths.homeDir);
    if (!status.binaryPath.isEmpty())
        status.version = claudeVersion(status.binaryPath, environment);
    status.recordedConnection = QFile::exists(m_paths.connectionRecordFile());
    const QString gateway = comparableUrl(gatewayBaseUrl);

    struct Scope
    {
        QString name;
        QString file;
    };
    const QList<Scope> scopes{
        {QStringLiteral("local"), m_paths.localSettingsFile()},
        {QStringLiteral("project"), m_paths.projectSettingsFile()},
        {QStringLiteral("user"), m_paths.userSettingsFile()},
    };
    QString effectiveToken;
    bool tokenFound = false;
    bool apiKeyAnywhere = false;
    for (const Scope &scope : scopes) {
        if (scope.file.isEmpty())
            continue;
        const Expected<JsonFileContent, QString> read = JsonFile::read(scope.file);
        if (!read.hasValue()) {
            status.settingsErrors.append(read.error());
            status.problems.append(read.error());
            continue;
        }
        const QJsonObject env = read->object.value(kEnv).toObject();
        if (!tokenFound && env.contains(kAuthToken)) {
            tokenFound = true;
            effectiveToken = env.value(kAuthToken).toString();
        }
        apiKeyAnywhere = apiKeyAnywhere || env.contains(kApiKey);
        if (!env.contains(kBaseUrl))
            continue;
        BaseUrlSource source;
        source.scope = scope.name;
        source.file = scope.file;
        source.baseUrl = env.value(kBaseUrl).toString();
        source.pointsAtGateway = comparableUrl(source.baseUrl) == gateway;
        source.hasAuthToken = env.contains(kAuthToken);
        source.hasApiKey = env.contains(kApiKey);
        status.sources.append(source);
        if (scope.name == QLatin1String("user"))
            status.userSettingsPointAtGateway = source.pointsAtGateway;
    }
    const QString shellUrl = environment.value(kBaseUrl);
    if (!shellUrl.isEmpty()) {
        BaseUrlSource source;
        source.scope = QStringLiteral("process");
        source.baseUrl = shellUrl;
        source.pointsAtGateway = comparableUrl(shellUrl) == gateway;
        source.hasAuthToken = environment.contains(kAuthToken);
        source.hasApiKey = environment.contains(kApiKey);
        status.sources.append(source);
    }
    if (!tokenFound && environment.contains(kAuthToken))
        effectiveToken = environment.value(kAuthToken);
    if (!status.sources.isEmpty()) {
        status.effectiveBaseUrl = status.sources.first().baseUrl;
        status.effectiveScope = status.sources.first().scope;
    }
    status.tokenMatches = !gatewayToken.isEmpty() && effectiveToken == gatewayToken;

    const Expected<JsonFileContent, QString> global = JsonFile::read(m_paths.globalStateFile());
    status.onboardingDone = global.hasValue() && global->object.value(kOnboarding).toBool();

    if (status.binaryPath.isEmpty())
        status.problems.append(
            QStringLiteral("Claude Code is not installed (no `claude` on PATH, in ~/.local/bin, ~/.claude/local or "
                           "npm's global folder): npm install -g @anthropic-ai/claude-code"));
    if (!status.userSettingsPointAtGateway)
        status.problems.append(
            QStringLiteral("%1 does not point Claude Code at the gateway %2: run `switchboard claude connect`")
                .arg(m_paths.userSettingsFile(), ClaudeConnectSettings::normalizedBaseUrl(gatewayBaseUrl)));
    for (const BaseUrlSource &source : status.sources) {
        if (source.scope == QLatin1String("user"))
            break; // lower-precedence sources are overridden anyway
        if (!source.pointsAtGateway)
            status.problems.append(QStringLiteral("%1 (%2 settings) sets ANTHROPIC_BASE_URL=%3, which overrides the "
                                                  "gateway: remove that entry from its \"env\"")
                                       .arg(source.file, source.scope, source.baseUrl));
    }
    if (status.sources.isEmpty() || status.sources.first().scope == QLatin1String("process")) {
        if (!shellUrl.isEmpty() && comparableUrl(shellUrl) != gateway)
            status.problems.append(QStringLiteral("your shell sets ANTHROPIC_BASE_URL=%1 and no settings file "
                                                  "overrides it: run `switchboard claude connect` or unset it")
                                       .arg(shellUrl));
    }
    if (status.userSettingsPointAtGateway && !status.tokenMatches)
        status.problems.append(QStringLiteral(
            "the token Claude Code sends is not the gateway's current token: run `switchboard claude connect` again"));
    if (apiKeyAnywhere || environment.contains(kApiKey))
        status.problems.append(
            QStringLiteral("ANTHROPIC_API_KEY is set (in %1) next to the gateway token, which makes Claude Code warn "
                           "about conflicting credentials: unset it")
                .arg(environment.contains(kApiKey) ? QStringLiteral("your shell") : QStringLiteral("a settings file")));
    if (!status.onboardingDone)
        status.problems.append(QStringLiteral("Claude Code's first-run login screen is still pending (%1 lacks "
                                              "hasCompletedOnboarding): run `switchboard claude connect`")
                                   .arg(m_paths.globalStateFile()));
    return status;
}

QString ClaudeCodeConnector::findClaudeBinary(const QProcessEnvironment &environment, const QString &homeDir)
{
#ifdef Q_OS_WIN
    const QChar separator = QLatin1Char(';');
#else
    const QChar separator = QLatin1Char(':');
#endif
    const QStringList pathDirs = environment.value(QStringLiteral("PATH")).split(separator, Qt::SkipEmptyParts);
    QString found = QStandardPaths::findExecutable(QStringLiteral("claude"), pathDirs);
    if (!found.isEmpty())
        return found;
    const QStringList usual{
        QDir(homeDir).filePath(QStringLiteral(".local/bin")),
        QDir(homeDir).filePath(QStringLiteral(".claude/local")),
    };
    found = QStandardPaths::findExecutable(QStringLiteral("claude"), usual);
    if (!found.isEmpty())
        return found;
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"), pathDirs);
    if (npm.isEmpty())
        return {};
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(npm, {QStringLiteral("prefix"), QStringLiteral("-g")}, QIODevice::ReadOnly);
    if (!process.waitForFinished(3000)) {
        process.kill();
        process.waitForFinished(1000);
        return {};
    }
    const QString prefix = QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
    if (prefix.isEmpty())
        return {};
#ifdef Q_OS_WIN
    return QStandardPaths::findExecutable(QStringLiteral("claude"), {prefix});
#else
    return QStandardPaths::findExecutable(QStringLiteral("claude"), {QDir(prefix).filePath(QStringLiteral("bin"))});
#endif
}

QString ClaudeCodeConnector::claudeVersion(const QString &binary, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(binary, {QStringLiteral("--version")}, QIODevice::ReadOnly);
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(1000);
        return {};
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return {};
    // "2.1.332 (Claude Code)"
    const QString text = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    return text.section(QLatin1Char(' '), 0, 0);
}

} // namespace sb
