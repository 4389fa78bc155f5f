#include "SpendLogWriter.h"

#include "SpendLogInserter.h"

namespace sb {

SpendLogWriter::SpendLogWriter(const QString &path, int retentionDays, int batchSize, int flushMs, QObject *parent)
    : QObject(parent), m_batchSize(qMax(1, batchSize))
{
    qRegisterMetaType<sb::UsageBatch>();
    m_thread.setObjectName(QStringLiteral("storage"));
    m_inserter = new SpendLogInserter(path, retentionDays);
    m_inserter->moveToThread(&m_thread);
    connect(m_inserter, &SpendLogInserter::committed, this, &SpendLogWriter::committed);
    connect(m_inserter, &SpendLogInserter::failed, this, &SpendLogWriter::failed);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(qMax(1, flushMs));
    connect(&m_flushTimer, &QTimer::timeout, this, &SpendLogWriter::flush);
    m_thread.start();
}

SpendLogWriter::~SpendLogWriter()
{
    flush();
    SpendLogInserter *inserter = m_inserter;
    QMetaObject::invokeMethod(
        inserter,
        [inserter] {
            inserter->commitPending();
            delete inserter;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

Expected<void, QString> SpendLogWriter::open()
{
    Expected<void, QString> opened;
    SpendLogInserter *inserter = m_inserter;
    QMetaObject::invokeMethod(
        inserter, [&] { opened = inserter->open(); }, Qt::BlockingQueuedConnection);
    return opened;
}

void SpendLogWriter::append(QByteArrayView record)
{
    m_batch.append(record);
    ++m_appended;
    if (m_batch.count() >= m_batchSize)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void SpendLogWriter::flush()
{
    m_flushTimer.stop();
    if (m_batch.isEmpty())
        return;
    UsageBatch batch;
    std::swap(batch, m_batch);
    if (batch.count() >= m_batchSize)
        m_batchBytes = batch.byteSize();
    m_batch.reserve(m_batchBytes);
    SpendLogInserter *inserter = m_inserter;
    QMetaObject::invokeMethod(
        inserter, [inserter, batch = std::move(batch)] { inserter->append(batch); }, Qt::QueuedConnection);
}

void SpendLogWriter::sync()
{
    flush();
    SpendLogInserter *inserter = m_inserter;
    QMetaObject::invokeMethod(
        inserter, [inserter] { inserter->commitPending(); }, Qt::BlockingQueuedConnection);
}

} // namespace sb
