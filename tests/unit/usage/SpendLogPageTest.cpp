// Pages and filters of the spend log, and its reader thread (the window's Requests page).
#include "UsageTestRecords.h"
#include "usage/SpendLog.h"
#include "usage/SpendLogReader.h"
#include "usage/UsageReport.h"

#include "TestWait.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

using namespace sb;
using sb::test::makeUsageRecord;
using sb::test::waitUntil;

namespace {
constexpr qint64 kBase = 1795651200000; // 2026-11-26T00:00:00Z

// A log of `n` records one second apart, request i at kBase + i s.
QString filledLog(const QTemporaryDir &dir, int n)
{
    const QString path = dir.filePath(QStringLiteral("usage.sqlite"));
    SpendLog log;
    REQUIRE(log.open(path).hasValue());
    QVector<UsageRecord> batch;
    for (int i = 0; i < n; ++i)
        batch.append(makeUsageRecord(i, kBase + i * 1000));
    REQUIRE(log.insert(batch).hasValue());
    return path;
}

QStringList requestIds(const QVector<SpendRow> &rows)
{
    QStringList ids;
    for (const SpendRow &row : rows)
        ids.append(row.usage.request.requestId);
    return ids;
}
} // namespace

TEST_CASE("pages of the spend log: newest first, continued after the last row, every row once")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLog log;
    REQUIRE(log.open(filledLog(dir, 250)).hasValue());
    const SpendFilter all;
    QVector<SpendRow> first = log.page(all, 0, 100);
    REQUIRE(first.size() == 100);
    CHECK(first.first().usage.request.requestId == QStringLiteral("req_249"));
    CHECK(first.last().usage.request.requestId == QStringLiteral("req_150"));
    QSet<QString> seen;
    qint64 before = 0;
    for (;;) {
        const QVector<SpendRow> page = log.page(all, before, 100);
        for (const SpendRow &row : page) {
            CHECK(row.id < (before > 0 ? before : std::numeric_limits<qint64>::max()));
            seen.insert(row.usage.request.requestId);
        }
        if (page.size() < 100)
            break;
        before = page.last().id;
    }
    CHECK(seen.size() == 250);
    CHECK(log.count(all) == 250);
}

TEST_CASE("pages follow when requests started, not the order they finished and were written in")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLog log;
    REQUIRE(log.open(dir.filePath(QStringLiteral("usage.sqlite"))).hasValue());
    // Written as they finish: a long stream that started first lands after short ones; some
    // start in the same millisecond.
    const QList<qint64> startedSeconds = {5, 1, 3, 3, 9, 0, 7, 3, 2, 8, 6, 4, 9, 1, 5, 0, 2, 7, 4, 6, 8, 3};
    QVector<UsageRecord> batch;
    for (int i = 0; i < startedSeconds.size(); ++i)
        batch.append(makeUsageRecord(i, kBase + startedSeconds[i] * 1000));
    REQUIRE(log.insert(batch).hasValue());

    QList<QPair<qint64, qint64>> order; // (started ms, id) as the pages give them
    qint64 before = 0;
    for (;;) {
        const QVector<SpendRow> page = log.page(SpendFilter{}, before, 5);
        for (const SpendRow &row : page)
            order.append({row.usage.request.startedAt.toMSecsSinceEpoch(), row.id});
        if (page.size() < 5)
            break;
        before = page.last().id;
    }
    REQUIRE(order.size() == startedSeconds.size());
    QList<QPair<qint64, qint64>> expected = order;
    std::sort(expected.begin(), expected.end(), [](const auto &a, const auto &b) { return a > b; });
    CHECK(order == expected); // newest start first, ties newest id first, every row once
    CHECK(QSet<QPair<qint64, qint64>>(order.begin(), order.end()).size() == order.size());
    CHECK(order.first().first == kBase + 9000);
    CHECK(order.last().first == kBase);
    // The overview's latest requests follow the same order.
    const QVector<UsageRecord> latest = log.last(3);
    REQUIRE(latest.size() == 3);
    CHECK(latest[0].request.startedAt.toMSecsSinceEpoch() == kBase + 9000);
    CHECK(latest[2].request.startedAt.toMSecsSinceEpoch() == kBase + 8000);
}

