// The machine-service commands through the real binary, as a user types them:
// `switchboard hardware | models | claude | doctor` in a throw-away HOME, against the fake
// Ollama on loopback and, for doctor, a real `switchboard --headless` gateway.
#include "FakeOllama.h"
#include "FakeOllamaModels.h"
#include "SwitchboardHome.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

using namespace sb::test;

namespace {

const QString kBinary = QStringLiteral(SWITCHBOARD_BINARY);

QString str(const char *text)
{
    return QString::fromUtf8(text);
}

// A loopback port with nothing listening on it.
quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

FakeOllamaModels::Model model(const QString &name, int contextLength = 32768, bool tools = true)
{
    FakeOllamaModels::Model m;
    m.name = name;
    m.sizeBytes = 4683087332LL;
    m.family = QStringLiteral("qwen2");
    m.parameterSize = QStringLiteral("7.6B");
    m.quantization = QStringLiteral("Q4_K_M");
    m.contextLength = contextLength;
    if (!tools)
        m.capabilities = QStringList{QStringLiteral("completion")};
    return m;
}

// Claude Code's three roles on two local models, as the default config does it.
QByteArray configFor(const FakeOllama &ollama, const QString &extra = {})
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: 'claude-*haiku*'\n"
                          "    litellm_params: {model: ollama/qwen2.5-coder:1.5b, api_base: '%1'}\n"
                          "  - model_name: 'claude-*'\n"
                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'%2}\n")
        .arg(ollama.baseUrl(), extra)
        .toUtf8();
}

// A settings.json as users have them: hooks, permissions, a status line, plugins, other env.
const QByteArray kUserSettings = R"json({
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "env": {
    "FOO": "bar",
    "ANTHROPIC_BASE_URL": "https://other-gateway.example",
    "ANTHROPIC_API_KEY": "sk-ant-old"
  },
  "hooks": {
    "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo checked"}]}]
  },
  "permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"]},
  "statusLine": {"type": "command", "command": "~/.claude/statusline.sh", "padding": 0},
  "enabledPlugins": {"formatter@tools": true},
  "model": "opus"
}
)json";

const QByteArray kUserState = R"json({"numStartups": 7, "projects": {"/src/app": {"allowedTools": []}}})json";

} // namespace

// ---- hardware -----------------------------------------------------------------------------

TEST_CASE("hardware --json prints the machine, the runtimes and the model advice as JSON", "[cli][hardware]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const CliResult result = home.run({QStringLiteral("hardware"), QStringLiteral("--json")});
    INFO(result.errors().toStdString());
    REQUIRE(result.finished);
    CHECK(result.exitCode == 0);
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(result.out, &error);
    INFO(result.output().toStdString());
    REQUIRE(error.error == QJsonParseError::NoError);
    REQUIRE(doc.isObject());

    const QJsonObject hardware = doc.object().value(str("hardware")).toObject();
    CHECK_FALSE(hardware.value(str("os")).toString().isEmpty());
    CHECK_FALSE(hardware.value(str("architecture")).toString().isEmpty());
    const QJsonObject cpu = hardware.value(str("cpu")).toObject();
    CHECK(cpu.value(str("logical_cores")).toInt() >= 1);
    CHECK(hardware.value(str("memory")).toObject().value(str("total_bytes")).toDouble() > 0);
    REQUIRE(hardware.value(str("gpus")).isArray());
    for (const QJsonValue &gpu : hardware.value(str("gpus")).toArray()) {
        CHECK_FALSE(gpu.toObject().value(str("vendor")).toString().isEmpty());
        CHECK_FALSE(gpu.toObject().value(str("name")).toString().isEmpty());
    }
    CHECK(hardware.value(str("probes")).isArray());

    const QJsonObject advice = doc.object().value(str("advice")).toObject();
    CHECK_FALSE(advice.value(str("platform")).toString().isEmpty());
    CHECK_FALSE(advice.value(str("runtimes")).toArray().isEmpty());
    CHECK(advice.value(str("context_tokens")).toInt() >= 32768);
    const QJsonArray models = advice.value(str("models")).toArray();
    CHECK(models.size() >= 5);
    bool hasGuideModel = false;
    for (const QJsonValue &entry : models)
        hasGuideModel = hasGuideModel || entry.toObject().value(str("model")).toString() == str("qwen2.5:7b");
    CHECK(hasGuideModel);
    CHECK(advice.contains(str("main_model")));
    CHECK(advice.contains(str("small_model")));
}

