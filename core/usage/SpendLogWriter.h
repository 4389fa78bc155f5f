#pragma once

#include "Expected.h"

#include "PackedUsage.h"

#include <QObject>
#include <QThread>
#include <QTimer>

namespace sb {

class SpendLogInserter;

// The owner's side of the spend log: collects records on the calling thread and hands them,
// by value in batches (by size, or every flushMs), to a SpendLogInserter on a storage thread
// of its own, so the caller never waits on the disk. Destroying it commits what is pending.
class SpendLogWriter final : public QObject
{
    Q_OBJECT
public:
    SpendLogWriter(const QString &path, int retentionDays, int batchSize, int flushMs, QObject *parent = nullptr);
    ~SpendLogWriter() override;

    // Opens the database on the storage thread (waits for it). False with `error`.
    Expected<void, QString> open();
    // A record packed by PackedUsage::write(), or one to pack.
    void append(QByteArrayView packed);
    void append(const UsageRecord &record) { append(PackedUsage::scratch(record)); }
    // Hands the collected records to the storage thread now.
    void flush();
    // Waits until everything appended so far is committed (tests, shutdown, the CLI).
    void sync();
    qint64 appendedCount() const { return m_appended; }

Q_SIGNALS:
    void committed(qint64 total);
    void failed(const QString &error);

private:
    QThread m_thread;
    SpendLogInserter *m_inserter = nullptr; // lives on m_thread
    UsageBatch m_batch;
    qsizetype m_batchBytes = 0; // what the last full batch took: the next one reserves as much
    QTimer m_flushTimer;
    int m_batchSize;
    qint64 m_appended = 0;
};

} // namespace sb
