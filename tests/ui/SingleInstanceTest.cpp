// The real binary, offscreen: a second launch with the same config brings the first window
// forward and exits 0; SIGTERM stops the first cleanly (the gateway drains, exit 0).
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

using namespace sb::test;

namespace {
QProcessEnvironment environmentFor(const QTemporaryDir &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("SWITCHBOARD_SECRETS_BACKEND"), QStringLiteral("file"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.remove(QStringLiteral("XDG_CONFIG_HOME"));
    env.remove(QStringLiteral("XDG_DATA_HOME"));
    return env;
}
} // namespace

TEST_CASE("a second launch brings the first window forward and exits 0")
{
    QTemporaryDir home;
    QProcess first;
    first.setProcessEnvironment(environmentFor(home));
    first.setProcessChannelMode(QProcess::SeparateChannels);
    first.start(QStringLiteral(SWITCHBOARD_APP), {QStringLiteral("--port"), QStringLiteral("0")});
    REQUIRE(first.waitForStarted());
    QByteArray firstErr;
    QObject::connect(&first, &QProcess::readyReadStandardError, &first,
                     [&] { firstErr += first.readAllStandardError(); });

    // Until the first has its instance server up, a second launch finds it "starting"; poll.
    QByteArray secondErr;
    int secondCode = -1;
    const bool forwarded = waitUntil(
        [&] {
            QProcess second;
            second.setProcessEnvironment(environmentFor(home));
            second.start(QStringLiteral(SWITCHBOARD_APP), {QStringLiteral("--port"), QStringLiteral("0")});
            if (!second.waitForFinished(15000))
                return false;
            secondCode = second.exitCode();
            secondErr = second.readAllStandardError();
            return secondErr.contains("brought forward");
        },
        30000);
    INFO(secondErr.toStdString());
    REQUIRE(forwarded);
    CHECK(secondCode == 0);
    CHECK(first.state() == QProcess::Running);
    REQUIRE(waitUntil([&] { return firstErr.contains("a second launch"); }));

    first.terminate(); // SIGTERM: quits through the event loop and drains
    REQUIRE(first.waitForFinished(15000));
    CHECK(first.exitStatus() == QProcess::NormalExit);
    CHECK(first.exitCode() == 0);
}
