#include "CostCalculator.h"

#include <QHostAddress>

namespace sb {

namespace {

qint64 atLeastZero(qint64 value)
{
    return value > 0 ? value : 0;
}

} // namespace

CostCalculator::CostCalculator(PricingTable table, const std::vector<Deployment> &deployments)
    : m_table(std::move(table))
{
    for (const Deployment &deployment : deployments)
        m_deployments.insert(deployment.id, resolve(deployment));
}

bool CostCalculator::isLocal(const Deployment &deployment)
{
    if (deployment.provider == Provider::Ollama)
        return true;
    const QString host = deployment.apiBase.host().toLower();
    if (host == QStringLiteral("localhost") || host.endsWith(QStringLiteral(".local")) ||
        host.endsWith(QStringLiteral(".localhost")))
        return true;
    const QHostAddress address(host);
    if (address.isNull())
        return false;
    if (address.isLoopback() || address.isLinkLocal())
        return true;
    // QHostAddress::isPrivateUse() arrived in Qt 6.6.
    for (const char *subnet : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
        if (address.isInSubnet(QHostAddress::parseSubnet(QLatin1String(subnet))))
            return true;
    }
    return false;
}

CostCalculator::DeploymentPrice CostCalculator::resolve(const Deployment &deployment) const
{
    DeploymentPrice price;
    if (deployment.inputCostPerToken >= 0 || deployment.outputCostPerToken >= 0 || deployment.inputCostPerSecond >= 0) {
        price.kind = DeploymentPrice::Kind::Configured;
        price.inputPerToken = qMax(0.0, deployment.inputCostPerToken);
        price.outputPerToken = qMax(0.0, deployment.outputCostPerToken);
        price.perSecond = qMax(0.0, deployment.inputCostPerSecond);
        return price;
    }
    if (isLocal(deployment)) {
        price.kind = DeploymentPrice::Kind::Local;
        return price;
    }
    if (const ModelPrice *listed = m_table.find(deployment.upstreamModel)) {
        price.kind = DeploymentPrice::Kind::Listed;
        price.listed = int(listed - m_table.models().data());
    }
    return price;
}

double CostCalculator::routingPrice(const Deployment &deployment) const
{
    const DeploymentPrice price = resolve(deployment);
    switch (price.kind) {
    case DeploymentPrice::Kind::Configured: return price.inputPerToken + price.outputPerToken;
    case DeploymentPrice::Kind::Local: return 0;
    case DeploymentPrice::Kind::Listed: {
        const TokenRates &rates = m_table.models()[size_t(price.listed)].rates;
        return rates.input + rates.output;
    }
    case DeploymentPrice::Kind::Unknown: break;
    }
    return kUnknownRoutingPrice;
}

double CostCalculator::listCost(const ModelPrice &price, const RequestRecord &record)
{
    const qint64 prompt = atLeastZero(record.inputTokens);
    const qint64 cacheRead = atLeastZero(record.cacheReadTokens);
    const qint64 cacheWrite = atLeastZero(record.cacheWriteTokens);
    const qint64 plainInput = atLeastZero(prompt - cacheRead - cacheWrite);
    const TokenRates &rates = price.ratesFor(prompt);
    return double(plainInput) * rates.input + double(cacheRead) * rates.cacheRead +
           double(cacheWrite) * rates.cacheWrite + double(atLeastZero(record.outputTokens)) * rates.output;
}

const ModelPrice *CostCalculator::claudePrice(const QString &clientModel) const
{
    const auto cached = m_claudeByClientModel.constFind(clientModel);
    if (cached != m_claudeByClientModel.constEnd())
        return cached.value();
    const ModelPrice *price = m_table.findClaude(clientModel);
    if (m_claudeByClientModel.size() >= kClaudeCacheLimit)
        m_claudeByClientModel.clear();
    m_claudeByClientModel.insert(clientModel, price);
    return price;
}

UsageRecord CostCalculator::price(const RequestRecord &record) const
{
    UsageRecord usage;
    usage.request = record;
    const auto found = m_deployments.constFind(record.deployment);
    if (found != m_deployments.constEnd()) {
        const DeploymentPrice &price = found.value();
        switch (price.kind) {
        case DeploymentPrice::Kind::Configured:
            // A configured price has no cache rates: cached prompt tokens count as input.
            usage.costUsd = double(atLeastZero(record.inputTokens)) * price.inputPerToken +
                            double(atLeastZero(record.outputTokens)) * price.outputPerToken +
                            double(atLeastZero(record.totalMs)) / 1000.0 * price.perSecond;
            usage.costKnown = true;
            break;
        case DeploymentPrice::Kind::Local: usage.costKnown = true; break;
        case DeploymentPrice::Kind::Listed:
            usage.costUsd = listCost(m_table.models()[size_t(price.listed)], record);
            usage.costKnown = true;
            break;
        case DeploymentPrice::Kind::Unknown: break;
        }
    } else {
        // No deployment answered (rejected before routing): nothing was spent.
        usage.costKnown = record.deployment.isEmpty();
    }
    if (const ModelPrice *claude = claudePrice(record.clientModel)) {
        usage.claudeListUsd = listCost(*claude, record);
        usage.savedUsd = usage.claudeListUsd - usage.costUsd;
    }
    return usage;
}

} // namespace sb
