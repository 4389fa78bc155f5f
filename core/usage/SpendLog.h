#pragma once

#include "Expected.h"

#include "PackedUsage.h"

#include <QString>
#include <QVector>

struct sqlite3_stmt;

namespace sb {

// Totals of the spend log for one key (a day, a model, a deployment or a session).
struct SpendTotal
{
    QString key;
    qint64 requests = 0;
    qint64 errors = 0; // status >= 400
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheReadTokens = 0;
    qint64 cacheWriteTokens = 0;
    double costUsd = 0;
    double claudeListUsd = 0;
    double savedUsd = 0;
};

enum class SpendGrouping { Day, Model, Deployment, Session };

// Which requests of the spend log to show: every condition given must hold.
struct SpendFilter
{
    enum class Status { Any, Succeeded, Failed }; // Failed: status >= 400 or an error type
    qint64 sinceMs = 0;                           // started at or after; 0: no bound
    qint64 untilMs = 0;                           // started before; 0: no bound
    Status status = Status::Any;
    QString model;      // the client's model, exactly; empty: any
    QString deployment; // exactly; empty: any
    QString session;    // exactly; empty: any
    // A piece of the model, deployment, session, request id, error type or error message
    // (case-insensitive).
    QString search;
};

// One request of the spend log with its row id (pages continue after the last row seen).
struct SpendRow
{
    qint64 id = 0;
    UsageRecord usage;
};

// The SQLite spend log (Qt Sql, QSQLITE driver, WAL). Synchronous: one instance is used on
// one thread only (the storage thread for writing; the CLI reads with its own instance).
// Inserts go through SQLite's C API on the driver's own connection: Qt Sql cost ~30 us a
// record in QVariant binding and per-exec bookkeeping, the C API about a tenth of that.
class SpendLog final
{
public:
    SpendLog();
    ~SpendLog();
    SpendLog(const SpendLog &) = delete;
    SpendLog &operator=(const SpendLog &) = delete;

    // Opens (creating the file, its folder and the schema when missing; a log of an earlier
    // schema version is upgraded in place, one of a later version refused). False with `error`.
    Expected<void, QString> open(const QString &path);
    bool isOpen() const;
    QString path() const { return m_path; }

    // Inserts in one transaction. False with `error` (nothing of the batch is kept).
    Expected<void, QString> insert(const UsageBatch &records);
    Expected<void, QString> insert(const QVector<UsageRecord> &records);
    // Deletes records started before `beforeMsSinceEpoch`; returns how many, -1 on failure.
    qint64 pruneBefore(qint64 beforeMsSinceEpoch);

    qint64 count() const;
    // Totals per key since `sinceMsSinceEpoch` (0: everything), largest cost first; per day
    // (UTC, "2026-11-26") in date order.
    QVector<SpendTotal> totals(SpendGrouping grouping, qint64 sinceMsSinceEpoch = 0) const;
    QVector<SpendTotal> totals(SpendGrouping grouping, const SpendFilter &filter) const;
    // The last `limit` records since `sinceMsSinceEpoch`, newest first.
    QVector<UsageRecord> last(int limit, qint64 sinceMsSinceEpoch = 0) const;
    // Up to `limit` requests matching `filter` that come after the row `beforeId` (0: from
    // the newest), newest first by when they started (ties by id): a page of a log of any
    // size, along the started_ms index.
    QVector<SpendRow> page(const SpendFilter &filter, qint64 beforeId, int limit) const;
    qint64 count(const SpendFilter &filter) const;
    // "ok", or what PRAGMA integrity_check reports.
    QString integrityCheck() const;
    QString journalMode() const;

private:
    QString m_connection;
    QString m_path;
    void finalizeInsert();

    // Prepared once, reused, finalized before the connection closes: one row, and
    // kRowsPerInsert rows (a statement's fixed cost, paid once for that many records).
    static constexpr int kRowsPerInsert = 16;
    sqlite3_stmt *m_insert = nullptr;
    sqlite3_stmt *m_insertMany = nullptr;

    static int bindRecord(sqlite3_stmt *statement, int row, const PackedUsage &record);
};

} // namespace sb
