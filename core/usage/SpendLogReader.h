#pragma once

#include "SpendLog.h"

#include <QObject>
#include <QThread>

namespace sb {

// Reads the spend log for the window on a thread of its own, with its own connection (WAL
// lets it read while the gateway writes): a page of a 100,000-row log, or a CSV export of
// every row a filter keeps, never blocks the caller. Answers come back as signals on the
// caller's thread, each with the ticket its request got.
class SpendLogReader final : public QObject
{
    Q_OBJECT
public:
    explicit SpendLogReader(const QString &path, QObject *parent = nullptr);
    ~SpendLogReader() override; // waits for the read in progress, if any

    QString path() const { return m_path; }

    // Up to `limit` rows matching `filter` with an id below `beforeId` (0: from the newest).
    int fetchPage(const SpendFilter &filter, qint64 beforeId, int limit);
    // Totals per day, model, deployment or session of the rows `filter` keeps.
    int fetchTotals(SpendGrouping grouping, const SpendFilter &filter);
    // Every row matching `filter`, newest first, as `switchboard usage --last N --csv` prints
    // them, written to `file` atomically.
    int exportCsv(const SpendFilter &filter, const QString &file);

Q_SIGNALS:
    // `more`: rows below the last one may match too. `error` empty when the read worked.
    void pageReady(int ticket, const QVector<sb::SpendRow> &rows, bool more, const QString &error);
    void exported(int ticket, qint64 rows, const QString &error);
    void totalsReady(int ticket, const QVector<sb::SpendTotal> &totals, const QString &error);

private:
    class Worker;
    QString m_path;
    QThread m_thread;
    Worker *m_worker; // lives on m_thread
    int m_nextTicket = 1;
};

} // namespace sb
