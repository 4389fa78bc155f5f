// The real binary, offscreen: a second launch with the same config brings the first window
// forward and exits 0; SIGTERM stops the first cleanly (the gateway drains, exit 0).
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
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
    // A port of its own, so a headless run can be pointed at it below.
    QTcpServer probe;
    REQUIRE(probe.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(probe.serverPort());
    probe.close();
    first.start(QStringLiteral(SWITCHBOARD_APP), {QStringLiteral("--port"), port});
    REQUIRE(first.waitForStarted());
    QByteArray firstErr;
    QObject::connect(&first, &QProcess::readyReadStandardError, &first,
                     [&] { firstErr += first.readAllStandardError(); });

    // The gateway listens after the instance lock and server are set up.
    REQUIRE(waitUntil(
        [&] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port.toUShort());
            return socket.waitForConnected(200);
        },
        20000));
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
    INFO("first: " + firstErr.toStdString());
    REQUIRE(forwarded);
    CHECK(secondCode == 0);
    CHECK(first.state() == QProcess::Running);
    REQUIRE(waitUntil([&] { return firstErr.contains("a second launch"); }));

    // --headless on the same config and port: the port is taken, and it says by whom.
    QProcess headless;
    headless.setProcessEnvironment(environmentFor(home));
    headless.start(QStringLiteral(SWITCHBOARD_APP), {QStringLiteral("--headless"), QStringLiteral("--port"), port});
    REQUIRE(headless.waitForFinished(15000));
    const QByteArray headlessErr = headless.readAllStandardError();
    INFO(headlessErr.toStdString());
    CHECK(headless.exitCode() == 3);
    CHECK(headlessErr.contains("the Switchboard window runs this config's gateway"));

    first.terminate(); // SIGTERM: quits through the event loop and drains
    REQUIRE(first.waitForFinished(15000));
    CHECK(first.exitStatus() == QProcess::NormalExit);
    CHECK(first.exitCode() == 0);
}
