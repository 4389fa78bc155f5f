#include "UsageCommand.h"

#include "config/ConfigLoader.h"
#include "usage/SpendLog.h"
#include "usage/UsageReport.h"
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
        const UsageTable table = usage_report::records(log.last(options.last, since));
        out << (options.csv ? table.csv() : table.aligned());
        return 0;
    }

    const SpendGrouping grouping = options.by == QLatin1String("model")        ? SpendGrouping::Model
                                   : options.by == QLatin1String("deployment") ? SpendGrouping::Deployment
                                   : options.by == QLatin1String("session")    ? SpendGrouping::Session
                                                                               : SpendGrouping::Day;
    const UsageTable table = usage_report::totals(options.by, log.totals(grouping, since), !options.csv);
    out << (options.csv ? table.csv() : table.aligned());
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
