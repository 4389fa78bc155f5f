#include "UsageCommand.h"

#include "config/ConfigLoader.h"
#include "usage/SpendLog.h"
#include "usage/UsageSettings.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QTextStream>

namespace sb::cli {

namespace {

struct UsageOptions
{
    QString since;
    QString by = QStringLiteral("day");
    int last = 0;
    bool csv = false;
    QString configPath;
    QString dbPath;
};

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

// Prints rows as aligned columns (numbers right-aligned) or as CSV.
void printTable(QTextStream &out, const QStringList &header, const QList<QStringList> &rows, bool csv)
{
    if (csv) {
        QStringList line;
        for (const QString &name : header)
            line.append(csvField(name));
        out << line.join(QLatin1Char(',')) << '\n';
        for (const QStringList &row : rows) {
            line.clear();
            for (const QString &cell : row)
                line.append(csvField(cell));
            out << line.join(QLatin1Char(',')) << '\n';
        }
        return;
    }
    QVector<int> widths(header.size(), 0);
    for (int c = 0; c < header.size(); ++c)
        widths[c] = int(header[c].size());
    for (const QStringList &row : rows) {
        for (int c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = qMax(widths[c], int(row[c].size()));
    }
    const auto print = [&](const QStringList &row) {
        QStringList cells;
        for (int c = 0; c < row.size(); ++c)
            cells.append(c == 0 ? row[c].leftJustified(widths[c]) : row[c].rightJustified(widths[c]));
        out << cells.join(QStringLiteral("  ")).trimmed() << '\n';
    };
    print(header);
    for (const QStringList &row : rows)
        print(row);
}

// Milliseconds since the epoch for "2026-11-01", "2026-11-01T12:00:00Z" or "7d"; -1 if unreadable.
qint64 parseSince(const QString &text)
{
    if (text.isEmpty())
        return 0;
    if (text.endsWith(QLatin1Char('d'))) {
        bool ok = false;
        const int days = text.chopped(1).toInt(&ok);
        if (ok && days >= 0)
            return QDateTime::currentMSecsSinceEpoch() - qint64(days) * 24 * 3600 * 1000;
    }
    QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid())
            return -1;
        time = date.startOfDay(Qt::UTC);
    }
    return time.toMSecsSinceEpoch();
}

int usageMain(const UsageOptions &options)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    static const QStringList groupings{QStringLiteral("day"), QStringLiteral("model"), QStringLiteral("deployment"),
                                       QStringLiteral("session")};
    if (!groupings.contains(options.by)) {
        err << "switchboard usage: --by takes day, model, deployment or session, not \"" << options.by << "\"\n";
        return 2;
    }
    const qint64 since = parseSince(options.since);
    if (since < 0) {
        err << "switchboard usage: --since takes a date (2026-11-01), a date-time (2026-11-01T12:00:00Z) or days (7d), "
               "not \""
            << options.since << "\"\n";
        return 2;
    }
    QString path = options.dbPath;
    if (path.isEmpty()) {
        const QString configPath =
            options.configPath.isEmpty() ? ConfigLoader::defaultConfigPath() : options.configPath;
        if (QFileInfo::exists(configPath))
            path = ConfigLoader::loadFile(configPath).config.usageDbPath;
        if (path.isEmpty())
            path = UsageSettings::defaultSpendLogPath();
    }
    if (!QFileInfo::exists(path)) {
        err << "switchboard usage: no spend log at " << path
            << " yet — the gateway writes it once it has answered requests\n";
        return 1;
    }
    SpendLog log;
    if (const Expected<void, QString> opened = log.open(path); !opened) {
        err << "switchboard usage: " << opened.error() << '\n';
        return 1;
    }

