#include "SpendLog.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

#include <sqlite3.h>

namespace sb {

namespace {

QAtomicInteger<quint64> g_connectionCounter;
constexpr int kColumnCount = 29;

const char *const kColumns =
    "started_ms, request_id, session_id, user_agent, method, path, client_model, model_group, deployment, "
    "upstream_model, provider, route_rule, stream, status, error_type, error_message, input_tokens, output_tokens, "
    "cache_read_tokens, cache_write_tokens, tokens_estimated, first_token_ms, total_ms, retries, "
    "fallback_used, cost_usd, cost_known, claude_list_usd, saved_usd";

// PRAGMA user_version of the schema below. 1: the first; 2: error_message added.
constexpr int kSchemaVersion = 2;

// error_message comes last, where ALTER TABLE puts it in a log made at version 1, so a new
// log and an upgraded one have the same columns in the same order.
const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS requests ("
    " id INTEGER PRIMARY KEY,"
    " started_ms INTEGER NOT NULL,"
    " request_id TEXT, session_id TEXT, user_agent TEXT, method TEXT, path TEXT,"
    " client_model TEXT, model_group TEXT, deployment TEXT, upstream_model TEXT, provider TEXT, route_rule TEXT,"
    " stream INTEGER, status INTEGER, error_type TEXT,"
    " input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,"
    " tokens_estimated INTEGER, first_token_ms INTEGER, total_ms INTEGER, retries INTEGER, fallback_used INTEGER,"
    " cost_usd REAL, cost_known INTEGER, claude_list_usd REAL, saved_usd REAL,"
    " error_message TEXT)",
    "CREATE INDEX IF NOT EXISTS requests_by_start ON requests(started_ms)",
};

Expected<int, QString> userVersion(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return unexpected(QStringLiteral("cannot read its schema version: %1").arg(query.lastError().text()));
    return query.value(0).toInt();
}

bool hasColumn(const QSqlDatabase &db, const QString &table, const QString &column)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table)))
        return false;
    while (query.next()) {
        if (query.value(1).toString() == column)
            return true;
    }
    return false;
}

QString newerSchema(int version)
{
    return QStringLiteral("it was written by a newer Switchboard (schema version %1; this one knows up to %2), "
                          "so it is left as it is: update Switchboard to read it")
        .arg(version)
        .arg(kSchemaVersion);
}

// Brings the schema to kSchemaVersion in place: a new file gets the tables, a version 1 log
// gets error_message (ALTER TABLE ADD COLUMN: its rows stay as they are, with NULL there). One
// IMMEDIATE transaction, with the version read again inside it, because the gateway's writer,
// the window's reader and the CLI may open the same file at once. A log at kSchemaVersion is
// not written to; one from a newer Switchboard is refused, never turned back to this version.
Expected<void, QString> upgradeSchema(const QSqlDatabase &db)
{
    const Expected<int, QString> seen = userVersion(db);
    if (!seen)
        return unexpected(seen.error());
    if (*seen == kSchemaVersion)
        return {};
    if (*seen > kSchemaVersion)
        return unexpected(newerSchema(*seen));
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return unexpected(query.lastError().text());
    const auto rollback = [&](const QString &error) -> Expected<void, QString> {
        query.exec(QStringLiteral("ROLLBACK"));
        return unexpected(error);
    };
    const Expected<int, QString> version = userVersion(db);
    if (!version)
        return rollback(version.error());
    if (*version > kSchemaVersion)
        return rollback(newerSchema(*version));
    if (*version < kSchemaVersion) {
        for (const char *statement : kSchema) {
            if (!query.exec(QLatin1String(statement)))
                return rollback(query.lastError().text());
        }
        // A log made at version 1 (or one that an older Switchboard set back to 1 after this
        // one had added the column) has the table without error_message.
        if (!hasColumn(db, QStringLiteral("requests"), QStringLiteral("error_message")) &&
            !query.exec(QStringLiteral("ALTER TABLE requests ADD COLUMN error_message TEXT")))
            return rollback(query.lastError().text());
        if (!query.exec(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion)))
            return rollback(query.lastError().text());
    }
    if (!query.exec(QStringLiteral("COMMIT")))
        return rollback(query.lastError().text());
    return {};
}

