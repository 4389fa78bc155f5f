#include "GatewayConfig.h"

namespace sb {

QString providerName(Provider provider)
{
    switch (provider) {
    case Provider::Ollama: return QStringLiteral("Ollama");
    case Provider::OpenAiCompatible: return QStringLiteral("OpenAI-compatible server");
    case Provider::Anthropic: return QStringLiteral("Anthropic");
    }
    return {};
}

QString Deployment::upstreamLabel() const
{
    QString where = apiBase.host();
    if (apiBase.port() > 0)
        where += QLatin1Char(':') + QString::number(apiBase.port());
    return providerName(provider) + QStringLiteral(" at ") + where;
}

QStringList GatewayConfig::modelNames() const
{
    QStringList names;
    for (const Deployment &deployment : deployments) {
        if (!names.contains(deployment.modelName))
            names.append(deployment.modelName);
    }
    return names;
}

QString ConfigIssue::toString() const
{
    QString text = file;
    if (line > 0)
        text += QLatin1Char(':') + QString::number(line);
    text += QStringLiteral(": ");
    if (severity == Severity::Error)
        text += QStringLiteral("error: ");
    else
        text += QStringLiteral("warning: ");
    if (!key.isEmpty())
        text += key + QStringLiteral(": ");
    return text + message;
}

bool ConfigLoadResult::ok() const
{
    for (const ConfigIssue &issue : issues) {
        if (issue.severity == ConfigIssue::Severity::Error)
            return false;
    }
    return true;
}

QStringList ConfigLoadResult::errors() const
{
    QStringList list;
    for (const ConfigIssue &issue : issues) {
        if (issue.severity == ConfigIssue::Severity::Error)
            list.append(issue.toString());
    }
    return list;
}

QStringList ConfigLoadResult::warnings() const
{
    QStringList list;
    for (const ConfigIssue &issue : issues) {
        if (issue.severity == ConfigIssue::Severity::Warning)
            list.append(issue.toString());
    }
    return list;
}

} // namespace sb
