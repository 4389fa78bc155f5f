#include "ClaudeCodeTestHome.h"

#include <QDirIterator>

using namespace sb;

namespace {
// Every file under `dir` with its bytes, so a test can prove that nothing was written.
QMap<QString, QByteArray> snapshot(const QString &dir)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        files.insert(file, ClaudeCodeTestHome::readBytes(file));
    }
    return files;
}

QStringList keysOf(const ConnectorResult &result)
{
    QStringList keys;
    for (const ConnectorKeyChange &change : result.keyChanges)
        keys.append(change.key);
    keys.sort();
    return keys;
}
} // namespace

TEST_CASE("Previewing connect and disconnect lists the keys the real calls change and writes nothing", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    ClaudeCodeTestHome::writeBytes(settingsFile,
                                   ClaudeCodeTestHome::fixture(QStringLiteral("settings-other-gateway.json")));
    const QJsonObject originalEnv =
        ClaudeCodeTestHome::readObject(settingsFile).value(QStringLiteral("env")).toObject();
    const auto before = snapshot(home.path(QString()));

    const ConnectorResult preview = connector.previewConnect(gatewaySettings());
    INFO(preview.message.toStdString());
    REQUIRE(preview.ok);
    CHECK(snapshot(home.path(QString())) == before);
    bool sawBaseUrl = false;
    for (const ConnectorKeyChange &change : preview.keyChanges) {
        if (change.key != QLatin1String("ANTHROPIC_BASE_URL"))
            continue;
        sawBaseUrl = true;
        CHECK(change.file == settingsFile);
        CHECK(change.before == originalEnv.value(QStringLiteral("ANTHROPIC_BASE_URL")));
        CHECK(change.after.toString() == QStringLiteral("http://127.0.0.1:4000"));
    }
    CHECK(sawBaseUrl);
    CHECK(keysOf(preview).contains(QStringLiteral("ANTHROPIC_API_KEY")));
    CHECK(keysOf(preview).contains(QStringLiteral("hasCompletedOnboarding")));

    const ConnectorResult connected = connector.connect(gatewaySettings());
    REQUIRE(connected.ok);
    CHECK(keysOf(connected) == keysOf(preview));
    CHECK(connected.changes.size() == preview.changes.size());

    const ConnectorResult again = connector.previewConnect(gatewaySettings());
    REQUIRE(again.ok);
    CHECK(again.keyChanges.isEmpty());
    CHECK(again.message == QStringLiteral("nothing would change"));

    const auto connectedFiles = snapshot(home.path(QString()));
    const ConnectorResult undoPreview = connector.previewDisconnect();
    REQUIRE(undoPreview.ok);
    CHECK(snapshot(home.path(QString())) == connectedFiles);
    const ConnectorResult undone = connector.disconnect();
    REQUIRE(undone.ok);
    CHECK(keysOf(undone) == keysOf(undoPreview));
    for (const ConnectorKeyChange &change : undone.keyChanges) {
        if (change.key == QLatin1String("ANTHROPIC_API_KEY")) {
            CHECK(change.before.isUndefined());
            CHECK(change.after == originalEnv.value(QStringLiteral("ANTHROPIC_API_KEY")));
        }
    }
}

TEST_CASE("A preview of connect over a broken settings file fails like connect would", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    ClaudeCodeTestHome::writeBytes(connector.paths().userSettingsFile(), "{ not json");
    const ConnectorResult preview = connector.previewConnect(gatewaySettings());
    CHECK_FALSE(preview.ok);
    CHECK(preview.message == connector.connect(gatewaySettings()).message);
}