QString keyExpression(SpendGrouping grouping)
{
    switch (grouping) {
    case SpendGrouping::Day: return QStringLiteral("strftime('%Y-%m-%d', started_ms / 1000, 'unixepoch')");
    case SpendGrouping::Model: return QStringLiteral("client_model");
    case SpendGrouping::Deployment: return QStringLiteral("deployment");
    case SpendGrouping::Session: return QStringLiteral("session_id");
    }
    return QStringLiteral("client_model");
}

UsageRecord recordFrom(const QSqlQuery &query)
{
    UsageRecord usage;
    RequestRecord &r = usage.request;
    int c = 0;
    r.startedAt = QDateTime::fromMSecsSinceEpoch(query.value(c++).toLongLong(), Qt::UTC);
    r.requestId = query.value(c++).toString();
    r.sessionId = query.value(c++).toString();
    r.userAgent = query.value(c++).toString();
    r.method = query.value(c++).toString();
    r.path = query.value(c++).toString();
    r.clientModel = query.value(c++).toString();
    r.modelGroup = query.value(c++).toString();
    r.deployment = query.value(c++).toString();
    r.upstreamModel = query.value(c++).toString();
    r.provider = query.value(c++).toString();
    r.routeRule = query.value(c++).toString();
    r.stream = query.value(c++).toBool();
    r.status = query.value(c++).toInt();
    r.errorType = query.value(c++).toString();
    r.errorMessage = query.value(c++).toString(); // NULL in rows logged before version 2
    r.inputTokens = query.value(c++).toLongLong();
    r.outputTokens = query.value(c++).toLongLong();
    r.cacheReadTokens = query.value(c++).toLongLong();
    r.cacheWriteTokens = query.value(c++).toLongLong();
    r.tokensEstimated = query.value(c++).toBool();
    r.firstTokenMs = query.value(c++).toLongLong();
    r.totalMs = query.value(c++).toLongLong();
    r.retries = query.value(c++).toInt();
    r.fallbackUsed = query.value(c++).toBool();
    usage.costUsd = query.value(c++).toDouble();
    usage.costKnown = query.value(c++).toBool();
    usage.claudeListUsd = query.value(c++).toDouble();
    usage.savedUsd = query.value(c++).toDouble();
    return usage;
}

} // namespace

SpendLog::SpendLog() : m_connection(QStringLiteral("sb-spend-log-%1").arg(++g_connectionCounter)) {}

SpendLog::~SpendLog()
{
    finalizeInsert();
    if (QSqlDatabase::contains(m_connection)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connection, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }
}

bool SpendLog::isOpen() const
{
    return m_insert != nullptr;
}

Expected<void, QString> SpendLog::open(const QString &path)
{
    const auto fail = [&](const QString &message) -> Expected<void, QString> {
        finalizeInsert();
        return unexpected(QStringLiteral("spend log %1: %2").arg(path, message));
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(QStringLiteral("Qt's SQLite driver is missing (Debian: install libqt6sql6-sqlite)"));
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(QFileInfo(path).absolutePath()));
    m_path = path;
    QSqlDatabase db = QSqlDatabase::contains(m_connection)
                          ? QSqlDatabase::database(m_connection, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    // Another process (the CLI reading while the app writes) waits instead of failing.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return fail(db.lastError().text());
    QSqlQuery query(db);
    // WAL: readers never block the writer, and a commit is one append to the log. NORMAL
    // sync keeps every committed batch through a process crash (not through power loss).
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next())
        return fail(query.lastError().text());
    if (!query.exec(QStringLiteral("PRAGMA synchronous=NORMAL")))
        return fail(query.lastError().text());
    if (const Expected<void, QString> upgraded = upgradeSchema(db); !upgraded)
        return fail(upgraded.error());
    QString row = QStringLiteral("(?");
    for (int i = 1; i < kColumnCount; ++i)
        row += QStringLiteral(",?");
    row += QLatin1Char(')');
    // The QSQLITE driver hands out its sqlite3 connection; the statement lives on it and is
    // finalized before Qt closes it. Debian's Qt links the system libsqlite3, as we do.
    const QVariant handle = db.driver()->handle();
    sqlite3 *connection = handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0
                              ? *static_cast<sqlite3 *const *>(handle.data())
                              : nullptr;
    if (!connection)
        return fail(QStringLiteral("Qt's SQLite driver gave no sqlite3 handle"));
    finalizeInsert();
    const auto prepare = [&](int rows, sqlite3_stmt **statement) {
        QStringList values;
        for (int i = 0; i < rows; ++i)
            values.append(row);
        const QByteArray sql = QStringLiteral("INSERT INTO requests (%1) VALUES %2")
                                   .arg(QLatin1String(kColumns), values.join(QLatin1Char(',')))
                                   .toUtf8();
        return sqlite3_prepare_v3(connection, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, statement,
                                  nullptr) == SQLITE_OK;
    };
    if (!prepare(1, &m_insert) || !prepare(kRowsPerInsert, &m_insertMany))
        return fail(QString::fromUtf8(sqlite3_errmsg(connection)));
    return {};
}

