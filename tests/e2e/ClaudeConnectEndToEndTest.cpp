// `switchboard claude connect` is the only setup Claude Code needs: in a fresh temporary HOME,
// the real binary runs the gateway (`switchboard --headless`) and the connector, and then
// the real Claude Code CLI — with HOME, PATH and IS_SANDBOX and no ANTHROPIC_* variables —
// completes a Write tool loop through the gateway to an Ollama upstream. This proves the
// write-set: base URL, token, onboarding flag and the local-model keys.
#include "E2eProcess.h"
#include "FakeOllama.h"
#include "FakeOllamaModels.h"
#include "SwitchboardHome.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

using namespace sb::test;

namespace {

const QString kContent = QStringLiteral("connected by switchboard");
const QString kFinalText = QStringLiteral("The file is written.");

bool carriesToolResult(const RecordedRequest &request)
{
    return request.body.contains("\"role\":\"tool\"") || request.body.contains("\"tool_result\"");
}

bool offersWriteTool(const RecordedRequest &request)
{
    return request.body.contains("\"Write\"");
}

// Turn one: a Write tool call (arguments streamed in pieces); turn two and side requests: text.
void scriptWriteLoop(FakeOllama &ollama, const QString &filePath)
{
    ollama.setTurnHandler([filePath](const RecordedRequest &request) {
        if (offersWriteTool(request) && !carriesToolResult(request)) {
            FakeTurn turn =
                FakeTurn::withToolCall(QStringLiteral("Write"), QJsonObject{{QStringLiteral("file_path"), filePath},
                                                                            {QStringLiteral("content"), kContent}});
            turn.toolCalls.first().pieces = 4;
            return turn;
        }
        return FakeTurn::withText(kFinalText);
    });
}

// The whole environment Claude Code gets: nothing that points it anywhere.
QProcessEnvironment bareEnvironment(const QString &home)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("PATH"), QProcessEnvironment::systemEnvironment().value(QStringLiteral("PATH")));
    env.insert(QStringLiteral("IS_SANDBOX"),
               QStringLiteral("1")); // --dangerously-skip-permissions as root
    return env;
}

// The first screen the interactive CLI shows, on a pseudo-terminal from `script`: the text
// without escape sequences and whitespace (the CLI positions words with cursor moves).
QString firstInteractiveScreen(const QString &home, const QString &workDir)
{
    QProcessEnvironment environment = bareEnvironment(home);
    environment.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(workDir);
    process.setProgram(QStringLiteral("script"));
    process.setArguments({QStringLiteral("-qfec"), claudeBinary(), QStringLiteral("/dev/null")});
    process.setStandardInputFile(QProcess::nullDevice());
    QByteArray bytes;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                     [&] { bytes += process.readAllStandardOutput(); });
    static const QRegularExpression escapes(
        QStringLiteral("\x1b(\\[[0-9;?<>=]*[ -/]*[@-~]|\\][^\x07\x1b]*(\x07|\x1b\\\\)|[()][0-9A-Za-z]|[=>78])"));
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const auto screen = [&bytes] {
        return QString::fromUtf8(bytes).remove(escapes).remove(space);
    };
    process.start();
    if (!process.waitForStarted(10000))
        return {};
    waitUntil(
        [&] {
            const QString text = screen();
            return text.contains(QLatin1String("trustthisfolder")) ||
                   text.contains(QLatin1String("Choosethetextstyle")) ||
                   text.contains(QLatin1String("login"), Qt::CaseInsensitive) ||
                   process.state() == QProcess::NotRunning;
        },
        60000);
    process.kill(); // closing the terminal ends claude too
    process.waitForFinished(5000);
    return screen();
}

