#include "GatewayLauncher.h"

#include "config/ConfigLoader.h"
#include "secrets/SecretStore.h"
#include "server/BindPolicy.h"

#include <QFileInfo>

namespace sb {

GatewayLaunch GatewayLaunch::prepare(const QString &configOption, const QString &hostOption, int portOption)
{
    GatewayLaunch launch;
    launch.configPath = configOption.isEmpty() ? ConfigLoader::defaultConfigPath() : configOption;
    if (configOption.isEmpty()) {
        const Expected<void, QString> written = ConfigLoader::ensureDefaultConfig(launch.configPath);
        if (!written) {
            launch.error = written.error();
            return launch;
        }
    } else if (!QFileInfo::exists(launch.configPath)) {
        launch.error = QStringLiteral("config file %1 does not exist").arg(launch.configPath);
        return launch;
    }

    SecretStore secrets(QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath());
    launch.loaded = ConfigLoader::loadFile(
        launch.configPath, [&secrets](const QString &name) { return secrets.read(name); },
        ListenOverride{hostOption, portOption});
    if (!launch.loaded.ok()) {
        launch.error =
            QStringLiteral("the config has errors:\n  ") + launch.loaded.errors().join(QStringLiteral("\n  "));
        return launch;
    }
    GatewayConfig &config = launch.loaded.config;
    if (!hostOption.isEmpty())
        config.host = hostOption;
    if (portOption >= 0)
        config.port = quint16(portOption);

    launch.gatewayToken = secrets.gatewayToken();
    launch.secretsInFile = secrets.usingFileFallback();
    if (launch.gatewayToken.isEmpty()) {
        launch.error = QStringLiteral("could not create or read the gateway token in the secret store");
        return launch;
    }
    launch.tokens.append(launch.gatewayToken);
    if (!config.masterKey.isEmpty())
        launch.tokens.append(config.masterKey);

    const Expected<void, QString> listen = BindPolicy::checkListen(config.host, config.masterKey);
    if (!listen)
        launch.error = listen.error();
    return launch;
}

} // namespace sb
