#include "DoctorTestSupport.h"

namespace sb::test {

Deployment ollamaDeployment(const QString &modelName, const QString &upstreamModel, int contextLength,
                            const QString &apiBase)
{
    Deployment d;
    d.modelName = modelName;
    d.model = QStringLiteral("ollama/") + upstreamModel;
    d.provider = Provider::Ollama;
    d.upstreamModel = upstreamModel;
    d.apiBase = QUrl(apiBase);
    d.contextLength = contextLength;
    return d;
}

DoctorInputs doctorInputs(const std::vector<Deployment> &deployments)
{
    DoctorInputs inputs;
    inputs.configPath = QStringLiteral("/home/u/.config/switchboard/config.yaml");
    GatewayConfig config;
    config.deployments = deployments;
    inputs.config = config;
    inputs.stateDir = QStringLiteral("/home/u/.config/switchboard");
    inputs.gatewayUrl = QStringLiteral("http://127.0.0.1:4000");
    inputs.gatewayToken = QStringLiteral("sb-test-token");
    inputs.ollamaUrl = QUrl(QStringLiteral("http://127.0.0.1:11434"));
    return inputs;
}

QStringList checkIds(const QList<DoctorCheck> &checks)
{
    QStringList ids;
    for (const DoctorCheck &check : checks)
        ids.append(check.id);
    return ids;
}

const DoctorCheck *findCheck(const QList<DoctorCheck> &checks, const QString &id)
{
    for (const DoctorCheck &check : checks) {
        if (check.id == id)
            return &check;
    }
    return nullptr;
}

} // namespace sb::test
