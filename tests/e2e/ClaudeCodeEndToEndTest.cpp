// The real Claude Code CLI (pinned in package-lock.json) runs `-p` through Switchboard to each
// kind of upstream: turn one answers with a Write tool call whose arguments stream in pieces,
// turn two with text. The file must exist with the right content and turn two must carry
// the tool_result.
#include "E2eProcess.h"
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"

#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

const char *const kContent = "hi from switchboard";

// Turn two is recognised by the tool result it carries, in whichever dialect the
// upstream speaks.
bool carriesToolResult(const RecordedRequest &request)
{
    return request.body.contains("\"tool_result\"") || request.body.contains("\"role\":\"tool\"");
}

bool offersWriteTool(const RecordedRequest &request)
{
    return request.body.contains("\"Write\"");
}

void scriptToolLoop(FakeUpstream &fake, const QString &filePath)
{
    fake.setTurnHandler([filePath](const RecordedRequest &request) {
        if (offersWriteTool(request) && !carriesToolResult(request)) {
            FakeTurn turn = FakeTurn::withToolCall(QStringLiteral("Write"),
                                                   QJsonObject{{QStringLiteral("file_path"), filePath},
                                                               {QStringLiteral("content"), QLatin1String(kContent)}});
            turn.toolCalls.first().pieces = 6;
            turn.text = QStringLiteral("I'll create the file.");
            return turn;
        }
        return FakeTurn::withText(QStringLiteral("Created hello.txt."));
    });
}

struct Outcome
{
    ProcessResult run;
    QString fileContent;
    bool fileExists = false;
};

Outcome runClaude(GatewayHarness &gateway, const QString &model, const std::function<void(const QString &)> &script)
{
    QTemporaryDir home;
    QTemporaryDir work;
    const QString filePath = QDir(work.path()).filePath(QStringLiteral("hello.txt"));
    script(filePath);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QStringLiteral("ANTHROPIC_")) || key.startsWith(QStringLiteral("CLAUDE")))
            env.remove(key);
    }
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("ANTHROPIC_BASE_URL"), gateway.baseUrl());
    env.insert(QStringLiteral("ANTHROPIC_AUTH_TOKEN"), QLatin1String(GatewayHarness::kToken));
    env.insert(QStringLiteral("ANTHROPIC_MODEL"), model);
    env.insert(QStringLiteral("ANTHROPIC_SMALL_FAST_MODEL"), model);
    env.insert(QStringLiteral("IS_SANDBOX"), QStringLiteral("1"));
    env.insert(QStringLiteral("DISABLE_TELEMETRY"), QStringLiteral("1"));
    env.insert(QStringLiteral("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"), QStringLiteral("1"));
    env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("127.0.0.1,localhost"));

    Outcome outcome;
    outcome.run =
        runClient(claudeBinary(),
                  {QStringLiteral("-p"), QStringLiteral("create hello.txt containing: %1").arg(QLatin1String(kContent)),
                   QStringLiteral("--dangerously-skip-permissions"), QStringLiteral("--output-format"),
                   QStringLiteral("stream-json"), QStringLiteral("--verbose")},
                  env, work.path(), 120000);
    QFile file(filePath);
    outcome.fileExists = file.exists();
    if (file.open(QIODevice::ReadOnly))
        outcome.fileContent = QString::fromUtf8(file.readAll());
    return outcome;
}

QByteArray configFor(const FakeOllama &ollama, const FakeOpenAi &openai, const FakeAnthropic &anthropic)
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: 'via-ollama'\n"
                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n"
                          "  - model_name: 'via-openai'\n"
                          "    litellm_params: {model: hosted_vllm/Qwen/Qwen2.5-Coder-7B, api_base: '%2'}\n"
                          "  - model_name: 'via-anthropic'\n"
                          "    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: '%3', api_key: up-key}\n")
        .arg(ollama.baseUrl(), openai.apiBase(), anthropic.baseUrl())
        .toUtf8();
}

} // namespace

