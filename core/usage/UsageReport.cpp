#include "UsageReport.h"

namespace sb {

QString UsageTable::csv() const
{
    QString text;
    const auto line = [&text](const QStringList &cells) {
        QStringList quoted;
        for (const QString &cell : cells)
            quoted.append(usage_report::csvField(cell));
        text += quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
    };
    line(header);
    for (const QStringList &row : rows)
        line(row);
    return text;
}

QString UsageTable::aligned() const
{
    QVector<int> widths(header.size(), 0);
    for (int c = 0; c < header.size(); ++c)
        widths[c] = int(header[c].size());
    for (const QStringList &row : rows) {
        for (int c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = qMax(widths[c], int(row[c].size()));
    }
    QString text;
    const auto line = [&](const QStringList &row) {
        QStringList cells;
        for (int c = 0; c < row.size(); ++c)
            cells.append(c == 0 ? row[c].leftJustified(widths[c]) : row[c].rightJustified(widths[c]));
        text += cells.join(QStringLiteral("  ")).trimmed() + QLatin1Char('\n');
    };
    line(header);
    for (const QStringList &row : rows)
        line(row);
    return text;
}

namespace usage_report {

QString csvField(const QString &value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString money(double usd)
{
    return QString::number(usd, 'f', usd != 0 && qAbs(usd) < 0.01 ? 6 : 4);
}

UsageTable records(const QVector<UsageRecord> &records)
{
    UsageTable table;
    table.header = {QStringLiteral("time"),     QStringLiteral("model"),    QStringLiteral("deployment"),
                    QStringLiteral("status"),   QStringLiteral("input"),    QStringLiteral("output"),
                    QStringLiteral("ttft_ms"),  QStringLiteral("total_ms"), QStringLiteral("cost_usd"),
                    QStringLiteral("saved_usd")};
    for (const UsageRecord &usage : records) {
        const RequestRecord &r = usage.request;
        const QString mark = r.tokensEstimated ? QStringLiteral("~") : QString();
        table.rows.append({r.startedAt.toUTC().toString(Qt::ISODate), r.clientModel, r.deployment,
                           QString::number(r.status),
                           r.inputTokens >= 0 ? mark + QString::number(r.inputTokens) : QStringLiteral("-"),
                           r.outputTokens >= 0 ? mark + QString::number(r.outputTokens) : QStringLiteral("-"),
                           r.firstTokenMs >= 0 ? QString::number(r.firstTokenMs) : QStringLiteral("-"),
                           QString::number(r.totalMs), money(usage.costUsd), money(usage.savedUsd)});
    }
    return table;
}

UsageTable totals(const QString &keyName, const QVector<SpendTotal> &totals, bool withTotal)
{
    UsageTable table;
    table.header = {keyName,
                    QStringLiteral("requests"),
                    QStringLiteral("errors"),
                    QStringLiteral("input"),
                    QStringLiteral("output"),
                    QStringLiteral("cache_read"),
                    QStringLiteral("cost_usd"),
                    QStringLiteral("claude_list_usd"),
                    QStringLiteral("saved_usd")};
    SpendTotal sum;
    for (const SpendTotal &total : totals) {
        table.rows.append({total.key.isEmpty() ? QStringLiteral("-") : total.key, QString::number(total.requests),
                           QString::number(total.errors), QString::number(total.inputTokens),
                           QString::number(total.outputTokens), QString::number(total.cacheReadTokens),
                           money(total.costUsd), money(total.claudeListUsd), money(total.savedUsd)});
        sum.requests += total.requests;
        sum.errors += total.errors;
        sum.inputTokens += total.inputTokens;
        sum.outputTokens += total.outputTokens;
        sum.cacheReadTokens += total.cacheReadTokens;
        sum.costUsd += total.costUsd;
        sum.claudeListUsd += total.claudeListUsd;
        sum.savedUsd += total.savedUsd;
    }
    if (withTotal && !totals.isEmpty())
        table.rows.append({QStringLiteral("total"), QString::number(sum.requests), QString::number(sum.errors),
                           QString::number(sum.inputTokens), QString::number(sum.outputTokens),
                           QString::number(sum.cacheReadTokens), money(sum.costUsd), money(sum.claudeListUsd),
                           money(sum.savedUsd)});
    return table;
}

} // namespace usage_report
} // namespace sb