TEST_CASE("hardware prints a readable report with the CPU, the RAM and the model choices", "[cli][hardware]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const CliResult result = home.run({QStringLiteral("hardware")});
    INFO(result.output().toStdString() << result.errors().toStdString());
    REQUIRE(result.finished);
    CHECK(result.exitCode == 0);
    CHECK(result.output().contains(str("CPU: ")));
    CHECK(result.output().contains(str("logical cores")));
    CHECK(result.output().contains(str("RAM: ")));
    CHECK(result.output().contains(str("Claude Code main model: ")));
}

// ---- models -------------------------------------------------------------------------------

TEST_CASE("models list shows what Ollama has, from --ollama or the config's api_base", "[cli][models]")
{
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    FakeOllamaModels::Model loaded = model(str("qwen2.5-coder:7b"));
    loaded.loadedVram = 5368709120LL;
    models.setModels({loaded, model(str("llama3.2:3b"))});
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());

    SECTION("--ollama URL")
    {
        const CliResult result = home.run({str("models"), str("list"), str("--ollama"), ollama.baseUrl()});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 0);
        CHECK(result.output().contains(str("qwen2.5-coder:7b")));
        CHECK(result.output().contains(str("llama3.2:3b")));
        CHECK(result.output().contains(str("loaded (5.0 GiB on GPU)")));
    }
    SECTION("--json")
    {
        const CliResult result =
            home.run({str("models"), str("list"), str("--json"), str("--ollama"), ollama.baseUrl()});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 0);
        const QJsonArray array = QJsonDocument::fromJson(result.out).array();
        REQUIRE(array.size() == 2);
        CHECK(array.at(0).toObject().value(str("name")).toString() == str("qwen2.5-coder:7b"));
        CHECK(array.at(0).toObject().value(str("loaded_vram_bytes")).toDouble() == 5368709120.0);
        CHECK(array.at(1).toObject().value(str("name")).toString() == str("llama3.2:3b"));
    }
    SECTION("the Ollama address of the config")
    {
        const QString config = home.writeConfig(configFor(ollama));
        REQUIRE_FALSE(config.isEmpty());
        const CliResult result = home.run({str("models"), str("list"), str("--config"), config});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 0);
        CHECK(result.output().contains(str("llama3.2:3b")));
    }
    SECTION("an empty Ollama says how to pull one")
    {
        models.setModels({});
        const CliResult result = home.run({str("models"), str("list"), str("--ollama"), ollama.baseUrl()});
        CHECK(result.exitCode == 0);
        CHECK(result.output().contains(str("switchboard models pull")));
    }
}

TEST_CASE("models list fails with a message when Ollama does not answer", "[cli][models]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const quint16 port = closedPort();
    REQUIRE(port > 0);
    const CliResult result =
        home.run({str("models"), str("list"), str("--ollama"), QStringLiteral("http://127.0.0.1:%1").arg(port)});
    INFO(result.errors().toStdString());
    REQUIRE(result.finished);
    CHECK(result.exitCode == 1);
    CHECK_FALSE(result.errors().trimmed().isEmpty());
}

TEST_CASE("models pull prints the progress and ends with success", "[cli][models]")
{
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    models.setPullable(str("qwen2.5-coder:7b"), 4683087332LL, 4);
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());

    const CliResult result =
        home.run({str("models"), str("pull"), str("qwen2.5-coder:7b"), str("--ollama"), ollama.baseUrl()});
    INFO(result.output().toStdString() << result.errors().toStdString());
    REQUIRE(result.finished);
    CHECK(result.exitCode == 0);
    CHECK(models.pullRequests() == 1);
    // Progress goes to stderr; without a terminal, one line per step.
    const QString progress = result.errors();
    CHECK(progress.contains(str("pulling manifest")));
    CHECK(progress.contains(str("verifying sha256 digest")));
    CHECK(progress.contains(str("100%")));
    CHECK(progress.trimmed().endsWith(str("success")));
    CHECK(result.output().contains(str("Pulled qwen2.5-coder:7b")));

    const CliResult list = home.run({str("models"), str("list"), str("--ollama"), ollama.baseUrl()});
    CHECK(list.output().contains(str("qwen2.5-coder:7b")));
}