TEST_CASE("the real Claude Code CLI completes a tool loop through Switchboard to every kind of upstream")
{
    REQUIRE_FALSE(QFileInfo(claudeBinary()).filePath().isEmpty());
    INFO("Claude Code is installed by `npm ci` in tests/e2e (the quickstart test command does it)");
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());

    FakeOllama ollama;
    FakeOpenAi openai;
    FakeAnthropic anthropic;
    anthropic.setApiKey(QStringLiteral("up-key"));
    GatewayHarness gateway(configFor(ollama, openai, anthropic));
    REQUIRE(gateway.started());

    struct Case
    {
        const char *model;
        FakeUpstream *fake;
    };
    const Case cases[] = {{"via-ollama", &ollama}, {"via-openai", &openai}, {"via-anthropic", &anthropic}};
    for (const Case &c : cases) {
        DYNAMIC_SECTION("upstream " << c.model)
        {
            const Outcome outcome = runClaude(gateway, QLatin1String(c.model),
                                              [&c](const QString &path) { scriptToolLoop(*c.fake, path); });
            INFO("stdout: " << outcome.run.out.right(3000).toStdString());
            INFO("stderr: " << outcome.run.err.right(3000).toStdString());
            REQUIRE(outcome.run.started);
            REQUIRE(outcome.run.finished);
            CHECK(outcome.run.exitCode == 0);
            CHECK(outcome.fileExists);
            CHECK(outcome.fileContent == QLatin1String(kContent));

            // Turn two carried the tool result back to the upstream.
            const QList<RecordedRequest> turns = c.fake->turnRequests();
            bool sawToolResult = false;
            for (const RecordedRequest &request : turns)
                sawToolResult = sawToolResult || (offersWriteTool(request) && carriesToolResult(request));
            CHECK(sawToolResult);
            CHECK(outcome.run.out.contains("Created hello.txt."));
        }
    }
}

TEST_CASE("Claude Code completes a tool loop while the first deployment of its group is down")
{
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());
    FakeOpenAi live;
    const QByteArray yaml =
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: ollama/down, api_base: 'http://127.0.0.1:1', order: 1}\n"
                       "    model_info: {id: down}\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: openai/live, api_base: '%1', order: 2}\n"
                       "    model_info: {id: live}\n")
            .arg(live.apiBase())
            .toUtf8();
    GatewayHarness gateway(yaml);
    REQUIRE(gateway.started());
    const Outcome outcome =
        runClaude(gateway, QStringLiteral("main"), [&live](const QString &path) { scriptToolLoop(live, path); });
    INFO("stderr: " << outcome.run.err.right(3000).toStdString());
    REQUIRE(outcome.run.finished);
    CHECK(outcome.run.exitCode == 0);
    CHECK(outcome.fileContent == QLatin1String(kContent));
    CHECK(outcome.run.out.contains("Created hello.txt."));
    // Every model turn was answered by the live deployment after the down one was tried or cooled.
    bool sawRetry = false;
    for (const RequestRecord &record : gateway.records()) {
        if (record.path.startsWith(QStringLiteral("/v1/messages")) && record.status == 200) {
            CHECK(record.deployment == QStringLiteral("live"));
            sawRetry = sawRetry || record.retries > 0;
        }
    }
    CHECK(sawRetry);
}

TEST_CASE("Claude Code honours a 429 with retry-after from the gateway and then succeeds")
{
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());
    FakeOllama ollama;
    ollama.failNext(429, 1, 1, QStringLiteral("slow down"));
    const QByteArray yaml = QStringLiteral("model_list:\n"
                                           "  - model_name: main\n"
                                           "    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                                           "router_settings: {num_retries: 0, allowed_fails: 100}\n")
                                .arg(ollama.baseUrl())
                                .toUtf8();
    GatewayHarness gateway(yaml);
    REQUIRE(gateway.started());
    const Outcome outcome =
        runClaude(gateway, QStringLiteral("main"), [&ollama](const QString &path) { scriptToolLoop(ollama, path); });
    INFO("stderr: " << outcome.run.err.right(3000).toStdString());
    REQUIRE(outcome.run.finished);
    CHECK(outcome.run.exitCode == 0);
    CHECK(outcome.fileContent == QLatin1String(kContent));
    bool saw429 = false;
    for (const RequestRecord &record : gateway.records())
        saw429 = saw429 || record.status == 429;
    CHECK(saw429);
}