// Connects in `home` (with CLAUDE_CONFIG_DIR when `configDir` is set), then runs the real CLI
// with nothing but the bare environment (plus that CLAUDE_CONFIG_DIR).
void connectAndRunToolLoop(const QString &configDir)
{
    INFO("Claude Code is installed by `npm ci` in tests/e2e (the quickstart test command does it)");
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());
    SwitchboardHome home(QStringLiteral(SWITCHBOARD_BINARY));
    REQUIRE(home.isValid());
    const QString claudeDir = configDir.isEmpty() ? home.path(QStringLiteral(".claude")) : home.path(configDir);
    const QString stateFile =
        configDir.isEmpty() ? home.globalStateFile() : QDir(claudeDir).filePath(QStringLiteral(".claude.json"));
    if (!configDir.isEmpty())
        home.setEnvironmentValue(QStringLiteral("CLAUDE_CONFIG_DIR"), claudeDir);

    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    FakeOllamaModels::Model installed;
    installed.name = QStringLiteral("qwen2.5-coder:7b");
    models.setModels({installed});
    const QString filePath = QDir(home.workDir()).filePath(QStringLiteral("hello.txt"));
    scriptWriteLoop(ollama, filePath);
    const QString config =
        home.writeConfig(QStringLiteral("model_list:\n"
                                        "  - model_name: 'claude-*'\n"
                                        "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n")
                             .arg(ollama.baseUrl())
                             .toUtf8());
    REQUIRE_FALSE(config.isEmpty());

    HeadlessGateway gateway(home, {QStringLiteral("--config"), config, QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = gateway.waitForPort();
    INFO("gateway log: " << gateway.log().toStdString());
    REQUIRE(port > 0);
    const QStringList where{QStringLiteral("--config"), config, QStringLiteral("--port"), QString::number(port)};

    const CliResult connect = home.run(QStringList{QStringLiteral("claude"), QStringLiteral("connect")} + where);
    INFO("connect: " << connect.output().toStdString() << connect.errors().toStdString());
    REQUIRE(connect.exitCode == 0);
    REQUIRE(QFileInfo::exists(QDir(claudeDir).filePath(QStringLiteral("settings.json"))));
    // Nothing else was prepared: the CLI's own state exists only because connect wrote it.
    REQUIRE(SwitchboardHome::readJsonObject(stateFile).keys() == QStringList{QStringLiteral("hasCompletedOnboarding")});

    QProcessEnvironment environment = bareEnvironment(home.home());
    if (!configDir.isEmpty())
        environment.insert(QStringLiteral("CLAUDE_CONFIG_DIR"), claudeDir);
    const ProcessResult run =
        runClient(claudeBinary(),
                  {QStringLiteral("-p"), QStringLiteral("create hello.txt containing: %1").arg(kContent),
                   QStringLiteral("--dangerously-skip-permissions"), QStringLiteral("--output-format"),
                   QStringLiteral("stream-json"), QStringLiteral("--verbose")},
                  environment, home.workDir(), 120000);
    INFO("stdout: " << run.out.right(3000).toStdString());
    INFO("stderr: " << run.err.right(3000).toStdString());
    REQUIRE(run.started);
    REQUIRE(run.finished);
    CHECK(run.exitCode == 0);

    QFile file(filePath);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(QString::fromUtf8(file.readAll()) == kContent);

    bool sawToolResult = false;
    for (const RecordedRequest &request : ollama.turnRequests())
        sawToolResult = sawToolResult || (offersWriteTool(request) && carriesToolResult(request));
    CHECK(sawToolResult);
    CHECK(run.out.contains(kFinalText.toUtf8()));

    // The turns went through the gateway and were accepted with the connected token.
    static const QRegularExpression accepted(QStringLiteral("POST /v1/messages\\S* claude-[^\\n]* 200 in="));
    const bool logged = waitUntil([&gateway] { return accepted.match(gateway.log()).hasMatch(); });
    INFO("gateway log now: " << gateway.log().toStdString());
    CHECK(logged);
    CHECK_FALSE(gateway.log().contains(QStringLiteral(" 401 ")));

    // With the real claude on PATH, verify runs `claude -p` and doctor finds nothing to fix.
    home.setEnvironmentValue(QStringLiteral("PATH"),
                             QFileInfo(claudeBinary()).absolutePath() + QLatin1Char(':') +
                                 QProcessEnvironment::systemEnvironment().value(QStringLiteral("PATH")));
    const CliResult verify = home.run(QStringList{QStringLiteral("claude"), QStringLiteral("verify")} + where, 120000);
    INFO("verify: " << verify.output().toStdString() << verify.errors().toStdString());
    CHECK(verify.exitCode == 0);
    CHECK(verify.output().contains(QStringLiteral("OK (claude -p)")));
    const CliResult doctor = home.run(QStringList{QStringLiteral("doctor")} + where, 60000);
    INFO("doctor: " << doctor.output().toStdString() << doctor.errors().toStdString());
    CHECK(doctor.exitCode == 0);
    CHECK(doctor.output().contains(QStringLiteral("All checks passed.")));
}

} // namespace

TEST_CASE("after `switchboard claude connect` in a fresh HOME the real Claude Code CLI completes a "
          "tool loop",
          "[e2e][claude]")
{
    connectAndRunToolLoop({});
}

TEST_CASE("with CLAUDE_CONFIG_DIR, connect writes where the real Claude Code CLI reads", "[e2e][claude]")
{
    connectAndRunToolLoop(QStringLiteral("claude-config"));
}

TEST_CASE("after `switchboard claude connect` the interactive CLI skips the first-run screens", "[e2e][claude]")
{
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());
    REQUIRE_FALSE(QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty());
    SwitchboardHome home(QStringLiteral(SWITCHBOARD_BINARY));
    REQUIRE(home.isValid());
    const CliResult connect = home.run(
        {QStringLiteral("claude"), QStringLiteral("connect"), QStringLiteral("--port"), QStringLiteral("4000")});
    INFO(connect.output().toStdString() << connect.errors().toStdString());
    REQUIRE(connect.exitCode == 0);

    SECTION("connected: straight to the workspace trust question")
    {
        const QString screen = firstInteractiveScreen(home.home(), home.workDir());
        INFO(screen.toStdString());
        CHECK(screen.contains(QLatin1String("trustthisfolder")));
        CHECK_FALSE(screen.contains(QLatin1String("WelcometoClaudeCode")));
        CHECK_FALSE(screen.contains(QLatin1String("Choosethetextstyle")));
    }
    SECTION("the same settings without the onboarding flag: the first-run screens come first")
    {
        REQUIRE(QFile::remove(home.globalStateFile()));
        const QString screen = firstInteractiveScreen(home.home(), home.workDir());
        INFO(screen.toStdString());
        CHECK(screen.contains(QLatin1String("WelcometoClaudeCode")));
        CHECK(screen.contains(QLatin1String("Choosethetextstyle")));
        CHECK_FALSE(screen.contains(QLatin1String("trustthisfolder")));
    }
}