TEST_CASE("a failing pull exits non-zero with Ollama's error", "[cli][models]")
{
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    models.setPullable(str("qwen2.5-coder:7b"), 1000000, 4);
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());

    SECTION("an unknown model")
    {
        const CliResult result =
            home.run({str("models"), str("pull"), str("no-such-model:1b"), str("--ollama"), ollama.baseUrl()});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 1);
        CHECK(result.errors().contains(str("pull model manifest: file does not exist")));
        CHECK_FALSE(result.output().contains(str("Pulled")));
    }
    SECTION("an error line in the middle of the stream")
    {
        models.setPullEnding(FakeOllamaModels::PullEnding::ErrorLine);
        const CliResult result =
            home.run({str("models"), str("pull"), str("qwen2.5-coder:7b"), str("--ollama"), ollama.baseUrl()});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 1);
        CHECK(result.errors().contains(str("digest mismatch")));
    }
    SECTION("a connection cut mid-layer can be resumed")
    {
        models.setPullEnding(FakeOllamaModels::PullEnding::CutMidLayer);
        const CliResult result =
            home.run({str("models"), str("pull"), str("qwen2.5-coder:7b"), str("--ollama"), ollama.baseUrl()});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 1);
        CHECK(result.errors().contains(str("again to resume")));
    }
    SECTION("Ollama not running")
    {
        const quint16 port = closedPort();
        const CliResult result = home.run({str("models"), str("pull"), str("qwen2.5-coder:7b"), str("--ollama"),
                                           QStringLiteral("http://127.0.0.1:%1").arg(port)});
        INFO(result.output().toStdString() << result.errors().toStdString());
        CHECK(result.exitCode == 1);
        CHECK(result.errors().contains(str("did not finish")));
    }
}

TEST_CASE("models rm removes a model and fails for an unknown one", "[cli][models]")
{
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    models.setModels({model(str("qwen2.5-coder:7b")), model(str("llama3.2:3b"))});
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());

    const CliResult removed =
        home.run({str("models"), str("rm"), str("llama3.2:3b"), str("--ollama"), ollama.baseUrl()});
    INFO(removed.output().toStdString() << removed.errors().toStdString());
    CHECK(removed.exitCode == 0);
    CHECK(removed.output().contains(str("Removed llama3.2:3b")));
    REQUIRE(models.models().size() == 1);
    CHECK(models.models().first().name == str("qwen2.5-coder:7b"));

    const CliResult unknown =
        home.run({str("models"), str("rm"), str("llama3.2:3b"), str("--ollama"), ollama.baseUrl()});
    INFO(unknown.output().toStdString() << unknown.errors().toStdString());
    CHECK(unknown.exitCode == 1);
    CHECK(unknown.errors().contains(str("not found")));

    const CliResult usage = home.run({str("models"), str("rm"), str("--ollama"), ollama.baseUrl()});
    CHECK(usage.exitCode == 2);
    CHECK(usage.errors().contains(str("usage")));
}

// ---- claude -------------------------------------------------------------------------------

TEST_CASE("claude connect in a fresh HOME points Claude Code at the gateway with its token", "[cli][claude]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const QString token = home.token();
    REQUIRE(token.startsWith(str("sb-")));

    const CliResult result = home.run({str("claude"), str("connect"), str("--port"), str("4123")});
    INFO(result.output().toStdString() << result.errors().toStdString());
    REQUIRE(result.exitCode == 0);
    CHECK(result.output().contains(str("http://127.0.0.1:4123")));

    const QJsonObject settings = SwitchboardHome::readJsonObject(home.settingsFile());
    const QJsonObject env = settings.value(str("env")).toObject();
    CHECK(env.value(str("ANTHROPIC_BASE_URL")).toString() == str("http://127.0.0.1:4123"));
    CHECK(env.value(str("ANTHROPIC_AUTH_TOKEN")).toString() == token);
    CHECK_FALSE(env.contains(str("ANTHROPIC_API_KEY")));
    CHECK(env.value(str("CLAUDE_CODE_ATTRIBUTION_HEADER")).toString() == str("0"));
    CHECK(SwitchboardHome::readJsonObject(home.globalStateFile()).value(str("hasCompletedOnboarding")) ==
          QJsonValue(true));
    // The token is a secret: the settings file is not readable by others.
    CHECK_FALSE(QFileInfo(home.settingsFile()).permission(QFileDevice::ReadOther));

    SECTION("a base URL ending in /v1 is written without it")
    {
        const CliResult again =
            home.run({str("claude"), str("connect"), str("--base-url"), str("http://127.0.0.1:4123/v1/")});
        CHECK(again.exitCode == 0);
        const QJsonObject env2 = SwitchboardHome::readJsonObject(home.settingsFile()).value(str("env")).toObject();
        CHECK(env2.value(str("ANTHROPIC_BASE_URL")).toString() == str("http://127.0.0.1:4123"));
    }
    SECTION("disconnect removes what connect created")
    {
        const CliResult undone = home.run({str("claude"), str("disconnect")});
        INFO(undone.output().toStdString() << undone.errors().toStdString());
        CHECK(undone.exitCode == 0);
        CHECK_FALSE(QFileInfo::exists(home.settingsFile()));
        CHECK_FALSE(SwitchboardHome::readJsonObject(home.globalStateFile()).contains(str("hasCompletedOnboarding")));
    }
}