void SpendLog::finalizeInsert()
{
    for (sqlite3_stmt **statement : {&m_insert, &m_insertMany}) {
        if (*statement)
            sqlite3_finalize(*statement);
        *statement = nullptr;
    }
}

int SpendLog::bindRecord(sqlite3_stmt *s, int row, const PackedUsage &record)
{
    using T = PackedUsage;
    const T::Fields fields = record.fields();
    const T::Numbers &n = fields.numbers;
    // The texts are bound in place (SQLITE_STATIC): `record` outlives the statement's step.
    const auto text = [&](int column, T::Text which) {
        const QByteArrayView bytes = fields.texts[size_t(which)];
        if (bytes.isNull())
            return sqlite3_bind_null(s, column);
        return sqlite3_bind_text(s, column, bytes.data(), int(bytes.size()), SQLITE_STATIC);
    };
    int c = 1 + row * kColumnCount;
    int rc = sqlite3_bind_int64(s, c++, n.startedMs);
    for (T::Text which : {T::RequestId, T::SessionId, T::UserAgent, T::Method, T::Path, T::ClientModel, T::ModelGroup,
                          T::Deployment, T::UpstreamModel, T::Provider, T::RouteRule})
        rc |= text(c++, which);
    rc |= sqlite3_bind_int(s, c++, int(n.stream));
    rc |= sqlite3_bind_int(s, c++, n.status);
    rc |= text(c++, T::ErrorType);
    rc |= text(c++, T::ErrorMessage); // masked and capped when it was packed
    rc |= sqlite3_bind_int64(s, c++, n.inputTokens);
    rc |= sqlite3_bind_int64(s, c++, n.outputTokens);
    rc |= sqlite3_bind_int64(s, c++, n.cacheReadTokens);
    rc |= sqlite3_bind_int64(s, c++, n.cacheWriteTokens);
    rc |= sqlite3_bind_int(s, c++, int(n.tokensEstimated));
    rc |= sqlite3_bind_int64(s, c++, n.firstTokenMs);
    rc |= sqlite3_bind_int64(s, c++, n.totalMs);
    rc |= sqlite3_bind_int(s, c++, n.retries);
    rc |= sqlite3_bind_int(s, c++, int(n.fallbackUsed));
    rc |= sqlite3_bind_double(s, c++, n.costUsd);
    rc |= sqlite3_bind_int(s, c++, int(n.costKnown));
    rc |= sqlite3_bind_double(s, c++, n.claudeListUsd);
    rc |= sqlite3_bind_double(s, c++, n.savedUsd);
    return rc; // SQLITE_OK is 0
}

Expected<void, QString> SpendLog::insert(const QVector<UsageRecord> &records)
{
    UsageBatch batch;
    for (const UsageRecord &record : records)
        batch.append(record);
    return insert(batch);
}

