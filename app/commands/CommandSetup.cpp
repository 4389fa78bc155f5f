#include "CommandSetup.h"

#include "config/ConfigLoader.h"
#include "doctor/DoctorInputs.h"
#include "secrets/SecretStore.h"
#include "server/BindPolicy.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTimer>

#include <cstdio>

namespace sb::cli {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString CommandLine::option(const QString &name, const QString &fallback) const
{
    return options.value(name, fallback);
}

bool CommandLine::has(const QString &name) const
{
    return options.contains(name);
}

CommandLine parseCommandLine(const QStringList &args)
{
    static const QStringList valued{
        QStringLiteral("--config"),     QStringLiteral("--host"),        QStringLiteral("--port"),
        QStringLiteral("--ollama"),     QStringLiteral("--base-url"),    QStringLiteral("--token"),
        QStringLiteral("--main-model"), QStringLiteral("--small-model"), QStringLiteral("--context"),
        QStringLiteral("--project"),    QStringLiteral("--model")};
    CommandLine line;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--json")) {
            line.json = true;
        } else if (a.startsWith(QLatin1String("--")) && a.contains(QLatin1Char('='))) {
            line.options.insert(a.section(QLatin1Char('='), 0, 0), a.section(QLatin1Char('='), 1));
        } else if (valued.contains(a) && i + 1 < args.size()) {
            line.options.insert(a, args.at(++i));
        } else if (a.startsWith(QLatin1String("--"))) {
            line.options.insert(a, QStringLiteral("1"));
        } else {
            line.words.append(a);
        }
    }
    return line;
}

Setup loadSetup(const CommandLine &line)
{
    Setup setup;
    setup.configPath = line.option(QStringLiteral("--config"), ConfigLoader::defaultConfigPath());
    // The gateway keeps its token in the default config directory whatever --config names
    // (GatewayLaunch::prepare); reading it elsewhere would mint a second token it refuses.
    setup.stateDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    if (QFileInfo::exists(setup.configPath)) {
        SecretStore secrets(setup.stateDir);
        const ConfigLoadResult loaded =
            ConfigLoader::loadFile(setup.configPath, [&secrets](const QString &name) { return secrets.read(name); });
        setup.configErrors = loaded.errors();
        if (loaded.ok())
            setup.config = loaded.config;
    }
    QString host = setup.config ? setup.config->host : QStringLiteral("127.0.0.1");
    quint16 port = setup.config ? setup.config->port : 4000;
    host = line.option(QStringLiteral("--host"), host);
    if (line.has(QStringLiteral("--port")))
        port = quint16(line.option(QStringLiteral("--port")).toUInt());
    host = BindPolicy::localDialHost(host);
    setup.gatewayUrl = line.option(QStringLiteral("--base-url"), QStringLiteral("http://%1:%2").arg(host).arg(port));

    const QString ollama = line.option(QStringLiteral("--ollama"));
    setup.ollamaUrl = ollama.isEmpty() ? DoctorInputs::ollamaUrlFor(setup.config ? &*setup.config : nullptr,
                                                                    qEnvironmentVariable("OLLAMA_HOST"))
                                       : QUrl(ollama);
    return setup;
}

QString gatewayToken(const Setup &setup, const CommandLine &line)
{
    if (line.has(QStringLiteral("--token")))
        return line.option(QStringLiteral("--token"));
    SecretStore secrets(setup.stateDir);
    return secrets.gatewayToken();
}

ClaudeCodeConnector connectorFor(const Setup &setup, const CommandLine &line)
{
    const QString project = line.option(QStringLiteral("--project"), QDir::currentPath());
    return ClaudeCodeConnector(
        ClaudeCodePaths::fromEnvironment(QProcessEnvironment::systemEnvironment(), setup.stateDir, project));
}

std::unique_ptr<QCoreApplication> ensureCoreApplication()
{
    static int argc = 1;
    static char name[] = "switchboard";
    static char *argv[] = {name, nullptr};
    if (QCoreApplication::instance())
        return nullptr;
    return std::make_unique<QCoreApplication>(argc, argv);
}

void waitFor(const bool &done)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done)
            loop.quit();
    });
    poll.start(10);
    if (!done)
        loop.exec();
}

QString gib(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("?");
    return QStringLiteral("%1 GiB").arg(double(bytes) / (1024.0 * 1024 * 1024), 0, 'f', 1);
}

} // namespace sb::cli
