#include "RequestRecord.h"

namespace sb {

QString RequestRecord::logLine() const
{
    QString line = startedAt.toUTC().toString(Qt::ISODateWithMs);
    line += QLatin1Char(' ') + method + QLatin1Char(' ') + path;
    if (!clientModel.isEmpty() || !deployment.isEmpty()) {
        line += QLatin1Char(' ') + (clientModel.isEmpty() ? QStringLiteral("-") : clientModel);
        line += QStringLiteral(" → ") + (deployment.isEmpty() ? QStringLiteral("-") : deployment);
    }
    line += QLatin1Char(' ') + QString::number(status);
    if (!errorType.isEmpty())
        line += QLatin1Char(' ') + errorType;
    const QString mark = tokensEstimated ? QStringLiteral("~") : QString();
    line += QStringLiteral(" in=") + (inputTokens >= 0 ? mark + QString::number(inputTokens) : QStringLiteral("-"));
    line += QStringLiteral(" out=") + (outputTokens >= 0 ? mark + QString::number(outputTokens) : QStringLiteral("-"));
    line += QLatin1Char(' ') + QString::number(totalMs) + QStringLiteral("ms");
    return line;
}

double RequestRecord::outputTokensPerSecond() const
{
    if (outputTokens <= 0 || firstTokenMs < 0 || totalMs <= firstTokenMs)
        return -1;
    return double(outputTokens) * 1000.0 / double(totalMs - firstTokenMs);
}

} // namespace sb