TEST_CASE("claude connect keeps every foreign key and disconnect restores the original", "[cli][claude]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    REQUIRE(home.writeFile(home.settingsFile(), kUserSettings));
    REQUIRE(home.writeFile(home.globalStateFile(), kUserState));
    const QJsonObject original = SwitchboardHome::readJsonObject(home.settingsFile());
    const QJsonObject originalState = SwitchboardHome::readJsonObject(home.globalStateFile());
    REQUIRE_FALSE(original.isEmpty());
    const QString token = home.token();
    REQUIRE_FALSE(token.isEmpty());

    const CliResult result = home.run({str("claude"), str("connect"), str("--port"), str("4123")});
    INFO(result.output().toStdString() << result.errors().toStdString());
    REQUIRE(result.exitCode == 0);
    CHECK(result.output().contains(str("Backup: ")));

    const QJsonObject connected = SwitchboardHome::readJsonObject(home.settingsFile());
    for (const QString &key : original.keys()) {
        if (key == str("env"))
            continue;
        INFO(key.toStdString());
        CHECK(connected.value(key) == original.value(key));
    }
    const QJsonObject env = connected.value(str("env")).toObject();
    CHECK(env.value(str("FOO")).toString() == str("bar"));
    CHECK(env.value(str("ANTHROPIC_BASE_URL")).toString() == str("http://127.0.0.1:4123"));
    CHECK(env.value(str("ANTHROPIC_AUTH_TOKEN")).toString() == token);
    CHECK_FALSE(env.contains(str("ANTHROPIC_API_KEY"))); // it would conflict with the token
    const QJsonObject state = SwitchboardHome::readJsonObject(home.globalStateFile());
    CHECK(state.value(str("hasCompletedOnboarding")) == QJsonValue(true));
    CHECK(state.value(str("numStartups")).toInt() == 7);
    CHECK(state.value(str("projects")) == originalState.value(str("projects")));

    const CliResult undone = home.run({str("claude"), str("disconnect")});
    INFO(undone.output().toStdString() << undone.errors().toStdString());
    CHECK(undone.exitCode == 0);
    CHECK(SwitchboardHome::readJsonObject(home.settingsFile()) == original);
    CHECK(SwitchboardHome::readJsonObject(home.globalStateFile()) == originalState);
}