TEST_CASE("spend log filters: time range, status, model, deployment, session, search")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SpendLog log;
    REQUIRE(log.open(filledLog(dir, 100)).hasValue());

    SpendFilter failed;
    failed.status = SpendFilter::Status::Failed;
    const QVector<SpendRow> errors = log.page(failed, 0, 1000);
    CHECK(requestIds(errors) == QStringList{QStringLiteral("req_99"), QStringLiteral("req_89"),
                                            QStringLiteral("req_79"), QStringLiteral("req_69"),
                                            QStringLiteral("req_59"), QStringLiteral("req_49"),
                                            QStringLiteral("req_39"), QStringLiteral("req_29"),
                                            QStringLiteral("req_19"), QStringLiteral("req_9")});
    SpendFilter succeeded;
    succeeded.status = SpendFilter::Status::Succeeded;
    CHECK(log.count(succeeded) == 90);

    SpendFilter range;
    range.sinceMs = kBase + 10 * 1000;
    range.untilMs = kBase + 20 * 1000; // 10..19
    CHECK(log.count(range) == 10);
    CHECK(log.page(range, 0, 5).first().usage.request.requestId == QStringLiteral("req_19"));

    SpendFilter exact;
    exact.model = QStringLiteral("claude-haiku-4-5"); // i % 3 == 0
    exact.deployment = QStringLiteral("local#0");     // i even
    exact.session = QStringLiteral("session-2");      // i % 4 == 2
    for (const SpendRow &row : log.page(exact, 0, 1000)) {
        const int i = row.usage.request.requestId.mid(4).toInt();
        CHECK(i % 3 == 0);
        CHECK(i % 4 == 2);
    }
    CHECK(log.count(exact) == 8); // 6, 18, 30, 42, 54, 66, 78, 90

    SpendFilter search;
    search.search = QStringLiteral("REQ_4"); // case-insensitive: req_4, req_40..req_49
    CHECK(log.count(search) == 11);
    search.search = QStringLiteral("api_err");
    CHECK(log.count(search) == 10);
    search.search = QStringLiteral("%"); // literal, not a wildcard
    CHECK(log.count(search) == 0);
    search.search = QStringLiteral("local_1"); // '_' literal too: "local#1" does not match
    CHECK(log.count(search) == 0);
}

TEST_CASE("the reader answers pages and exports on its own thread; a missing log is an error in words")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = filledLog(dir, 30);
    SpendLogReader reader(path);

    QVector<SpendRow> rows;
    bool more = true;
    QString error = QStringLiteral("unset");
    int answered = 0;
    QThread *answeredOn = nullptr;
    QObject::connect(&reader, &SpendLogReader::pageReady, &reader,
                     [&](int ticket, const QVector<SpendRow> &page, bool hasMore, const QString &why) {
                         answered = ticket;
                         rows = page;
                         more = hasMore;
                         error = why;
                         answeredOn = QThread::currentThread();
                     });
    const int ticket = reader.fetchPage(SpendFilter(), 0, 20);
    REQUIRE(waitUntil([&] { return answered == ticket; }));
    CHECK(answeredOn == QThread::currentThread());
    CHECK(error.isEmpty());
    CHECK(rows.size() == 20);
    CHECK(more);
    const int second = reader.fetchPage(SpendFilter(), rows.last().id, 20);
    REQUIRE(waitUntil([&] { return answered == second; }));
    CHECK(rows.size() == 10);
    CHECK_FALSE(more);

    // The export is `usage --last N --csv` of the same rows, byte for byte, also past the
    // reader's 2,000-row pages (the header once).
    {
        SpendLog more;
        REQUIRE(more.open(path).hasValue());
        QVector<UsageRecord> batch;
        for (int i = 30; i < 4500; ++i)
            batch.append(makeUsageRecord(i, kBase + i * 1000));
        REQUIRE(more.insert(batch).hasValue());
    }
    const QString file = dir.filePath(QStringLiteral("export.csv"));
    qint64 exportedRows = -1;
    QString exportError = QStringLiteral("unset");
    QObject::connect(&reader, &SpendLogReader::exported, &reader, [&](int, qint64 n, const QString &why) {
        exportedRows = n;
        exportError = why;
    });
    reader.exportCsv(SpendFilter(), file);
    REQUIRE(waitUntil([&] { return exportedRows >= 0 && exportError != QStringLiteral("unset"); }));
    CHECK(exportError.isEmpty());
    CHECK(exportedRows == 4500);
    QFile written(file);
    REQUIRE(written.open(QIODevice::ReadOnly));
    SpendLog log;
    REQUIRE(log.open(path).hasValue());
    const QString csv = QString::fromUtf8(written.readAll());
    CHECK(csv.count(QStringLiteral("time,model,deployment")) == 1);
    CHECK(csv == usage_report::records(log.last(10000)).csv());

    SpendLogReader missing(dir.filePath(QStringLiteral("none.sqlite")));
    QString missingError;
    bool done = false;
    QObject::connect(&missing, &SpendLogReader::pageReady, &missing,
                     [&](int, const QVector<SpendRow> &, bool, const QString &why) {
                         missingError = why;
                         done = true;
                     });
    missing.fetchPage(SpendFilter(), 0, 10);
    REQUIRE(waitUntil([&] { return done; }));
    CHECK(missingError.contains(QStringLiteral("no spend log")));
    CHECK_FALSE(QFile::exists(dir.filePath(QStringLiteral("none.sqlite")))); // never created by a reader
}
