#include "SpendLogReader.h"

#include "UsageReport.h"

#include <QFileInfo>
#include <QSaveFile>

#include <memory>

namespace sb {

class SpendLogReader::Worker final : public QObject
{
public:
    explicit Worker(QString path) : m_path(std::move(path)) {}

    // The log, opened on first use on this thread; an error when there is none yet (the
    // reader never creates one: that is the gateway's job).
    Expected<SpendLog *, QString> log()
    {
        if (m_log && m_log->isOpen())
            return m_log.get();
        if (!QFileInfo::exists(m_path))
            return unexpected(QStringLiteral("no spend log at %1 yet: the gateway writes it once it has answered "
                                             "requests (and switchboard.usage_enabled is on)")
                                  .arg(m_path));
        m_log = std::make_unique<SpendLog>();
        if (const Expected<void, QString> opened = m_log->open(m_path); !opened.hasValue()) {
            m_log.reset();
            return unexpected(opened.error());
        }
        return m_log.get();
    }

private:
    QString m_path;
    std::unique_ptr<SpendLog> m_log;
};

SpendLogReader::SpendLogReader(const QString &path, QObject *parent)
    : QObject(parent), m_path(path), m_worker(new Worker(path))
{
    m_thread.setObjectName(QStringLiteral("spend-log-reader"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

SpendLogReader::~SpendLogReader()
{
    m_thread.quit();
    m_thread.wait();
}

int SpendLogReader::fetchPage(const SpendFilter &filter, qint64 beforeId, int limit)
{
    const int ticket = m_nextTicket++;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [this, worker, ticket, filter, beforeId, limit] {
            const Expected<SpendLog *, QString> log = worker->log();
            QVector<SpendRow> rows;
            QString error;
            bool more = false;
            if (log.hasValue()) {
                // One row beyond the page says whether there is more.
                rows = (*log)->page(filter, beforeId, limit + 1);
                more = rows.size() > limit;
                if (more)
                    rows.removeLast();
            } else {
                error = log.error();
            }
            QMetaObject::invokeMethod(
                this, [this, ticket, rows, more, error] { Q_EMIT pageReady(ticket, rows, more, error); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return ticket;
}

int SpendLogReader::fetchTotals(SpendGrouping grouping, const SpendFilter &filter)
{
    const int ticket = m_nextTicket++;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [this, worker, ticket, grouping, filter] {
            const Expected<SpendLog *, QString> log = worker->log();
            const QVector<SpendTotal> totals =
                log.hasValue() ? (*log)->totals(grouping, filter) : QVector<SpendTotal>();
            const QString error = log.hasValue() ? QString() : log.error();
            QMetaObject::invokeMethod(
                this, [this, ticket, totals, error] { Q_EMIT totalsReady(ticket, totals, error); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return ticket;
}

int SpendLogReader::exportCsv(const SpendFilter &filter, const QString &file)
{
    const int ticket = m_nextTicket++;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [this, worker, ticket, filter, file] {
            qint64 written = 0;
            QString error;
            const Expected<SpendLog *, QString> log = worker->log();
            if (!log.hasValue()) {
                error = log.error();
            } else {
                QSaveFile out(file);
                if (!out.open(QIODevice::WriteOnly)) {
                    error = QStringLiteral("cannot write %1: %2").arg(file, out.errorString());
                } else {
                    // In pages, so a large log never sits in memory whole.
                    constexpr int kPage = 2000;
                    qint64 before = 0;
                    bool first = true;
                    for (;;) {
                        const QVector<SpendRow> rows = (*log)->page(filter, before, kPage);
                        QVector<UsageRecord> records;
                        records.reserve(rows.size());
                        for (const SpendRow &row : rows)
                            records.append(row.usage);
                        if (first || !records.isEmpty()) {
                            QString text = usage_report::records(records).csv();
                            if (!first)
                                text.remove(0, text.indexOf(QLatin1Char('\n')) + 1); // the header once
                            out.write(text.toUtf8());
                        }
                        first = false;
                        written += rows.size();
                        if (rows.size() < kPage)
                            break;
                        before = rows.last().id;
                    }
                    if (!out.commit())
                        error = QStringLiteral("cannot write %1: %2").arg(file, out.errorString());
                }
            }
            QMetaObject::invokeMethod(
                this, [this, ticket, written, error] { Q_EMIT exported(ticket, error.isEmpty() ? written : 0, error); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return ticket;
}

} // namespace sb
