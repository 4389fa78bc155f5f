#include "SpendLogInserter.h"

#include <QDateTime>

namespace sb {

namespace {
constexpr qint64 kPruneEveryMs = 3600 * 1000;
constexpr qint64 kDayMs = 24 * 3600 * 1000;
} // namespace

SpendLogInserter::SpendLogInserter(const QString &path, int retentionDays, QObject *parent)
    : QObject(parent), m_path(path), m_retentionDays(retentionDays)
{}

Expected<void, QString> SpendLogInserter::open()
{
    Expected<void, QString> opened = m_log.open(m_path);
    if (opened)
        prune();
    return opened;
}

void SpendLogInserter::append(const UsageBatch &records)
{
    m_pending.append(records);
    if (!m_commitQueued) {
        // Queued behind the batches already waiting, so they all go into one transaction.
        m_commitQueued = true;
        QMetaObject::invokeMethod(this, &SpendLogInserter::commitPending, Qt::QueuedConnection);
    }
}

void SpendLogInserter::commitPending()
{
    m_commitQueued = false;
    if (m_pending.isEmpty())
        return;
    const Expected<void, QString> inserted = m_log.insert(m_pending);
    if (inserted) {
        m_committed += m_pending.count();
        m_lastError.clear();
        Q_EMIT committed(m_committed);
    } else if (const QString &error = inserted.error(); error != m_lastError) {
        // Said once per distinct problem; the records of a failed batch are dropped rather
        // than piling up in memory while the disk is full or the file is locked.
        m_lastError = error;
        Q_EMIT failed(QStringLiteral("spend log %1: %2").arg(m_path, error));
    }
    m_pending.clear();
    if (QDateTime::currentMSecsSinceEpoch() - m_lastPruneMs > kPruneEveryMs)
        prune();
}

void SpendLogInserter::prune()
{
    m_lastPruneMs = QDateTime::currentMSecsSinceEpoch();
    if (m_retentionDays > 0 && m_log.isOpen())
        m_log.pruneBefore(m_lastPruneMs - qint64(m_retentionDays) * kDayMs);
}

} // namespace sb
