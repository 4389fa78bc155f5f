// `switchboard usage` through the real binary, on a spend log written by SpendLog.
#include "usage/SpendLog.h"

#include <catch2/catch.hpp>

#include <QProcess>
#include <QTemporaryDir>

using namespace sb;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runUsage(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(SWITCHBOARD_BINARY), QStringList{QStringLiteral("usage")} + arguments);
    if (!process.waitForFinished(30000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

UsageRecord record(const QString &id, const QString &model, const QString &deployment, const QString &session,
                   qint64 startedMs, double cost, double saved)
{
    UsageRecord usage;
    RequestRecord &r = usage.request;
    r.startedAt = QDateTime::fromMSecsSinceEpoch(startedMs, Qt::UTC);
    r.requestId = id;
    r.clientModel = model;
    r.deployment = deployment;
    r.sessionId = session;
    r.status = 200;
    r.inputTokens = 1000;
    r.outputTokens = 100;
    r.firstTokenMs = 80;
    r.totalMs = 700;
    usage.costUsd = cost;
    usage.costKnown = true;
    usage.claudeListUsd = cost + saved;
    usage.savedUsd = saved;
    return usage;
}

constexpr qint64 kNov1 = 1793491200000; // 2026-11-01T00:00:00Z
constexpr qint64 kDay = 24 * 3600 * 1000;

} // namespace

TEST_CASE("switchboard usage prints totals by day, model, deployment and session, the last requests, and CSV")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString db = dir.filePath(QStringLiteral("usage.sqlite"));
    {
        SpendLog log;
        REQUIRE(log.open(db).hasValue());
        REQUIRE(log.insert(QVector<UsageRecord>{
                               record(QStringLiteral("r1"), QStringLiteral("claude-opus-5-5"),
                                      QStringLiteral("local#0"), QStringLiteral("s1"), kNov1 + 1000, 0, 0.5),
                               record(QStringLiteral("r2"), QStringLiteral("claude-opus-5-5"),
                                      QStringLiteral("local#0"), QStringLiteral("s1"), kNov1 + 2000, 0, 0.5),
                               record(QStringLiteral("r3"), QStringLiteral("claude-haiku-4-5"), QStringLiteral("cloud"),
                                      QStringLiteral("s2"), kNov1 + kDay, 0.25, 0)})
                    .hasValue());
    }

    const Run byDay = runUsage({QStringLiteral("--db"), db});
    INFO(byDay.out.toStdString() << byDay.err.toStdString());
    REQUIRE(byDay.exitCode == 0);
    const QStringList lines = byDay.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 4); // header, two days, total
    CHECK(lines[0].startsWith(QStringLiteral("day")));
    CHECK(lines[1].startsWith(QStringLiteral("2026-11-01")));
    CHECK(lines[1].contains(QStringLiteral("1.0000"))); // saved on the first day
    CHECK(lines[2].startsWith(QStringLiteral("2026-11-02")));
    CHECK(lines[3].startsWith(QStringLiteral("total")));
    CHECK(lines[3].split(QLatin1Char(' '), Qt::SkipEmptyParts).value(1) == QStringLiteral("3"));

    const Run byModel = runUsage(
        {QStringLiteral("--db"), db, QStringLiteral("--by"), QStringLiteral("model"), QStringLiteral("--csv")});
    REQUIRE(byModel.exitCode == 0);
    CHECK(byModel.out ==
          QStringLiteral("model,requests,errors,input,output,cache_read,cost_usd,claude_list_usd,saved_usd\n"
                         "claude-haiku-4-5,1,0,1000,100,0,0.2500,0.2500,0.0000\n"
                         "claude-opus-5-5,2,0,2000,200,0,0.0000,1.0000,1.0000\n"));

    const Run since = runUsage({QStringLiteral("--db"), db, QStringLiteral("--by"), QStringLiteral("session"),
                                QStringLiteral("--since"), QStringLiteral("2026-11-02"), QStringLiteral("--csv")});
    REQUIRE(since.exitCode == 0);
    CHECK(since.out.count(QLatin1Char('\n')) == 2);
    CHECK(since.out.contains(QStringLiteral("\ns2,1,")));

    const Run byDeployment =
        runUsage({QStringLiteral("--db"), db, QStringLiteral("--by"), QStringLiteral("deployment")});
    REQUIRE(byDeployment.exitCode == 0);
    CHECK(byDeployment.out.contains(QStringLiteral("local#0")));
    CHECK(byDeployment.out.contains(QStringLiteral("cloud")));

    const Run last = runUsage({QStringLiteral("--db"), db, QStringLiteral("--last"), QStringLiteral("2")});
    REQUIRE(last.exitCode == 0);
    const QStringList lastLines = last.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    REQUIRE(lastLines.size() == 3);
    CHECK(lastLines[1].contains(QStringLiteral("claude-haiku-4-5"))); // newest first
    CHECK(lastLines[2].contains(QStringLiteral("2026-11-01T00:00:02Z")));

    const Run badBy = runUsage({QStringLiteral("--db"), db, QStringLiteral("--by"), QStringLiteral("week")});
    CHECK(badBy.exitCode == 2);
    CHECK(badBy.err.contains(QStringLiteral("--by")));
    const Run badSince = runUsage({QStringLiteral("--db"), db, QStringLiteral("--since"), QStringLiteral("yesterday")});
    CHECK(badSince.exitCode == 2);
    const Run missing = runUsage({QStringLiteral("--db"), dir.filePath(QStringLiteral("none.sqlite"))});
    CHECK(missing.exitCode == 1);
    CHECK(missing.err.contains(QStringLiteral("no spend log")));
}