    if (options.last > 0) {
        const QVector<UsageRecord> records = log.last(options.last, since);
        QList<QStringList> rows;
        for (const UsageRecord &usage : records) {
            const RequestRecord &r = usage.request;
            const QString mark = r.tokensEstimated ? QStringLiteral("~") : QString();
            rows.append({r.startedAt.toUTC().toString(Qt::ISODate), r.clientModel, r.deployment,
                         QString::number(r.status),
                         r.inputTokens >= 0 ? mark + QString::number(r.inputTokens) : QStringLiteral("-"),
                         r.outputTokens >= 0 ? mark + QString::number(r.outputTokens) : QStringLiteral("-"),
                         r.firstTokenMs >= 0 ? QString::number(r.firstTokenMs) : QStringLiteral("-"),
                         QString::number(r.totalMs), money(usage.costUsd), money(usage.savedUsd)});
        }
        printTable(out,
                   {QStringLiteral("time"), QStringLiteral("model"), QStringLiteral("deployment"),
                    QStringLiteral("status"), QStringLiteral("input"), QStringLiteral("output"),
                    QStringLiteral("ttft_ms"), QStringLiteral("total_ms"), QStringLiteral("cost_usd"),
                    QStringLiteral("saved_usd")},
                   rows, options.csv);
        return 0;
    }

    const SpendGrouping grouping = options.by == QLatin1String("model")        ? SpendGrouping::Model
                                   : options.by == QLatin1String("deployment") ? SpendGrouping::Deployment
                                   : options.by == QLatin1String("session")    ? SpendGrouping::Session
                                                                               : SpendGrouping::Day;
    const QVector<SpendTotal> totals = log.totals(grouping, since);
    QList<QStringList> rows;
    SpendTotal sum;
    for (const SpendTotal &total : totals) {
        rows.append({total.key.isEmpty() ? QStringLiteral("-") : total.key, QString::number(total.requests),
                     QString::number(total.errors), QString::number(total.inputTokens),
                     QString::number(total.outputTokens), QString::number(total.cacheReadTokens), money(total.costUsd),
                     money(total.claudeListUsd), money(total.savedUsd)});
        sum.requests += total.requests;
        sum.errors += total.errors;
        sum.inputTokens += total.inputTokens;
        sum.outputTokens += total.outputTokens;
        sum.cacheReadTokens += total.cacheReadTokens;
        sum.costUsd += total.costUsd;
        sum.claudeListUsd += total.claudeListUsd;
        sum.savedUsd += total.savedUsd;
    }
    if (!options.csv && !totals.isEmpty())
        rows.append({QStringLiteral("total"), QString::number(sum.requests), QString::number(sum.errors),
                     QString::number(sum.inputTokens), QString::number(sum.outputTokens),
                     QString::number(sum.cacheReadTokens), money(sum.costUsd), money(sum.claudeListUsd),
                     money(sum.savedUsd)});
    printTable(out,
               {options.by, QStringLiteral("requests"), QStringLiteral("errors"), QStringLiteral("input"),
                QStringLiteral("output"), QStringLiteral("cache_read"), QStringLiteral("cost_usd"),
                QStringLiteral("claude_list_usd"), QStringLiteral("saved_usd")},
               rows, options.csv);
    return 0;
}

} // namespace

int runUsageCommand(const QStringList &words)
{
    // The same names as the gateway's, so the default spend log path is the same file.
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));

    UsageOptions options;
    QTextStream err(stderr);
    for (int i = 1; i < words.size(); ++i) {
        const QString &word = words.at(i);
        const auto value = [&]() -> QString {
            return i + 1 < words.size() ? words.at(++i) : QString();
        };
        if (word == QLatin1String("--since"))
            options.since = value();
        else if (word == QLatin1String("--by"))
            options.by = value();
        else if (word == QLatin1String("--last"))
            options.last = value().toInt();
        else if (word == QLatin1String("--csv"))
            options.csv = true;
        else if (word == QLatin1String("--config"))
            options.configPath = value();
        else if (word == QLatin1String("--db"))
            options.dbPath = value();
        else {
            err << "switchboard usage: unknown option \"" << word << "\" (see switchboard usage --help)\n";
            return 2;
        }
    }
    return usageMain(options);
}

} // namespace sb::cli
