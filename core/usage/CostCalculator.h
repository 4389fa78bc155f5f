#pragma once

#include "PricingTable.h"
#include "UsageRecord.h"
#include "config/GatewayConfig.h"

#include <QHash>

namespace sb {

// Prices finished requests. A deployment's cost comes from, in order: its own
// input/output_cost_per_token / input_cost_per_second in the config; 0 when it is local
// (Ollama, or an api_base on this machine or a private network); the list price of its
// upstream model. "Saved" compares with the list price of the Claude model the client asked for.
class CostCalculator final
{
public:
    CostCalculator(PricingTable table, const std::vector<Deployment> &deployments);

    UsageRecord price(const RequestRecord &record) const;
    const PricingTable &table() const { return m_table; }

    // USD for these tokens at `price` (the prompt length picks the tier).
    static double listCost(const ModelPrice &price, const RequestRecord &record);
    // What cost-based routing compares: USD per input + output token, from the same sources
    // as the cost report (configured, local 0, list price); unknown prices sort last.
    double routingPrice(const Deployment &deployment) const;
    static constexpr double kUnknownRoutingPrice = 1e9;
    // Whether the api_base is on this machine or a private network.
    static bool isLocal(const Deployment &deployment);

private:
    struct DeploymentPrice
    {
        enum class Kind { Configured, Local, Listed, Unknown } kind = Kind::Unknown;
        double inputPerToken = 0;
        double outputPerToken = 0;
        double perSecond = 0;
        int listed = -1; // index into m_table.models()
    };
    DeploymentPrice resolve(const Deployment &deployment) const;
    const ModelPrice *claudePrice(const QString &clientModel) const;

    PricingTable m_table;
    QHash<QString, DeploymentPrice> m_deployments; // by deployment id
    // findClaude() normalises the name and scans the table; clients send a handful of model
    // names, so each is looked up once. Bounded against a client that invents names.
    mutable QHash<QString, const ModelPrice *> m_claudeByClientModel;
    static constexpr int kClaudeCacheLimit = 256;
};

} // namespace sb
