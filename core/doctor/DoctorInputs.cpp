#include "DoctorInputs.h"

#include "config/ConfigLoader.h"

#include <QDir>
#include <QFileInfo>

namespace sb {

DoctorInputs DoctorInputs::forGateway(const QString &configPath, const ConfigLoadResult &loaded,
                                      const QString &gatewayUrl, const QString &gatewayToken)
{
    DoctorInputs inputs;
    inputs.configPath = configPath;
    inputs.configErrors = loaded.errors();
    if (loaded.ok())
        inputs.config = loaded.config;
    // The gateway keeps its token in the default config directory whatever --config names.
    inputs.stateDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    inputs.gatewayUrl = gatewayUrl;
    inputs.gatewayToken = gatewayToken;
    inputs.environment = QProcessEnvironment::systemEnvironment();
    inputs.ollamaUrl = ollamaUrlFor(inputs.config ? &*inputs.config : nullptr,
                                    inputs.environment.value(QStringLiteral("OLLAMA_HOST")));
    inputs.claudePaths = ClaudeCodePaths::fromEnvironment(inputs.environment, inputs.stateDir, QDir::currentPath());
    return inputs;
}

QUrl DoctorInputs::ollamaUrlFor(const GatewayConfig *config, const QString &ollamaHostVariable)
{
    if (config) {
        for (const Deployment &deployment : config->deployments) {
            if (deployment.provider == Provider::Ollama && !deployment.apiBase.isEmpty())
                return deployment.apiBase;
            if (deployment.provider == Provider::Ollama)
                break;
        }
    }
    QString address = ollamaHostVariable.isEmpty() ? QStringLiteral("http://127.0.0.1:11434") : ollamaHostVariable;
    if (!address.contains(QLatin1String("://")))
        address.prepend(QStringLiteral("http://"));
    return QUrl(address);
}

} // namespace sb