TEST_CASE("a prompt too long for a local model's context: Claude Code is told at once and does not retry")
{
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());
    FakeOllama ollama;
    // Claude Code's first turn alone is ~12K tokens by the gateway's estimate.
    const QByteArray yaml = QStringLiteral("model_list:\n"
                                           "  - model_name: main\n"
                                           "    litellm_params: {model: ollama/m, api_base: '%1', num_ctx: 4096}\n")
                                .arg(ollama.baseUrl())
                                .toUtf8();
    GatewayHarness gateway(yaml);
    REQUIRE(gateway.started());
    QElapsedTimer clock;
    clock.start();
    const Outcome outcome =
        runClaude(gateway, QStringLiteral("main"), [&ollama](const QString &path) { scriptToolLoop(ollama, path); });
    const qint64 elapsed = clock.elapsed();
    INFO("stdout: " << outcome.run.out.right(3000).toStdString());
    REQUIRE(outcome.run.finished);
    // One request, one answer: the CLI ends the run as "prompt too long" (before this fix the
    // gateway said 529 and the CLI retried ten times with backoff).
    REQUIRE(gateway.records().size() == 1);
    CHECK(gateway.records().first().status == 400);
    CHECK(ollama.turnCount() == 0);
    CHECK(outcome.run.out.contains(R"("terminal_reason":"prompt_too_long")"));
    CHECK(outcome.run.out.contains("Prompt is too long"));
    CHECK(outcome.run.exitCode != 0);
    CHECK(elapsed < 30000);
}

TEST_CASE("a conversation that outgrows a local model's context: Claude Code compacts instead of retrying")
{
    REQUIRE(QFileInfo(claudeBinary()).isExecutable());
    FakeOllama ollama;
    // The first turn fits in 16K; the second carries a 26 KB tool input back and does not.
    const QByteArray yaml = QStringLiteral("model_list:\n"
                                           "  - model_name: main\n"
                                           "    litellm_params: {model: ollama/m, api_base: '%1', num_ctx: 16384}\n")
                                .arg(ollama.baseUrl())
                                .toUtf8();
    GatewayHarness gateway(yaml);
    REQUIRE(gateway.started());
    const Outcome outcome = runClaude(gateway, QStringLiteral("main"), [&ollama](const QString &path) {
        ollama.setTurnHandler([path](const RecordedRequest &request) {
            if (offersWriteTool(request) && !carriesToolResult(request))
                return FakeTurn::withToolCall(QStringLiteral("Write"), QJsonObject{{QStringLiteral("file_path"), path},
                                                                                   {QStringLiteral("content"),
                                                                                    QString(26000, QLatin1Char('z'))}});
            return FakeTurn::withText(QStringLiteral("Created hello.txt."));
        });
    });
    INFO("stdout: " << outcome.run.out.right(3000).toStdString());
    REQUIRE(outcome.run.finished);
    REQUIRE(gateway.records().size() >= 2);
    CHECK(gateway.records().first().status == 200);
    CHECK(ollama.turnCount() == 1);
    // Every later request was told "too long", none "overloaded"; the CLI tried to compact
    // (its compaction requests carry the same conversation, so here they are too long as well)
    // and gave up after a bounded number of attempts.
    for (int i = 1; i < gateway.records().size(); ++i)
        CHECK(gateway.records()[i].status == 400);
    CHECK(gateway.records().size() <= 8);
    CHECK(outcome.run.out.contains(R"("status":"compacting")"));
    CHECK(outcome.run.out.contains(R"("terminal_reason":"prompt_too_long")"));
}
