// switchboard-spendlog-bench [--records N] [DIR]: how many usage records a second the spend
// log takes, inserted directly in batches of several sizes (records packed beforehand) and
// end to end through the SpendLogWriter the gateway uses (records packed and handed over
// from this thread, committed on the storage thread). Prints a Markdown table.
#include "UsageTestRecords.h"
#include "usage/SpendLog.h"
#include "usage/SpendLogWriter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int records = 100000;
    QString dirPath;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--records") && i + 1 < args.size())
            records = args[++i].toInt();
        else
            dirPath = args[i];
    }
    QTemporaryDir temporary(dirPath.isEmpty() ? QDir::tempPath() + QStringLiteral("/sb-spendlog-XXXXXX")
                                              : dirPath + QStringLiteral("/sb-spendlog-XXXXXX"));
    if (!temporary.isValid()) {
        std::fprintf(stderr, "cannot create a temporary folder\n");
        return 1;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::printf("| path | batch | records | seconds | records/s |\n|---|---|---|---|---|\n");
    for (int batchSize : {1, 100, 500, 2000}) {
        sb::SpendLog log;
        if (const sb::Expected<void, QString> opened =
                log.open(temporary.filePath(QStringLiteral("direct-%1.sqlite").arg(batchSize)));
            !opened) {
            std::fprintf(stderr, "%s\n", qPrintable(opened.error()));
            return 1;
        }
        const int total = batchSize == 1 ? qMin(records, 2000) : records;
        sb::UsageBatch batch; // packed once, as the usage tap hands them over
        for (int i = 0; i < batchSize; ++i)
            batch.append(sb::test::makeUsageRecord(i, now));
        QElapsedTimer timer;
        timer.start();
        for (int done = 0; done < total; done += batchSize) {
            if (const sb::Expected<void, QString> inserted = log.insert(batch); !inserted) {
                std::fprintf(stderr, "%s\n", qPrintable(inserted.error()));
                return 1;
            }
        }
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        std::printf("| SpendLog::insert | %d | %d | %.3f | %.0f |\n", batchSize, total, seconds, total / seconds);
    }
    {
        sb::SpendLogWriter writer(temporary.filePath(QStringLiteral("writer.sqlite")), 0, 512, 250);
        if (const sb::Expected<void, QString> opened = writer.open(); !opened) {
            std::fprintf(stderr, "%s\n", qPrintable(opened.error()));
            return 1;
        }
        QVector<sb::UsageRecord> prepared;
        for (int i = 0; i < records; ++i)
            prepared.append(sb::test::makeUsageRecord(i, now));
        QElapsedTimer timer;
        timer.start();
        for (const sb::UsageRecord &record : prepared)
            writer.append(record);
        const double handedOver = double(timer.nsecsElapsed()) / 1e9;
        writer.sync();
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        std::printf("| SpendLogWriter (append → committed) | 512 | %d | %.3f | %.0f |\n", records, seconds,
                    records / seconds);
        std::printf("\nappend() on the caller's thread: %.2f µs a record\n", handedOver * 1e6 / records);
    }
    return 0;
}
