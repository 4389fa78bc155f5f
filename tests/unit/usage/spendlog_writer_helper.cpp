// switchboard-spendlog-writer-helper DB: writes usage records to the spend log forever
// (20,000 a second, through the same SpendLogWriter the gateway uses) and prints
// "committed C appended A" after every commit. The crash test kills it with SIGKILL.
// It stops by itself after two minutes so a lost test never leaves it running.
#include "UsageTestRecords.h"
#include "usage/SpendLogWriter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DB\n", argv[0]);
        return 2;
    }
    sb::SpendLogWriter writer(QString::fromLocal8Bit(argv[1]), 0, 500, 250);
    if (const sb::Expected<void, QString> opened = writer.open(); !opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error()));
        return 1;
    }
    QObject::connect(&writer, &sb::SpendLogWriter::committed, &app, [&writer](qint64 total) {
        std::printf("committed %lld appended %lld\n", static_cast<long long>(total),
                    static_cast<long long>(writer.appendedCount()));
        std::fflush(stdout);
    });
    qint64 index = 0;
    QTimer producer;
    producer.setInterval(5);
    QObject::connect(&producer, &QTimer::timeout, &app, [&] {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < 100; ++i)
            writer.append(sb::test::makeUsageRecord(index++, now));
    });
    producer.start();
    QTimer::singleShot(120000, &app, &QCoreApplication::quit);
    return app.exec();
}
