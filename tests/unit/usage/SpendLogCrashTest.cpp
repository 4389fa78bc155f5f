#include "usage/SpendLog.h"

#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace sb;

// A writer killed with SIGKILL in the middle of heavy writing loses at most what was not yet
// committed; everything it reported committed is there, and the file passes integrity_check.
TEST_CASE("a spend log writer killed with SIGKILL leaves an intact database with every committed record")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("usage.sqlite"));
    qint64 previousCount = 0;
    for (int round = 0; round < 3; ++round) {
        QProcess helper;
        helper.setProgram(QStringLiteral(SPENDLOG_WRITER_HELPER));
        helper.setArguments({path});
        helper.start();
        REQUIRE(helper.waitForStarted(5000));
        qint64 committed = 0;
        qint64 appended = 0;
        QByteArray output;
        static const QRegularExpression line(QStringLiteral("committed (\\d+) appended (\\d+)"));
        const bool busy = sb::test::waitUntil(
            [&] {
                output += helper.readAllStandardOutput();
                const QList<QByteArray> lines = output.split('\n');
                for (const QByteArray &text : lines) {
                    const QRegularExpressionMatch match = line.match(QString::fromUtf8(text));
                    if (match.hasMatch()) {
                        committed = match.captured(1).toLongLong();
                        appended = match.captured(2).toLongLong();
                    }
                }
                return committed >= 20000;
            },
            30000);
        INFO("stderr: " << helper.readAllStandardError().toStdString());
        REQUIRE(busy);
        helper.kill(); // SIGKILL
        REQUIRE(helper.waitForFinished(5000));
        CHECK(helper.exitStatus() == QProcess::CrashExit);

        SpendLog log;
        REQUIRE(log.open(path).hasValue());
        CHECK(log.integrityCheck() == QStringLiteral("ok"));
        const qint64 count = log.count() - previousCount;
        INFO("round " << round << ": committed " << committed << ", appended " << appended << ", in the file "
                      << count);
        CHECK(count >= committed);
        // What the helper produced after its last report is bounded by the time the kill took;
        // far more would mean records were kept past their batch.
        CHECK(count <= appended + 40000);
        previousCount = log.count();
    }
}
