#include "ConfigCommand.h"

#include "CommandSetup.h"

#include "config/ConfigLoader.h"
#include "secrets/SecretStore.h"
#include "server/BindPolicy.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb::cli {

namespace {

QJsonObject issueJson(const ConfigIssue &issue)
{
    return QJsonObject{
        {QStringLiteral("severity"),
         issue.severity == ConfigIssue::Severity::Error ? QStringLiteral("error") : QStringLiteral("warning")},
        {QStringLiteral("file"), issue.file},
        {QStringLiteral("line"), issue.line},
        {QStringLiteral("key"), issue.key},
        {QStringLiteral("message"), issue.message},
        {QStringLiteral("text"), issue.toString()},
    };
}

} // namespace

int runConfigCommand(const QStringList &words)
{
    // The gateway's names: the default config path and the secret store are the gateway's.
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));

    const CommandLine line = parseCommandLine(words);
    if (line.words.value(1) != QStringLiteral("check") || line.words.size() > 3) {
        err() << "usage: switchboard config check [FILE] [--json] [--host H] [--port N]\n";
        return 2;
    }
    for (auto it = line.options.cbegin(); it != line.options.cend(); ++it) {
        static const QStringList known = {QStringLiteral("--config"), QStringLiteral("--host"),
                                          QStringLiteral("--port")};
        if (!known.contains(it.key())) {
            err() << "switchboard config check: unknown option " << it.key() << "\n";
            return 2;
        }
    }
    ListenOverride listen;
    listen.host = line.option(QStringLiteral("--host"));
    if (line.has(QStringLiteral("--port"))) {
        const Expected<quint16, QString> port = BindPolicy::parsePort(line.option(QStringLiteral("--port")));
        if (!port) {
            err() << "switchboard config check: --port " << port.error() << "\n";
            return 2;
        }
        listen.port = *port;
    }
    const QString path = line.words.size() > 2
                             ? line.words.at(2)
                             : line.option(QStringLiteral("--config"), ConfigLoader::defaultConfigPath());

    ConfigLoadResult result;
    if (!QFileInfo::exists(path)) {
        result.issues.append(
            {ConfigIssue::Severity::Error, path, 0, QString(), QStringLiteral("the file does not exist")});
    } else {
        // keychain/ references resolve as the gateway resolves them; nothing is written.
        SecretStore secrets(QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath());
        result = ConfigLoader::loadFile(
            path, [&secrets](const QString &name) { return secrets.read(name); }, listen);
        if (result.ok()) {
            const QString host = listen.host.isEmpty() ? result.config.host : listen.host;
            const Expected<void, QString> bind = BindPolicy::checkListen(host, result.config.masterKey);
            if (!bind)
                result.issues.append(
                    {ConfigIssue::Severity::Error, path, 0, QStringLiteral("switchboard.host"), bind.error()});
        }
    }
    const bool starts = result.ok();
    if (line.json) {
        QJsonArray issues;
        for (const ConfigIssue &issue : std::as_const(result.issues))
            issues.append(issueJson(issue));
        const QJsonObject report{{QStringLiteral("file"), path},
                                 {QStringLiteral("would_start"), starts},
                                 {QStringLiteral("errors"), int(result.errors().size())},
                                 {QStringLiteral("warnings"), int(result.warnings().size())},
                                 {QStringLiteral("models"), QJsonArray::fromStringList(result.config.modelNames())},
                                 {QStringLiteral("issues"), issues}};
        out() << QJsonDocument(report).toJson(QJsonDocument::Indented);
    } else {
        for (const ConfigIssue &issue : std::as_const(result.issues))
            out() << issue.toString() << "\n";
        out() << path << ": " << (starts ? "would start" : "would NOT start") << " (" << result.errors().size()
              << " errors, " << result.warnings().size() << " warnings)\n";
    }
    out().flush();
    return starts ? 0 : 1;
}

} // namespace sb::cli