Expected<void, QString> SpendLog::insert(const UsageBatch &batch)
{
    if (!m_insert)
        return unexpected(QStringLiteral("the spend log is not open"));
    const std::vector<PackedUsage> records = batch.records();
    const qsizetype count = qsizetype(records.size());
    sqlite3 *connection = sqlite3_db_handle(m_insert);
    const auto fail = [&]() -> Expected<void, QString> {
        const QString error = QString::fromUtf8(sqlite3_errmsg(connection));
        for (sqlite3_stmt *statement : {m_insert, m_insertMany}) {
            sqlite3_reset(statement);
            sqlite3_clear_bindings(statement);
        }
        if (!sqlite3_get_autocommit(connection))
            sqlite3_exec(connection, "ROLLBACK", nullptr, nullptr, nullptr);
        return unexpected(error);
    };
    // Runs `statement` with `rows` records from `next` bound.
    const auto run = [&](sqlite3_stmt *statement, int rows, qsizetype next) {
        int rc = SQLITE_OK;
        for (int row = 0; row < rows; ++row)
            rc |= bindRecord(statement, row, records[size_t(next + row)]);
        if (rc != SQLITE_OK || sqlite3_step(statement) != SQLITE_DONE)
            return false;
        sqlite3_reset(statement);
        return true;
    };
    if (sqlite3_exec(connection, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail();
    qsizetype next = 0;
    for (; next + kRowsPerInsert <= count; next += kRowsPerInsert) {
        if (!run(m_insertMany, kRowsPerInsert, next))
            return fail();
    }
    for (; next < count; ++next) {
        if (!run(m_insert, 1, next))
            return fail();
    }
    sqlite3_clear_bindings(m_insert);
    sqlite3_clear_bindings(m_insertMany);
    if (sqlite3_exec(connection, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail();
    return {};
}

qint64 SpendLog::pruneBefore(qint64 beforeMsSinceEpoch)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("DELETE FROM requests WHERE started_ms < ?"));
    query.addBindValue(beforeMsSinceEpoch);
    if (!query.exec())
        return -1;
    return query.numRowsAffected();
}

qint64 SpendLog::count() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM requests")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

QVector<SpendTotal> SpendLog::totals(SpendGrouping grouping, qint64 sinceMsSinceEpoch) const
{
    SpendFilter filter;
    filter.sinceMs = sinceMsSinceEpoch;
    return totals(grouping, filter);
}

QVector<UsageRecord> SpendLog::last(int limit, qint64 sinceMsSinceEpoch) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(
        QStringLiteral("SELECT %1 FROM requests WHERE started_ms >= ? ORDER BY started_ms DESC, id DESC LIMIT ?")
            .arg(QLatin1String(kColumns)));
    query.addBindValue(sinceMsSinceEpoch);
    query.addBindValue(qMax(0, limit));
    QVector<UsageRecord> records;
    if (!query.exec())
        return records;
    while (query.next())
        records.append(recordFrom(query));
    return records;
}

namespace {

// The WHERE clause of a filter and its values, in order.
QString whereOf(const SpendFilter &filter, QVariantList &values)
{
    QStringList conditions;
    if (filter.sinceMs > 0) {
        conditions.append(QStringLiteral("started_ms >= ?"));
        values.append(filter.sinceMs);
    }
    if (filter.untilMs > 0) {
        conditions.append(QStringLiteral("started_ms < ?"));
        values.append(filter.untilMs);
    }
    if (filter.status == SpendFilter::Status::Succeeded)
        conditions.append(QStringLiteral("status < 400 AND (error_type IS NULL OR error_type = '')"));
    else if (filter.status == SpendFilter::Status::Failed)
        conditions.append(QStringLiteral("(status >= 400 OR (error_type IS NOT NULL AND error_type != ''))"));
    const auto exact = [&](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        conditions.append(QLatin1String(column) + QStringLiteral(" = ?"));
        values.append(value);
    };
    exact("client_model", filter.model);
    exact("deployment", filter.deployment);
    exact("session_id", filter.session);
    if (!filter.search.isEmpty()) {
        // LIKE with an escape character, so % and _ in the search are literal.
        QString pattern = filter.search;
        pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        pattern.replace(QLatin1Char('%'), QStringLiteral("\\%"));
        pattern.replace(QLatin1Char('_'), QStringLiteral("\\_"));
        pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
        QStringList any;
        for (const char *column :
             {"client_model", "deployment", "session_id", "request_id", "error_type", "error_message"}) {
            any.append(QLatin1String(column) + QStringLiteral(" LIKE ? ESCAPE '\\'"));
            values.append(pattern);
        }
        conditions.append(QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')'));
    }
    return conditions.isEmpty() ? QString() : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
}

} // namespace

