#include "GatewayLauncher.h"

#include "config/ConfigLoader.h"
#include "secrets/SecretStore.h"

#include <QFileInfo>
#include <QHostAddress>

namespace sb {

bool GatewayLaunch::isLoopback(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

GatewayLaunch GatewayLaunch::prepare(const QString &configOption, const QString &hostOption, int portOption)
{
    GatewayLaunch launch;
    launch.configPath = configOption.isEmpty() ? ConfigLoader::defaultConfigPath() : configOption;
    if (configOption.isEmpty()) {
        QString error;
        if (!ConfigLoader::ensureDefaultConfig(launch.configPath, &error)) {
            launch.error = error;
            return launch;
        }
    } else if (!QFileInfo::exists(launch.configPath)) {
        launch.error = QStringLiteral("config file %1 does not exist").arg(launch.configPath);
        return launch;
    }

    SecretStore secrets(QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath());
    launch.loaded =
        ConfigLoader::loadFile(launch.configPath, [&secrets](const QString &name) { return secrets.read(name); });
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

    if (!isLoopback(config.host) && config.masterKey.isEmpty()) {
        launch.error = QStringLiteral("refusing to listen on %1 without general_settings.master_key: anyone "
                                      "on the network could use your models and keys. Set a master_key, or "
                                      "listen on 127.0.0.1")
                           .arg(config.host);
    }
    return launch;
}

} // namespace sb
