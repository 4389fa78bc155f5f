#include "TokenCommand.h"

#include "CommandSetup.h"
#include "GatewayLauncher.h"

#include "server/BindPolicy.h"

namespace sb::cli {

int runTokenCommand(const QStringList &words)
{
    // The gateway's names: QStandardPaths and the secret store then find the same files.
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    const CommandLine line = parseCommandLine(words);
    int port = -1;
    if (line.has(QStringLiteral("--port"))) {
        const Expected<quint16, QString> parsed = BindPolicy::parsePort(line.option(QStringLiteral("--port")));
        if (!parsed) {
            err() << "switchboard: --port " << parsed.error() << Qt::endl;
            return 2;
        }
        port = *parsed;
    }
    const GatewayLaunch launch =
        GatewayLaunch::prepare(line.option(QStringLiteral("--config")), line.option(QStringLiteral("--host")), port);
    for (const QString &warning : launch.loaded.warnings())
        err() << warning << Qt::endl;
    if (!launch.error.isEmpty()) {
        err() << "switchboard: " << launch.error << Qt::endl;
        return 2;
    }
    return printToken(launch);
}

int printToken(const GatewayLaunch &launch)
{
    out() << launch.gatewayToken << Qt::endl;
    return 0;
}

} // namespace sb::cli
