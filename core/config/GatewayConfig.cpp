#include "GatewayConfig.h"

#include <QRegularExpression>

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

QString Deployment::upstreamModelFor(const QString &requested) const
{
    const qsizetype stars = upstreamModel.count(QLatin1Char('*'));
    if (stars == 0)
        return upstreamModel;
    // LiteLLM's PatternMatchRouter: model_name becomes a regex with `(.*)` for each `*`.
    QStringList literals;
    for (const QString &literal : modelName.split(QLatin1Char('*')))
        literals.append(QRegularExpression::escape(literal));
    const QString pattern = literals.join(QStringLiteral("(.*)"));
    const QRegularExpression regex(QRegularExpression::anchoredPattern(pattern),
                                   QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch match = regex.match(requested);
    if (!match.hasMatch() || match.lastCapturedIndex() > stars) {
        // A name the pattern does not cover (a fallback or alias target), or more segments than
        // model has stars: LiteLLM then sends the requested name itself.
        QString name = upstreamModel;
        name.replace(QLatin1Char('*'), requested);
        return match.hasMatch() ? requested : name;
    }
    QString name = upstreamModel;
    qsizetype from = 0;
    for (int group = 1; group <= match.lastCapturedIndex(); ++group) {
        const qsizetype star = name.indexOf(QLatin1Char('*'), from);
        const QString segment = match.captured(group);
        name.replace(star, 1, segment);
        from = star + segment.size();
    }
    return name;
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

QString GatewayConfig::skippedReason(const QString &model) const
{
    const auto exact = skippedModels.constFind(model);
    if (exact != skippedModels.constEnd())
        return exact.value();
    for (auto it = skippedModels.cbegin(); it != skippedModels.cend(); ++it) {
        if (!it.key().contains(QLatin1Char('*')))
            continue;
        QStringList literals;
        for (const QString &literal : it.key().split(QLatin1Char('*')))
            literals.append(QRegularExpression::escape(literal));
        const QRegularExpression pattern(QRegularExpression::anchoredPattern(literals.join(QStringLiteral(".*"))),
                                         QRegularExpression::DotMatchesEverythingOption);
        if (pattern.match(model).hasMatch())
            return it.value();
    }
    return {};
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