TEST_CASE("claude connect refuses a settings file that is not JSON and leaves it untouched", "[cli][claude]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const QByteArray broken = "{\n  \"permissions\": {\"allow\": []},\n  \"env\": {\"FOO\": \"bar\",,}\n}\n";
    REQUIRE(home.writeFile(home.settingsFile(), broken));

    const CliResult result = home.run({str("claude"), str("connect"), str("--port"), str("4123")});
    INFO(result.output().toStdString() << result.errors().toStdString());
    CHECK(result.exitCode == 1);
    CHECK(result.errors().contains(home.settingsFile()));
    CHECK(result.errors().contains(str("line 3, column ")));
    CHECK(SwitchboardHome::readFile(home.settingsFile()) == broken);
    CHECK_FALSE(QFileInfo::exists(home.globalStateFile()));
}

TEST_CASE("claude status says whether Claude Code uses this gateway", "[cli][claude]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    REQUIRE(home.installFakeClaude());

    const CliResult before = home.run({str("claude"), str("status"), str("--port"), str("4123")});
    INFO(before.output().toStdString() << before.errors().toStdString());
    CHECK(before.exitCode == 1);
    CHECK(before.output().contains(str("Not connected to the gateway at http://127.0.0.1:4123")));
    CHECK(before.output().contains(str("switchboard claude connect")));
    CHECK(before.output().contains(str("2.1.332")));

    REQUIRE(home.run({str("claude"), str("connect"), str("--port"), str("4123")}).exitCode == 0);
    const CliResult after = home.run({str("claude"), str("status"), str("--port"), str("4123")});
    INFO(after.output().toStdString() << after.errors().toStdString());
    CHECK(after.exitCode == 0);
    CHECK(after.output().contains(str("Connected to the gateway at http://127.0.0.1:4123")));
    CHECK(after.output().contains(str("Onboarding done: yes")));

    const CliResult json = home.run({str("claude"), str("status"), str("--json"), str("--port"), str("4123")});
    CHECK(json.exitCode == 0);
    CHECK(QJsonDocument::fromJson(json.out).object().value(str("connected")) == QJsonValue(true));

    // Another gateway is not this one.
    const CliResult other = home.run({str("claude"), str("status"), str("--port"), str("4999")});
    CHECK(other.exitCode == 1);
    CHECK(other.output().contains(str("Not connected")));
}

// ---- doctor -------------------------------------------------------------------------------

TEST_CASE("doctor passes when the gateway, Ollama, the models and Claude Code are all set up", "[cli][doctor]")
{
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    models.setModels({model(str("qwen2.5-coder:7b"), 32768), model(str("qwen2.5-coder:1.5b"), 131072)});
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    REQUIRE(home.installFakeClaude());
    const QString config = home.writeConfig(configFor(ollama));
    REQUIRE_FALSE(config.isEmpty());

    HeadlessGateway gateway(home, {str("--config"), config, str("--port"), str("0")});
    const quint16 port = gateway.waitForPort();
    INFO(gateway.log().toStdString());
    REQUIRE(port > 0);
    const QStringList where{str("--config"), config, str("--port"), QString::number(port)};
    const CliResult connect = home.run(QStringList{str("claude"), str("connect")} + where);
    INFO(connect.output().toStdString() << connect.errors().toStdString());
    REQUIRE(connect.exitCode == 0);

    const CliResult doctor = home.run(QStringList{str("doctor")} + where);
    INFO(doctor.output().toStdString() << doctor.errors().toStdString());
    REQUIRE(doctor.finished);
    CHECK(doctor.exitCode == 0);
    CHECK(doctor.output().contains(str("[ ok ] gateway answers at http://127.0.0.1:%1").arg(port)));
    CHECK(doctor.output().contains(str("[ ok ] Ollama reachable at ")));
    CHECK(doctor.output().contains(str("[ ok ] model qwen2.5-coder:7b supports tools")));
    CHECK(doctor.output().contains(str("[ ok ] model qwen2.5-coder:1.5b gets a context of at least 32K")));
    CHECK(doctor.output().contains(str("[ ok ] Claude Code points at the gateway")));
    CHECK_FALSE(doctor.output().contains(str("[FAIL]")));
    CHECK(doctor.output().contains(str("All checks passed.")));

    const CliResult json = home.run(QStringList{str("doctor"), str("--json")} + where);
    INFO(json.output().toStdString());
    CHECK(json.exitCode == 0);
    const QJsonObject report = QJsonDocument::fromJson(json.out).object();
    CHECK(report.value(str("ok")) == QJsonValue(true));
    CHECK(report.value(str("checks")).toArray().size() >= 8);
}

TEST_CASE("doctor exits 1 and names each failure with its fix", "[cli][doctor]")
{
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    REQUIRE(home.installFakeClaude());

    SECTION("one failure among passing checks: the small model cannot call tools")
    {
        models.setModels({model(str("qwen2.5-coder:7b")), model(str("qwen2.5-coder:1.5b"), 32768, false)});
        const QString config = home.writeConfig(configFor(ollama));
        HeadlessGateway gateway(home, {str("--config"), config, str("--port"), str("0")});
        const quint16 port = gateway.waitForPort();
        INFO(gateway.log().toStdString());
        REQUIRE(port > 0);
        const QStringList where{str("--config"), config, str("--port"), QString::number(port)};
        REQUIRE(home.run(QStringList{str("claude"), str("connect")} + where).exitCode == 0);

        const CliResult doctor = home.run(QStringList{str("doctor")} + where);
        INFO(doctor.output().toStdString() << doctor.errors().toStdString());
        CHECK(doctor.exitCode == 1);
        CHECK(doctor.output().count(str("[FAIL]")) == 1);
        CHECK(doctor.output().contains(str("[FAIL] model qwen2.5-coder:1.5b supports tools")));
        CHECK(doctor.output().contains(str("fix: map Claude Code to a tool-capable model")));
        CHECK(doctor.output().contains(str("[ ok ] model qwen2.5-coder:7b supports tools")));
        CHECK(doctor.output().contains(str("Some checks failed.")));
    }
    SECTION("nothing running, a model missing, a small context, Claude Code not connected")
    {
        models.setModels({model(str("qwen2.5-coder:7b"))});
        const QString config = home.writeConfig(configFor(ollama, str(", num_ctx: 8192")));
        const QStringList where{str("--config"), config, str("--port"), QString::number(closedPort())};

        const CliResult doctor = home.run(QStringList{str("doctor")} + where);
        INFO(doctor.output().toStdString() << doctor.errors().toStdString());
        CHECK(doctor.exitCode == 1);
        CHECK(doctor.output().contains(str("[FAIL] gateway answers")));
        CHECK(doctor.output().contains(str("fix: start the gateway")));
        CHECK(doctor.output().contains(str("[FAIL] model qwen2.5-coder:1.5b (for claude-*haiku*) is installed")));
        CHECK(doctor.output().contains(str("fix: run `switchboard models pull qwen2.5-coder:1.5b`")));
        CHECK(doctor.output().contains(str("[ ok ] model qwen2.5-coder:7b (for claude-*) is installed")));
        CHECK(doctor.output().contains(
            str("[FAIL] model qwen2.5-coder:7b gets a context of at least 32K — 8192 tokens")));
        CHECK(doctor.output().contains(str("fix: set num_ctx: 32768 (or more) in its litellm_params in ") + config));
        CHECK(doctor.output().contains(str("[FAIL] Claude Code points at the gateway")));
        CHECK(doctor.output().contains(str("run `switchboard claude connect`")));

        const CliResult json = home.run(QStringList{str("doctor"), str("--json")} + where);
        CHECK(json.exitCode == 1);
        CHECK(QJsonDocument::fromJson(json.out).object().value(str("ok")) == QJsonValue(false));
    }
    SECTION("Ollama not running")
    {
        const QString config =
            home.writeConfig(QStringLiteral("model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: "
                                            "ollama/qwen2.5-coder:7b, api_base: 'http://127.0.0.1:%1'}\n")
                                 .arg(closedPort())
                                 .toUtf8());
        const CliResult doctor = home.run({str("doctor"), str("--config"), config});
        INFO(doctor.output().toStdString() << doctor.errors().toStdString());
        CHECK(doctor.exitCode == 1);
        CHECK(doctor.output().contains(str("[FAIL] Ollama reachable at ")));
        CHECK(doctor.output().contains(str("fix: start Ollama")));
    }
}

TEST_CASE("claude verify --http sends a real request through the gateway and explains a failure", "[cli][claude]")
{
    FakeOllama ollama;
    ollama.setTurn(FakeTurn::withText(str("pong")));
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const QString config = home.writeConfig(configFor(ollama));
    REQUIRE_FALSE(config.isEmpty());

    SECTION("a running gateway answers")
    {
        HeadlessGateway gateway(home, {str("--config"), config, str("--port"), str("0")});
        const quint16 port = gateway.waitForPort();
        INFO(gateway.log().toStdString());
        REQUIRE(port > 0);
        const CliResult verify = home.run({str("claude"), str("verify"), str("--http"), str("--config"), config,
                                           str("--port"), QString::number(port)});
        INFO(verify.output().toStdString() << verify.errors().toStdString());
        CHECK(verify.exitCode == 0);
        CHECK(verify.output().contains(str("OK (http)")));
        CHECK(verify.output().contains(str("pong")));
        CHECK(ollama.turnRequests().size() == 1);
    }
    SECTION("nothing listens")
    {
        const CliResult verify = home.run({str("claude"), str("verify"), str("--http"), str("--config"), config,
                                           str("--port"), QString::number(closedPort())});
        INFO(verify.output().toStdString() << verify.errors().toStdString());
        CHECK(verify.exitCode == 1);
        CHECK(verify.errors().contains(str("Failed (http)")));
        CHECK(verify.errors().contains(str("start the gateway")));
        CHECK(ollama.turnRequests().isEmpty());
    }
}