QVector<SpendRow> SpendLog::page(const SpendFilter &filter, qint64 beforeId, int limit) const
{
    QVariantList values;
    QString where = whereOf(filter, values);
    const QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (beforeId > 0) {
        // Continue after that row in the list's order (when requests started; rows are
        // written as they finish, so ids alone would show the times out of order).
        QSqlQuery at(db);
        at.prepare(QStringLiteral("SELECT started_ms FROM requests WHERE id = ?"));
        at.addBindValue(beforeId);
        const QString and_ = where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ");
        if (at.exec() && at.next()) {
            const qint64 started = at.value(0).toLongLong();
            where += and_ + QStringLiteral("(started_ms < ? OR (started_ms = ? AND id < ?))");
            values << started << started << beforeId;
        } else {
            where += and_ + QStringLiteral("id < ?"); // that row is gone: by id then
            values.append(beforeId);
        }
    }
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1, id FROM requests%2 ORDER BY started_ms DESC, id DESC LIMIT ?")
                      .arg(QLatin1String(kColumns), where));
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    query.addBindValue(qMax(0, limit));
    QVector<SpendRow> rows;
    if (!query.exec())
        return rows;
    while (query.next()) {
        SpendRow row;
        row.usage = recordFrom(query);
        row.id = query.value(query.record().count() - 1).toLongLong();
        rows.append(row);
    }
    return rows;
}

qint64 SpendLog::count(const SpendFilter &filter) const
{
    QVariantList values;
    const QString where = whereOf(filter, values);
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT COUNT(*) FROM requests") + where);
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

QVector<SpendTotal> SpendLog::totals(SpendGrouping grouping, const SpendFilter &filter) const
{
    const QString key = keyExpression(grouping);
    const QString order = grouping == SpendGrouping::Day ? QStringLiteral("key ASC")
                                                         : QStringLiteral("SUM(cost_usd) DESC, COUNT(*) DESC, key ASC");
    QVariantList values;
    const QString where = whereOf(filter, values);
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 AS key, COUNT(*), SUM(status >= 400), SUM(MAX(input_tokens, 0)), "
                                 "SUM(MAX(output_tokens, 0)), SUM(cache_read_tokens), SUM(cache_write_tokens), "
                                 "SUM(cost_usd), SUM(claude_list_usd), SUM(saved_usd) FROM requests%3 "
                                 "GROUP BY key ORDER BY %2")
                      .arg(key, order, where));
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    QVector<SpendTotal> totals;
    if (!query.exec())
        return totals;
    while (query.next()) {
        SpendTotal total;
        total.key = query.value(0).toString();
        total.requests = query.value(1).toLongLong();
        total.errors = query.value(2).toLongLong();
        total.inputTokens = query.value(3).toLongLong();
        total.outputTokens = query.value(4).toLongLong();
        total.cacheReadTokens = query.value(5).toLongLong();
        total.cacheWriteTokens = query.value(6).toLongLong();
        total.costUsd = query.value(7).toDouble();
        total.claudeListUsd = query.value(8).toDouble();
        total.savedUsd = query.value(9).toDouble();
        totals.append(total);
    }
    return totals;
}

QString SpendLog::integrityCheck() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("PRAGMA integrity_check")))
        return query.lastError().text();
    QStringList lines;
    while (query.next())
        lines.append(query.value(0).toString());
    return lines.join(QLatin1Char('\n'));
}

QString SpendLog::journalMode() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("PRAGMA journal_mode")) || !query.next())
        return {};
    return query.value(0).toString();
}

} // namespace sb
