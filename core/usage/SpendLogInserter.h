#pragma once

#include "Expected.h"

#include "SpendLog.h"

#include <QObject>

namespace sb {

// Lives on the storage thread and owns the writing SpendLog there: every batch it is
// handed becomes one transaction; batches that queue up while one is written are merged.
// Old records are pruned at open and once an hour.
class SpendLogInserter final : public QObject
{
    Q_OBJECT
public:
    SpendLogInserter(const QString &path, int retentionDays, QObject *parent = nullptr);

    // Called on the storage thread.
    Expected<void, QString> open();
    void append(const sb::UsageBatch &records);
    // Writes whatever is pending now.
    void commitPending();
    qint64 committedCount() const { return m_committed; }

Q_SIGNALS:
    // After each transaction: how many records this inserter has committed in all.
    void committed(qint64 total);
    void failed(const QString &error);

private:
    void prune();

    QString m_path;
    int m_retentionDays;
    SpendLog m_log;
    UsageBatch m_pending;
    bool m_commitQueued = false;
    qint64 m_committed = 0;
    qint64 m_lastPruneMs = 0;
    QString m_lastError;
};

} // namespace sb
