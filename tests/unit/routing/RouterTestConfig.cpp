#include "RouterTestConfig.h"

namespace sb::test {

Deployment deployment(const QString &id, const QString &group)
{
    Deployment d;
    d.id = id;
    d.modelName = group;
    d.model = QStringLiteral("openai/") + id;
    d.provider = Provider::OpenAiCompatible;
    d.upstreamModel = id;
    d.apiBase = QUrl(QStringLiteral("https://%1.example/v1").arg(id));
    d.contextLength = 32768;
    return d;
}

GatewayConfig routerConfig(std::vector<Deployment> deployments, const QString &strategy)
{
    GatewayConfig config;
    config.deployments = std::move(deployments);
    config.router.routingStrategy = strategy;
    return config;
}

} // namespace sb::test
