#include "RoutingTable.h"

namespace sb {

RoutingTable::RoutingTable(const GatewayConfig &config)
    : m_deployments(config.deployments), m_aliases(config.groupAliases)
{}

bool RoutingTable::wildcardMatches(const QString &pattern, const QString &name)
{
    // Iterative glob with '*' only; linear in practice, no recursion.
    qsizetype p = 0, n = 0, star = -1, mark = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern.at(p) != QLatin1Char('*') && pattern.at(p) == name.at(n)) {
            ++p;
            ++n;
        } else if (p < pattern.size() && pattern.at(p) == QLatin1Char('*')) {
            star = p++;
            mark = n;
        } else if (star >= 0) {
            p = star + 1;
            n = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern.at(p) == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

QString RoutingTable::groupFor(const QString &model) const
{
    for (const Deployment &deployment : m_deployments) {
        if (!deployment.isWildcard() && deployment.modelName == model)
            return model;
    }
    const auto alias = m_aliases.constFind(model);
    if (alias != m_aliases.constEnd())
        return alias.value();
    QString best;
    qsizetype bestLiterals = -1;
    for (const Deployment &deployment : m_deployments) {
        if (!deployment.isWildcard() || !wildcardMatches(deployment.modelName, model))
            continue;
        const qsizetype literals = deployment.modelName.size() - deployment.modelName.count(QLatin1Char('*'));
        if (literals > bestLiterals) {
            best = deployment.modelName;
            bestLiterals = literals;
        }
    }
    return best;
}

std::vector<const Deployment *> RoutingTable::candidates(const QString &model) const
{
    std::vector<const Deployment *> result;
    const QString group = groupFor(model);
    if (group.isEmpty())
        return result;
    for (const Deployment &deployment : m_deployments) {
        if (deployment.modelName == group)
            result.push_back(&deployment);
    }
    return result;
}

} // namespace sb
