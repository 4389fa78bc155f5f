#include "ClaudeCodeTestHome.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>

#include <sys/stat.h>

using namespace sb;

namespace {

const QStringList kConnectKeys{
    QStringLiteral("ANTHROPIC_BASE_URL"),
    QStringLiteral("ANTHROPIC_AUTH_TOKEN"),
    QStringLiteral("CLAUDE_CODE_ATTRIBUTION_HEADER"),
    QStringLiteral("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"),
    QStringLiteral("API_TIMEOUT_MS"),
    QStringLiteral("CLAUDE_CODE_MAX_OUTPUT_TOKENS"),
    QStringLiteral("DISABLE_TELEMETRY"),
    QStringLiteral("NO_PROXY"),
    QStringLiteral("ANTHROPIC_DEFAULT_SONNET_MODEL"),
    QStringLiteral("ANTHROPIC_DEFAULT_HAIKU_MODEL"),
    QStringLiteral("CLAUDE_CODE_MAX_CONTEXT_TOKENS"),
};

// The settings without the keys connect owns (and without env when it is left empty).
QJsonObject foreignPart(QJsonObject settings)
{
    QJsonObject env = settings.value(QStringLiteral("env")).toObject();
    for (const QString &key : kConnectKeys)
        env.remove(key);
    env.remove(QStringLiteral("ANTHROPIC_API_KEY"));
    settings.insert(QStringLiteral("env"), env);
    return settings;
}

void checkConnected(const QJsonObject &settings, const QString &token = QStringLiteral("sb-test-token"))
{
    const QJsonObject env = settings.value(QStringLiteral("env")).toObject();
    CHECK(env.value(QStringLiteral("ANTHROPIC_BASE_URL")).toString() == QStringLiteral("http://127.0.0.1:4000"));
    CHECK(env.value(QStringLiteral("ANTHROPIC_AUTH_TOKEN")).toString() == token);
    CHECK(env.value(QStringLiteral("CLAUDE_CODE_ATTRIBUTION_HEADER")).toString() == QStringLiteral("0"));
    CHECK(env.value(QStringLiteral("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS")).toString() == QStringLiteral("1"));
    CHECK(env.value(QStringLiteral("DISABLE_TELEMETRY")).toString() == QStringLiteral("1"));
    CHECK(env.value(QStringLiteral("NO_PROXY")).toString() == QStringLiteral("127.0.0.1,localhost"));
    CHECK(env.value(QStringLiteral("ANTHROPIC_DEFAULT_SONNET_MODEL")).toString() == QStringLiteral("qwen3-coder:30b"));
    CHECK(env.value(QStringLiteral("ANTHROPIC_DEFAULT_HAIKU_MODEL")).toString() == QStringLiteral("qwen2.5-coder:7b"));
    CHECK(env.value(QStringLiteral("CLAUDE_CODE_MAX_CONTEXT_TOKENS")).toString() == QStringLiteral("65536"));
    CHECK(env.contains(QStringLiteral("API_TIMEOUT_MS")));
    CHECK(env.contains(QStringLiteral("CLAUDE_CODE_MAX_OUTPUT_TOKENS")));
    CHECK_FALSE(env.contains(QStringLiteral("ANTHROPIC_API_KEY")));
}

int fileMode(const QString &path)
{
    struct stat info
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

} // namespace

TEST_CASE("Connect with no Claude settings at all, then disconnect leaves nothing behind", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    CHECK(settingsFile == home.path(QStringLiteral("home/.claude/settings.json")));
    REQUIRE_FALSE(QFile::exists(settingsFile));

    const ConnectorResult connected = connector.connect(gatewaySettings());
    INFO(connected.message.toStdString());
    REQUIRE(connected.ok);
    checkConnected(ClaudeCodeTestHome::readObject(settingsFile));
    const QJsonObject state = ClaudeCodeTestHome::readObject(home.path(QStringLiteral("home/.claude.json")));
    CHECK(state.value(QStringLiteral("hasCompletedOnboarding")).toBool());
    CHECK(fileMode(connector.paths().connectionRecordFile()) == 0600);

    const ConnectorResult disconnected = connector.disconnect();
    INFO(disconnected.message.toStdString());
    REQUIRE(disconnected.ok);
    CHECK_FALSE(QFile::exists(settingsFile));
    CHECK_FALSE(ClaudeCodeTestHome::readObject(home.path(QStringLiteral("home/.claude.json")))
                    .contains(QStringLiteral("hasCompletedOnboarding")));
    CHECK_FALSE(QFile::exists(connector.paths().connectionRecordFile()));
}

TEST_CASE("Connect into an empty settings file", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    ClaudeCodeTestHome::writeBytes(connector.paths().userSettingsFile(), "");
    REQUIRE(connector.connect(gatewaySettings()).ok);
    checkConnected(ClaudeCodeTestHome::readObject(connector.paths().userSettingsFile()));
    REQUIRE(connector.disconnect().ok);
    CHECK(ClaudeCodeTestHome::readObject(connector.paths().userSettingsFile()).isEmpty());
}

TEST_CASE("Plugins, hooks, permissions, statusLine and other env entries survive connect and disconnect",
          "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QString stateFile = connector.paths().globalStateFile();
    ClaudeCodeTestHome::writeBytes(settingsFile,
                                   ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json")));
    ClaudeCodeTestHome::writeBytes(stateFile, ClaudeCodeTestHome::fixture(QStringLiteral("claude-state.json")));
    const QJsonObject original = ClaudeCodeTestHome::readObject(settingsFile);
    const QJsonObject originalState = ClaudeCodeTestHome::readObject(stateFile);

    const ConnectorResult result = connector.connect(gatewaySettings());
    INFO(result.message.toStdString());
    REQUIRE(result.ok);
    const QJsonObject connected = ClaudeCodeTestHome::readObject(settingsFile);
    checkConnected(connected);
    // Every foreign key has the same value; the one shared key (API_TIMEOUT_MS) is ours now.
    QJsonObject expectedForeign = foreignPart(original);
    CHECK(foreignPart(connected) == expectedForeign);
    CHECK(connected.value(QStringLiteral("largeCounter")).toInteger() == 9007199254740993LL);
    CHECK(connected.value(QStringLiteral("greeting")).toString() ==
          original.value(QStringLiteral("greeting")).toString());
    CHECK(connected.value(QStringLiteral("nothing")).isNull());
    QJsonObject state = ClaudeCodeTestHome::readObject(stateFile);
    CHECK(state.value(QStringLiteral("hasCompletedOnboarding")).toBool());
    state.remove(QStringLiteral("hasCompletedOnboarding"));
    CHECK(state == originalState);
    CHECK_FALSE(result.backupFile.isEmpty());
    CHECK(ClaudeCodeTestHome::readBytes(result.backupFile) ==
          ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json")));

    const ConnectorResult undone = connector.disconnect();
    INFO(undone.message.toStdString());
    REQUIRE(undone.ok);
    CHECK(undone.warnings.isEmpty());
    CHECK(ClaudeCodeTestHome::readObject(settingsFile) == original);
    CHECK(ClaudeCodeTestHome::readObject(stateFile) == originalState);
}

TEST_CASE("Connected to another tool: its values are replaced, then restored", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    ClaudeCodeTestHome::writeBytes(settingsFile,
                                   ClaudeCodeTestHome::fixture(QStringLiteral("settings-other-gateway.json")));
    const QJsonObject original = ClaudeCodeTestHome::readObject(settingsFile);

    const ConnectorResult result = connector.connect(gatewaySettings());
    REQUIRE(result.ok);
    const QJsonObject connected = ClaudeCodeTestHome::readObject(settingsFile);
    checkConnected(connected);
    const QJsonObject env = connected.value(QStringLiteral("env")).toObject();
    CHECK(env.value(QStringLiteral("ANTHROPIC_MODEL")).toString() == QStringLiteral("vendor/big-model"));
    CHECK(result.changes.join(QLatin1Char('\n')).contains(QStringLiteral("ANTHROPIC_API_KEY")));

    REQUIRE(connector.disconnect().ok);
    CHECK(ClaudeCodeTestHome::readObject(settingsFile) == original);
}

TEST_CASE("Connecting twice changes nothing the second time and still disconnects cleanly", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    ClaudeCodeTestHome::writeBytes(settingsFile,
                                   ClaudeCodeTestHome::fixture(QStringLiteral("settings-other-gateway.json")));
    const QJsonObject original = ClaudeCodeTestHome::readObject(settingsFile);

    REQUIRE(connector.connect(gatewaySettings()).ok);
    const ConnectorResult again = connector.connect(gatewaySettings());
    REQUIRE(again.ok);
    CHECK(again.changes.isEmpty());
    SECTION("a new token replaces ours without forgetting the other tool's")
    {
        REQUIRE(connector.connect(gatewaySettings(QStringLiteral("sb-rotated"))).ok);
        checkConnected(ClaudeCodeTestHome::readObject(settingsFile), QStringLiteral("sb-rotated"));
    }
    SECTION("dropping the model mapping removes those keys")
    {
        ClaudeConnectSettings plain = gatewaySettings();
        plain.haikuModel.clear();
        REQUIRE(connector.connect(plain).ok);
        CHECK_FALSE(ClaudeCodeTestHome::readObject(settingsFile)
                        .value(QStringLiteral("env"))
                        .toObject()
                        .contains(QStringLiteral("ANTHROPIC_DEFAULT_HAIKU_MODEL")));
    }
    REQUIRE(connector.disconnect().ok);
    CHECK(ClaudeCodeTestHome::readObject(settingsFile) == original);
}

TEST_CASE("Disconnect leaves alone what the user changed after connect", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    REQUIRE(connector.connect(gatewaySettings()).ok);
    QJsonObject edited = ClaudeCodeTestHome::readObject(settingsFile);
    QJsonObject env = edited.value(QStringLiteral("env")).toObject();
    env.insert(QStringLiteral("API_TIMEOUT_MS"), QStringLiteral("42"));
    env.insert(QStringLiteral("USER_ADDED"), QStringLiteral("yes"));
    edited.insert(QStringLiteral("env"), env);
    edited.insert(QStringLiteral("theme"), QStringLiteral("dark"));
    ClaudeCodeTestHome::writeBytes(settingsFile, QJsonDocument(edited).toJson());

    const ConnectorResult result = connector.disconnect();
    REQUIRE(result.ok);
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings.first().contains(QStringLiteral("API_TIMEOUT_MS")));
    const QJsonObject after = ClaudeCodeTestHome::readObject(settingsFile);
    const QJsonObject afterEnv = after.value(QStringLiteral("env")).toObject();
    CHECK(afterEnv.value(QStringLiteral("API_TIMEOUT_MS")).toString() == QStringLiteral("42"));
    CHECK(afterEnv.value(QStringLiteral("USER_ADDED")).toString() == QStringLiteral("yes"));
    CHECK_FALSE(afterEnv.contains(QStringLiteral("ANTHROPIC_BASE_URL")));
    CHECK(after.value(QStringLiteral("theme")).toString() == QStringLiteral("dark"));
}

TEST_CASE("Invalid JSON is never overwritten; the error says where", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QByteArray broken = ClaudeCodeTestHome::fixture(QStringLiteral("settings-invalid.json"));
    ClaudeCodeTestHome::writeBytes(settingsFile, broken);

    const ConnectorResult result = connector.connect(gatewaySettings());
    CHECK_FALSE(result.ok);
    CHECK(result.message.contains(QStringLiteral("line 5")));
    CHECK(result.message.contains(QStringLiteral("column")));
    CHECK(ClaudeCodeTestHome::readBytes(settingsFile) == broken);
    CHECK_FALSE(QFile::exists(connector.paths().globalStateFile()));
    CHECK_FALSE(QFile::exists(connector.paths().connectionRecordFile()));

    SECTION("also when ~/.claude.json is the broken one")
    {
        QFile::remove(settingsFile);
        ClaudeCodeTestHome::writeBytes(connector.paths().globalStateFile(), "{\"numStartups\": 3,,}");
        CHECK_FALSE(connector.connect(gatewaySettings()).ok);
        CHECK_FALSE(QFile::exists(settingsFile));
    }
}

TEST_CASE("A read-only settings file is refused untouched", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QByteArray bytes = ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json"));
    ClaudeCodeTestHome::writeBytes(settingsFile, bytes);
    REQUIRE(
        QFile::setPermissions(settingsFile, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));

    const ConnectorResult result = connector.connect(gatewaySettings());
    CHECK_FALSE(result.ok);
    CHECK(result.message.contains(QStringLiteral("read-only")));
    CHECK(ClaudeCodeTestHome::readBytes(settingsFile) == bytes);
    CHECK(fileMode(settingsFile) == 0444);
    CHECK_FALSE(QFile::exists(connector.paths().connectionRecordFile()));
    QFile::setPermissions(settingsFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

TEST_CASE("A symlinked settings file is written through, the link stays", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QString target = home.path(QStringLiteral("dotfiles/claude/settings.json"));
    ClaudeCodeTestHome::writeBytes(target, ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json")));
    QDir().mkpath(QFileInfo(settingsFile).absolutePath());
    REQUIRE(QFile::link(target, settingsFile));
    const QJsonObject original = ClaudeCodeTestHome::readObject(target);

    REQUIRE(connector.connect(gatewaySettings()).ok);
    CHECK(QFileInfo(settingsFile).isSymLink());
    checkConnected(ClaudeCodeTestHome::readObject(target));
    REQUIRE(connector.disconnect().ok);
    CHECK(QFileInfo(settingsFile).isSymLink());
    CHECK(ClaudeCodeTestHome::readObject(target) == original);
}

TEST_CASE("CLAUDE_CONFIG_DIR moves settings.json and .claude.json", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths(true));
    CHECK(connector.paths().userSettingsFile() == home.path(QStringLiteral("claude-config/settings.json")));
    CHECK(connector.paths().globalStateFile() == home.path(QStringLiteral("claude-config/.claude.json")));
    REQUIRE(connector.connect(gatewaySettings()).ok);
    checkConnected(ClaudeCodeTestHome::readObject(home.path(QStringLiteral("claude-config/settings.json"))));
    CHECK_FALSE(QFile::exists(home.path(QStringLiteral("home/.claude/settings.json"))));
}

TEST_CASE("An interruption between any two steps leaves valid files and a clean undo", "[claudecode]")
{
    using Step = ClaudeCodeConnector::Step;
    const auto step = GENERATE(Step::Backup, Step::WriteRecord, Step::WriteSettings, Step::WriteGlobalState);
    const auto start = GENERATE(as<QString>{}, QStringLiteral("settings-customized.json"),
                                QStringLiteral("settings-other-gateway.json"));
    INFO("stopped before step " << int(step) << " starting from " << start.toStdString());

    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QString stateFile = connector.paths().globalStateFile();
    ClaudeCodeTestHome::writeBytes(stateFile, ClaudeCodeTestHome::fixture(QStringLiteral("claude-state.json")));
    if (!start.isEmpty())
        ClaudeCodeTestHome::writeBytes(settingsFile, ClaudeCodeTestHome::fixture(start));
    const QJsonObject original = start.isEmpty() ? QJsonObject() : ClaudeCodeTestHome::readObject(settingsFile);
    const QJsonObject originalState = ClaudeCodeTestHome::readObject(stateFile);

    connector.setStepHook([step](Step current) { return current != step; });
    CHECK_FALSE(connector.connect(gatewaySettings()).ok);
    if (QFile::exists(settingsFile))
        CHECK(foreignPart(ClaudeCodeTestHome::readObject(settingsFile)) == foreignPart(original));
    QJsonObject state = ClaudeCodeTestHome::readObject(stateFile);
    state.remove(QStringLiteral("hasCompletedOnboarding"));
    CHECK(state == originalState);

    SECTION("disconnect right after the interruption restores the start")
    {
        connector.setStepHook({});
        REQUIRE(connector.disconnect().ok);
        if (start.isEmpty())
            CHECK((!QFile::exists(settingsFile) || ClaudeCodeTestHome::readObject(settingsFile).isEmpty()));
        else
            CHECK(ClaudeCodeTestHome::readObject(settingsFile) == original);
        CHECK(ClaudeCodeTestHome::readObject(stateFile) == originalState);
    }
    SECTION("connecting again completes, and disconnect restores the start")
    {
        connector.setStepHook({});
        REQUIRE(connector.connect(gatewaySettings()).ok);
        checkConnected(ClaudeCodeTestHome::readObject(settingsFile));
        REQUIRE(connector.disconnect().ok);
        if (start.isEmpty())
            CHECK_FALSE(QFile::exists(settingsFile));
        else
            CHECK(ClaudeCodeTestHome::readObject(settingsFile) == original);
        CHECK(ClaudeCodeTestHome::readObject(stateFile) == originalState);
    }
}

TEST_CASE("A backup that cannot be made stops connect before anything is written", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QByteArray bytes = ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json"));
    ClaudeCodeTestHome::writeBytes(settingsFile, bytes);
    // A file stands where the backup folder would be made.
    ClaudeCodeTestHome::writeBytes(connector.paths().backupDir(), "not a folder");

    const ConnectorResult result = connector.connect(gatewaySettings());
    CHECK_FALSE(result.ok);
    CHECK(result.message ==
          QStringLiteral("cannot create the backup folder %1; nothing was changed").arg(connector.paths().backupDir()));
    CHECK(result.backupFile.isEmpty());
    CHECK(ClaudeCodeTestHome::readBytes(settingsFile) == bytes);
    CHECK_FALSE(QFile::exists(connector.paths().connectionRecordFile()));
}

TEST_CASE("Backups are timestamped and only the newest ten are kept", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    ClaudeCodeTestHome::writeBytes(connector.paths().userSettingsFile(),
                                   ClaudeCodeTestHome::fixture(QStringLiteral("settings-customized.json")));
    QStringList made;
    for (int i = 0; i < 13; ++i) {
        const ConnectorResult result = connector.connect(gatewaySettings(QStringLiteral("sb-token-%1").arg(i)));
        REQUIRE(result.ok);
        made.append(QFileInfo(result.backupFile).fileName());
    }
    const QStringList kept =
        QDir(connector.paths().backupDir()).entryList({QStringLiteral("settings.json.*.bak")}, QDir::Files, QDir::Name);
    CHECK(kept.size() == 10);
    CHECK(kept.contains(made.last()));
    CHECK_FALSE(kept.contains(made.first()));
    CHECK(fileMode(QDir(connector.paths().backupDir()).filePath(kept.last())) == 0600);
}

TEST_CASE("The base URL loses a trailing /v1 and slash", "[claudecode]")
{
    CHECK(ClaudeConnectSettings::normalizedBaseUrl(QStringLiteral("http://127.0.0.1:4000/v1/")) ==
          QStringLiteral("http://127.0.0.1:4000"));
    CHECK(ClaudeConnectSettings::normalizedBaseUrl(QStringLiteral(" http://localhost:4000/ ")) ==
          QStringLiteral("http://localhost:4000"));
    CHECK(ClaudeConnectSettings::normalizedBaseUrl(QStringLiteral("https://gw.example/proxy")) ==
          QStringLiteral("https://gw.example/proxy"));
    ClaudeConnectSettings cloud;
    cloud.baseUrl = QStringLiteral("http://127.0.0.1:4000");
    cloud.authToken = QStringLiteral("t");
    cloud.localUpstreams = false;
    CHECK(cloud.environmentKeys().size() == 2);
}

TEST_CASE("Files connect creates are private to the owner; existing ones keep their mode", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    const QString stateFile = connector.paths().globalStateFile();

    SECTION("created by connect: 0600, since settings.json holds the gateway token")
    {
        REQUIRE(connector.connect(gatewaySettings()).ok);
        CHECK(fileMode(settingsFile) == 0600);
        CHECK(fileMode(stateFile) == 0600);
    }
    SECTION("already there: the owner's choice stays")
    {
        ClaudeCodeTestHome::writeBytes(settingsFile, "{\"model\": \"opus\"}");
        ClaudeCodeTestHome::writeBytes(stateFile, "{\"numStartups\": 1}");
        REQUIRE(QFile::setPermissions(settingsFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                        QFileDevice::ReadGroup | QFileDevice::ReadOther));
        REQUIRE(QFile::setPermissions(stateFile,
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup));
        REQUIRE(connector.connect(gatewaySettings()).ok);
        CHECK(fileMode(settingsFile) == 0644);
        CHECK(fileMode(stateFile) == 0640);
    }
}

TEST_CASE("Connect removes the temporary settings file a killed earlier connect left behind", "[claudecode]")
{
    ClaudeCodeTestHome home;
    ClaudeCodeConnector connector(home.paths());
    const QString settingsFile = connector.paths().userSettingsFile();
    QDir().mkpath(QFileInfo(settingsFile).absolutePath());
    const auto leave = [](const QString &path, int ageSeconds) {
        // Cut where a killed connect stops: in the middle of the gateway's env block.
        ClaudeCodeTestHome::writeBytes(path, "{\"env\": {\"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:4000\", \"ANTH");
        QFile file(path);
        REQUIRE(file.open(QIODevice::ReadWrite));
        REQUIRE(
            file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-ageSeconds), QFileDevice::FileModificationTime));
    };
    const QString stale = settingsFile + QStringLiteral(".aB3dE9");
    const QString live = settingsFile + QStringLiteral(".Zz9yX8");    // another writer, just now
    const QString other = settingsFile + QStringLiteral(".backup");   // the user's, not ours
    const QString foreign = settingsFile + QStringLiteral(".Xy12ab"); // QSaveFile-like, but not our content
    leave(stale, 600);
    leave(live, 0);
    leave(other, 600);
    ClaudeCodeTestHome::writeBytes(foreign, "{\"theme\": \"dark\"}");
    {
        QFile file(foreign);
        REQUIRE(file.open(QIODevice::ReadWrite));
        REQUIRE(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-600), QFileDevice::FileModificationTime));
    }
    REQUIRE(connector.connect(gatewaySettings()).ok);
    CHECK_FALSE(QFileInfo::exists(stale));
    CHECK(QFileInfo::exists(live));
    CHECK(QFileInfo::exists(other));
    CHECK(QFileInfo::exists(foreign));
    checkConnected(ClaudeCodeTestHome::readObject(settingsFile));
}
