#include "pages/ClaudeCodePage.h"
#include "FakeHttpServer.h"
#include "TestWait.h"
#include "config/ConfigLoader.h"
#include "controllers/ClaudeCodeController.h"

#include <catch2/catch.hpp>

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFrame>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>

using namespace sb;
using sb::test::FakeHttpServer;
using sb::test::FakeReply;
using sb::test::RecordedRequest;
using sb::test::waitUntil;

namespace {

const QString kToken = QStringLiteral("sb-pagetest-0123456789abcdefghijklmnop");

QByteArray readBytes(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString &file, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    REQUIRE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray fixture(const QString &name)
{
    const QByteArray bytes = readBytes(QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/claudecode/") + name);
    REQUIRE_FALSE(bytes.isEmpty());
    return bytes;
}

QJsonObject readObject(const QString &file)
{
    return QJsonDocument::fromJson(readBytes(file)).object();
}

// A throw-away HOME as the CLI sees it: Switchboard's state in ~/.config/switchboard, a project
// beside it, and a bin folder for PATH.
class TestHome final
{
public:
    TestHome()
    {
        REQUIRE(m_dir.isValid());
        for (const char *sub : {"home/.config/switchboard", "project", "bin"})
            QDir(m_dir.path()).mkpath(QLatin1String(sub));
    }
    QString path(const QString &relative) const { return QDir(m_dir.path()).filePath(relative); }
    QString home() const { return path(QStringLiteral("home")); }
    QString stateDir() const { return path(QStringLiteral("home/.config/switchboard")); }
    QString settingsFile() const { return path(QStringLiteral("home/.claude/settings.json")); }
    QString globalFile() const { return path(QStringLiteral("home/.claude.json")); }
    QString recordFile() const { return QDir(stateDir()).filePath(QStringLiteral("claude-code-connection.json")); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home());
        env.insert(QStringLiteral("PATH"), path(QStringLiteral("bin")));
        return env;
    }

    // A `claude` that answers --version like the real one.
    void installFakeClaude() const
    {
        const QString file = path(QStringLiteral("bin/claude"));
        writeBytes(file, "#!/bin/sh\necho '2.1.332 (Claude Code)'\n");
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    ClaudeCodeSetup setup(const QString &baseUrl = QStringLiteral("http://127.0.0.1:4000")) const
    {
        ClaudeCodeSetup setup;
        setup.environment = environment();
        setup.paths = ClaudeCodePaths::fromEnvironment(setup.environment, stateDir(), path(QStringLiteral("project")));
        setup.gatewayBaseUrl = baseUrl;
        setup.gatewayToken = kToken;
        setup.config = ConfigLoader::loadText(ConfigLoader::defaultConfigText(), QStringLiteral("config.yaml")).config;
        return setup;
    }

    // `switchboard claude WORD --token …` with this HOME, as a user would run it.
    void runCli(const QString &word) const
    {
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home());
        env.insert(QStringLiteral("PATH"), path(QStringLiteral("bin")));
        env.insert(QStringLiteral("SWITCHBOARD_SECRETS_BACKEND"), QStringLiteral("file"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.remove(QStringLiteral("XDG_CONFIG_HOME"));
        env.remove(QStringLiteral("CLAUDE_CONFIG_DIR"));
        env.remove(QStringLiteral("ANTHROPIC_BASE_URL"));
        cli.setProcessEnvironment(env);
        cli.setWorkingDirectory(path(QStringLiteral("project")));
        QStringList arguments{QStringLiteral("claude"), word};
        if (word == QLatin1String("connect"))
            arguments << QStringLiteral("--token") << kToken;
        cli.start(QStringLiteral(SWITCHBOARD_APP), arguments);
        REQUIRE(cli.waitForFinished(30000));
        INFO(cli.readAllStandardError().toStdString());
        REQUIRE(cli.exitCode() == 0);
    }

    int backupCount() const
    {
        return int(
            QDir(QDir(stateDir()).filePath(QStringLiteral("backups/claude-code"))).entryList(QDir::Files).size());
    }

private:
    QTemporaryDir m_dir;
};

// The connection record without what differs by nature: the time and the HOME in its paths.
QJsonObject comparableRecord(const TestHome &home)
{
    QJsonObject record = readObject(home.recordFile());
    record.remove(QStringLiteral("connected_at"));
    for (const QString &key : record.keys()) {
        if (record.value(key).isString())
            record.insert(key, record.value(key).toString().replace(home.home(), QStringLiteral("~")));
    }
    return record;
}

void checkSameFiles(const TestHome &page, const TestHome &cli)
{
    CHECK(readBytes(page.settingsFile()) == readBytes(cli.settingsFile()));
    CHECK(readBytes(page.globalFile()) == readBytes(cli.globalFile()));
    CHECK(QFile::exists(page.recordFile()) == QFile::exists(cli.recordFile()));
    if (QFile::exists(cli.recordFile()))
        CHECK(comparableRecord(page) == comparableRecord(cli));
    CHECK(page.backupCount() == cli.backupCount());
}

template<typename T> T *child(QWidget &parent, const char *name)
{
    T *found = parent.findChild<T *>(QLatin1String(name));
    INFO(name);
    REQUIRE(found);
    return found;
}

QStringList envKeysChanged(const QJsonObject &before, const QJsonObject &after)
{
    QStringList keys;
    QStringList all = before.keys() + after.keys();
    all.removeDuplicates();
    for (const QString &key : all) {
        if (before.value(key) != after.value(key))
            keys.append(key);
    }
    return keys;
}

} // namespace

TEST_CASE("Connect and Disconnect on the Claude Code page change HOME exactly as `switchboard claude` does",
          "[ui][claudecode]")
{
    TestHome pageHome;
    TestHome cliHome;
    for (const TestHome *home : {&pageHome, &cliHome}) {
        writeBytes(home->settingsFile(), fixture(QStringLiteral("settings-other-gateway.json")));
        writeBytes(home->globalFile(), fixture(QStringLiteral("claude-state.json")));
    }
    pageHome.installFakeClaude();
    const QByteArray originalSettings = readBytes(pageHome.settingsFile());
    const QJsonObject originalEnv = readObject(pageHome.settingsFile()).value(QStringLiteral("env")).toObject();

    ClaudeCodeController controller(pageHome.setup());
    ClaudeCodePage page(&controller);
    page.resize(800, 500);
    page.show();
    auto *summary = child<QLabel>(page, "claude-summary");
    REQUIRE(waitUntil([&] { return controller.status().has_value() && !controller.isBusy(); }, 15000));
    CHECK(summary->text().contains(QStringLiteral("Not connected")));
    CHECK(child<QLabel>(page, "claude-install")->text().contains(QStringLiteral("2.1.332")));
    CHECK(child<QLabel>(page, "claude-sources")->text().contains(QStringLiteral("not this gateway")));

    // Connect: first the preview, nothing written yet.
    auto *preview = child<QFrame>(page, "claude-preview");
    CHECK(preview->isHidden());
    child<QPushButton>(page, "claude-connect")->click();
    REQUIRE(waitUntil([&] { return !preview->isHidden(); }));
    const QString previewText = child<QLabel>(page, "claude-preview-keys")->text();
    CHECK(readBytes(pageHome.settingsFile()) == originalSettings);
    CHECK(previewText.contains(QStringLiteral("ANTHROPIC_BASE_URL: %1 → http://127.0.0.1:4000")
                                   .arg(originalEnv.value(QStringLiteral("ANTHROPIC_BASE_URL")).toString())));
    CHECK(previewText.contains(QStringLiteral("hasCompletedOnboarding")));
    CHECK_FALSE(previewText.contains(kToken)); // secrets are shortened
    CHECK(previewText.contains(kToken.right(4)));

    child<QPushButton>(page, "claude-preview-apply")->click();
    auto *result = child<QLabel>(page, "claude-result");
    REQUIRE(waitUntil([&] { return !result->isHidden() && !controller.isBusy(); }, 15000));
    CHECK(result->text().contains(QStringLiteral("now uses the gateway")));
    REQUIRE(waitUntil([&] { return summary->text().contains(QStringLiteral("Connected:")); }, 15000));

    // The preview listed exactly the env keys that changed, and only those.
    const QJsonObject connectedEnv = readObject(pageHome.settingsFile()).value(QStringLiteral("env")).toObject();
    for (const QString &key : envKeysChanged(originalEnv, connectedEnv))
        CHECK(previewText.contains(key + QStringLiteral(": ")));
    for (const QString &key : originalEnv.keys()) {
        if (originalEnv.value(key) == connectedEnv.value(key))
            CHECK_FALSE(previewText.contains(key + QStringLiteral(": ")));
    }

    cliHome.runCli(QStringLiteral("connect"));
    checkSameFiles(pageHome, cliHome);

    // The clipboard snippet is the env block connect wrote.
    child<QPushButton>(page, "claude-copy-settings")->click();
    const QJsonObject snippetEnv = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8())
                                       .object()
                                       .value(QStringLiteral("env"))
                                       .toObject();
    REQUIRE_FALSE(snippetEnv.isEmpty());
    for (const QString &key : snippetEnv.keys())
        CHECK(connectedEnv.value(key) == snippetEnv.value(key));
    CHECK(snippetEnv.value(QStringLiteral("API_TIMEOUT_MS")).toString() == QStringLiteral("1800000"));

    // Disconnect the same way.
    child<QPushButton>(page, "claude-disconnect")->click();
    REQUIRE(waitUntil([&] { return !preview->isHidden(); }));
    const QString undoText = child<QLabel>(page, "claude-preview-keys")->text();
    CHECK(undoText.contains(QStringLiteral("ANTHROPIC_BASE_URL: http://127.0.0.1:4000 → %1")
                                .arg(originalEnv.value(QStringLiteral("ANTHROPIC_BASE_URL")).toString())));
    CHECK(undoText.contains(QStringLiteral("ANTHROPIC_API_KEY: (not set) → ")));
    child<QPushButton>(page, "claude-preview-apply")->click();
    REQUIRE(waitUntil([&] { return result->text().contains(QStringLiteral("no longer uses the gateway")); }, 15000));
    cliHome.runCli(QStringLiteral("disconnect"));
    checkSameFiles(pageHome, cliHome);
    CHECK(readObject(pageHome.settingsFile()) == QJsonDocument::fromJson(originalSettings).object());
    REQUIRE(waitUntil([&] { return summary->text().contains(QStringLiteral("Not connected")); }, 15000));
}

TEST_CASE("Connect on an empty HOME matches the CLI, and cancelling the preview writes nothing", "[ui][claudecode]")
{
    TestHome pageHome;
    TestHome cliHome;
    ClaudeCodeController controller(pageHome.setup());
    ClaudeCodePage page(&controller);
    page.show();
    auto *preview = child<QFrame>(page, "claude-preview");
    auto *connectButton = child<QPushButton>(page, "claude-connect");
    // Connect waits while the status is read.
    REQUIRE(waitUntil([&] { return connectButton->isEnabled(); }, 15000));
    connectButton->click();
    REQUIRE(waitUntil([&] { return !preview->isHidden(); }));
    CHECK_FALSE(connectButton->isEnabled()); // one preview at a time
    child<QPushButton>(page, "claude-preview-cancel")->click();
    CHECK(preview->isHidden());
    CHECK_FALSE(QFile::exists(pageHome.settingsFile()));

    REQUIRE(connectButton->isEnabled());
    connectButton->click();
    REQUIRE(waitUntil([&] { return !preview->isHidden(); }));
    const QString previewText = child<QLabel>(page, "claude-preview-keys")->text();
    for (const QString &key : controller.connectSettings().environmentKeys().keys())
        CHECK(previewText.contains(key + QStringLiteral(": (not set) → ")));
    child<QPushButton>(page, "claude-preview-apply")->click();
    REQUIRE(waitUntil([&] { return QFile::exists(pageHome.settingsFile()) && !controller.isBusy(); }, 15000));
    cliHome.runCli(QStringLiteral("connect"));
    checkSameFiles(pageHome, cliHome);
}

TEST_CASE("Verify on the Claude Code page shows the result in plain words", "[ui][claudecode]")
{
    FakeHttpServer gateway;
    REQUIRE(gateway.isListening());
    gateway.setHandler("POST", "/v1/messages", [](const RecordedRequest &request) {
        if (request.header("authorization") != QByteArray("Bearer ") + kToken.toUtf8())
            return FakeReply::json(
                401, R"({"type":"error","error":{"type":"authentication_error","message":"invalid token"}})");
        return FakeReply::json(200, R"({"id":"msg_1","type":"message","role":"assistant","model":"qwen",
            "content":[{"type":"text","text":"pong"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":1}})");
    });
    TestHome home;
    ClaudeCodeController controller(home.setup(gateway.baseUrl()));
    ClaudeCodePage page(&controller);
    page.show();
    REQUIRE(waitUntil([&] { return controller.status().has_value(); }, 15000));
    auto *verifyResult = child<QLabel>(page, "claude-verify-result");
    child<QPushButton>(page, "claude-verify")->click();
    REQUIRE(waitUntil([&] { return verifyResult->text().contains(QStringLiteral("It works")); }, 15000));
    CHECK(verifyResult->text().contains(QStringLiteral("pong")));
    CHECK(verifyResult->text().contains(QStringLiteral("via http")));
    REQUIRE(gateway.requests().size() == 1);

    controller.setGateway(gateway.baseUrl(), QStringLiteral("sb-stale-token"));
    child<QPushButton>(page, "claude-verify")->click();
    REQUIRE(waitUntil([&] { return verifyResult->text().contains(QStringLiteral("failed")); }, 15000));
    CHECK(verifyResult->text().contains(QStringLiteral("What to do")));
    CHECK(verifyResult->text().contains(QStringLiteral("invalid token")));
}

TEST_CASE("The Claude Code page shows which deployment answers opus, sonnet and haiku", "[ui][claudecode]")
{
    TestHome home;
    ClaudeCodeController controller(home.setup());
    ClaudeCodePage page(&controller);
    const QString opus = child<QLabel>(page, "claude-route-opus")->text();
    const QString haiku = child<QLabel>(page, "claude-route-haiku")->text();
    CHECK(opus.contains(QStringLiteral("ollama/qwen2.5-coder:7b")));
    CHECK(opus.contains(QStringLiteral("claude-*")));
    CHECK(child<QLabel>(page, "claude-route-sonnet")->text().contains(QStringLiteral("ollama/qwen2.5-coder:7b")));
    CHECK(haiku.contains(QStringLiteral("ollama/qwen2.5-coder:1.5b")));
    CHECK(haiku.contains(QStringLiteral("Ollama at 127.0.0.1:11434")));

    const ConfigLoadResult other = ConfigLoader::loadText("model_list:\n"
                                                          "  - model_name: claude-haiku-4-5\n"
                                                          "    litellm_params:\n"
                                                          "      model: ollama/llama3.2:3b\n",
                                                          QStringLiteral("other.yaml"));
    REQUIRE(other.ok());
    controller.setConfig(other.config);
    CHECK(child<QLabel>(page, "claude-route-opus")->text().contains(QStringLiteral("nothing")));
    CHECK(child<QLabel>(page, "claude-route-haiku")->text().contains(QStringLiteral("ollama/llama3.2:3b")));
}

TEST_CASE("A Claude tier whose deployment cannot be reached says so, with what to do", "[ui][claudecode]")
{
    TestHome home;
    ClaudeCodeController controller(home.setup());
    ClaudeCodePage page(&controller);
    QString haikuId, sonnetId;
    for (const ClaudeModelRoute &route : controller.modelRoutes()) {
        REQUIRE(route.deploymentIds.size() == route.deployments.size());
        if (route.family == QStringLiteral("Haiku"))
            haikuId = route.deploymentIds.value(0);
        if (route.family == QStringLiteral("Sonnet"))
            sonnetId = route.deploymentIds.value(0);
    }
    REQUIRE_FALSE(haikuId.isEmpty());
    REQUIRE(haikuId != sonnetId);
    auto *haiku = child<QLabel>(page, "claude-route-haiku");
    CHECK_FALSE(haiku->text().contains(QStringLiteral("●")));

    DeploymentHealth down;
    down.id = haikuId;
    down.state = DeploymentHealth::State::Unreachable;
    down.message = health::unreachableAdvice(QStringLiteral("ollama"), QStringLiteral("http://127.0.0.1:11434"),
                                             QStringLiteral("Connection refused"));
    REQUIRE_FALSE(down.message.isEmpty());
    DeploymentHealth up;
    up.id = sonnetId;
    up.state = DeploymentHealth::State::Reachable;
    page.setDeploymentHealth({down, up});
    haiku = child<QLabel>(page, "claude-route-haiku");
    CHECK(haiku->text().contains(QStringLiteral("● ") + down.message.toHtmlEscaped()));
    CHECK(haiku->text().contains(QStringLiteral("ollama/qwen2.5-coder:1.5b")));
    CHECK_FALSE(child<QLabel>(page, "claude-route-sonnet")->text().contains(QStringLiteral("●")));

    // Up, but its requests fail and it cools down: said so, with the failure.
    down.state = DeploymentHealth::State::CoolingDown;
    down.message = QStringLiteral("model \"qwen2.5-coder:1.5b\" not found, try pulling it first");
    page.setDeploymentHealth({down, up});
    CHECK(
        child<QLabel>(page, "claude-route-haiku")
            ->text()
            .contains(QStringLiteral("● cooling down after failures: model &quot;qwen2.5-coder:1.5b&quot; not found")));

    // Reachable again: the warning goes.
    down.state = DeploymentHealth::State::Reachable;
    down.message.clear();
    page.setDeploymentHealth({down, up});
    CHECK_FALSE(child<QLabel>(page, "claude-route-haiku")->text().contains(QStringLiteral("●")));
}

TEST_CASE("The page connects Claude Code to the address the CLI would", "[ui][claudecode]")
{
    CHECK(ClaudeCodeSetup::baseUrlFor(QStringLiteral("0.0.0.0"), 4000) == QStringLiteral("http://127.0.0.1:4000"));
    CHECK(ClaudeCodeSetup::baseUrlFor(QStringLiteral("::"), 4100) == QStringLiteral("http://127.0.0.1:4100"));
    CHECK(ClaudeCodeSetup::baseUrlFor(QStringLiteral("localhost"), 4000) == QStringLiteral("http://localhost:4000"));
    GatewayConfig config;
    config.port = 4321;
    const ClaudeCodeSetup setup = ClaudeCodeSetup::forGateway(config, kToken);
    CHECK(setup.gatewayBaseUrl == QStringLiteral("http://127.0.0.1:4321"));
    CHECK(setup.paths.stateDir == QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath());
    CHECK(setup.paths.projectDir == QDir::currentPath());
    const ClaudeCodeController controller(setup);
    CHECK(controller.connectSettings().environmentKeys().value(QStringLiteral("ANTHROPIC_AUTH_TOKEN")) == kToken);
}
