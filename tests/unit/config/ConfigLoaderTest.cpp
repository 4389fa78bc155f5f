#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace sb;

namespace {

QString fixture(const char *name)
{
    return QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/config/") + QLatin1String(name);
}

const ConfigIssue *findIssue(const ConfigLoadResult &result, const QString &keyPart, ConfigIssue::Severity severity)
{
    for (const ConfigIssue &issue : result.issues) {
        if (issue.severity == severity && issue.key.contains(keyPart))
            return &issue;
    }
    return nullptr;
}

} // namespace

TEST_CASE("the guide's Ollama config loads unchanged, warning about every key without effect")
{
    qputenv("ANTHROPIC_API_KEY", "sk-ant-test");
    const ConfigLoadResult result = ConfigLoader::loadFile(fixture("guide-ollama.yaml"));
    qunsetenv("ANTHROPIC_API_KEY");
    INFO(result.warnings().join(QLatin1Char('\n')).toStdString());
    REQUIRE(result.ok());
    const GatewayConfig &config = result.config;
    REQUIRE(config.deployments.size() == 3);

    const Deployment &sonnet = config.deployments[0];
    CHECK(sonnet.modelName == QStringLiteral("claude-3-5-sonnet-20241022"));
    CHECK(sonnet.provider == Provider::Ollama);
    CHECK(sonnet.upstreamModel == QStringLiteral("qwen2.5:7b"));
    CHECK(sonnet.apiBase == QUrl(QStringLiteral("http://localhost:11434")));
    CHECK(sonnet.contextLength == 32768);
    CHECK(sonnet.line == 2);

    const Deployment &official = config.deployments[2];
    CHECK(official.provider == Provider::Anthropic);
    CHECK(official.upstreamModel == QStringLiteral("claude-3-5-sonnet-20241022"));
    CHECK(official.apiBase == QUrl(QStringLiteral("https://api.anthropic.com")));
    CHECK(official.apiKey == QStringLiteral("sk-ant-test"));

    CHECK(config.masterKey == QStringLiteral("sk-1234"));
    CHECK(config.requestTimeoutSeconds == 600);
    // gpt-4 names the upstream model, not a group: it is followed to the group serving it.
    CHECK(config.groupAliases.value(QStringLiteral("gpt-4")) == QStringLiteral("claude-3-5-sonnet-20241022"));
    CHECK_FALSE(config.groupAliases.contains(QStringLiteral("gpt-3.5-turbo")));

    // Every key that changes nothing here is named, with its line.
    const ConfigIssue *callback =
        findIssue(result, QStringLiteral("litellm_settings.success_callback"), ConfigIssue::Severity::Warning);
    REQUIRE(callback);
    CHECK(callback->line == 16);
    const ConfigIssue *database =
        findIssue(result, QStringLiteral("general_settings.database_url"), ConfigIssue::Severity::Warning);
    REQUIRE(database);
    CHECK(database->line == 27);
    CHECK(findIssue(result, QStringLiteral("litellm_settings.stream"), ConfigIssue::Severity::Warning));
    CHECK(config.cache.enabled);
    CHECK(config.cache.redis);
    CHECK(config.cache.host == QStringLiteral("127.0.0.1"));
    CHECK(config.cache.port == 6379);
    // Routing keys are active now: read, not warned about.
    CHECK_FALSE(findIssue(result, QStringLiteral("router_settings.routing_strategy"), ConfigIssue::Severity::Warning));
    CHECK_FALSE(findIssue(result, QStringLiteral("litellm_settings.num_retries"), ConfigIssue::Severity::Warning));
    CHECK(config.router.routingStrategy == QStringLiteral("least-busy"));
    CHECK(config.router.numRetries == 3);
    CHECK(config.router.globalMaxParallelRequests == 10);
    const ConfigIssue *alias =
        findIssue(result, QStringLiteral("model_group_alias.gpt-3.5-turbo"), ConfigIssue::Severity::Warning);
    REQUIRE(alias);
    CHECK(alias->line == 24);
}

TEST_CASE("a deployment without model_info.id is named by its model and upstream, uniquely")
{
    const ConfigLoadResult loaded = ConfigLoader::loadText(
        "model_list:\n"
        "  - model_name: 'claude-*'\n"
        "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: 'http://127.0.0.1:11434'}\n"
        "  - model_name: main\n"
        "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: 'http://127.0.0.1:11434'}\n"
        "  - model_name: cloud\n"
        "    litellm_params: {model: claude-sonnet-4-5, api_key: k}\n"
        "  - model_name: gpt\n"
        "    litellm_params: {model: gpt-4o, api_key: k}\n"
        "  - model_name: v6\n"
        "    litellm_params: {model: hosted_vllm/qwen, api_base: 'http://[::1]:8000/v1'}\n"
        "  - model_name: named\n"
        "    litellm_params: {model: groq/llama-3.1-8b-instant, api_key: k}\n"
        "    model_info: {id: 'openai/m@h:1'}\n"
        "  - model_name: clash\n"
        "    litellm_params: {model: openai/m, api_base: 'http://h:1/v1'}\n",
        QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    QStringList ids;
    for (const Deployment &deployment : loaded.config.deployments)
        ids.append(deployment.id);
    CHECK(ids == QStringList{QStringLiteral("ollama/qwen2.5-coder:7b@127.0.0.1:11434"),
                             QStringLiteral("ollama/qwen2.5-coder:7b@127.0.0.1:11434#2"),
                             QStringLiteral("anthropic/claude-sonnet-4-5@api.anthropic.com"),
                             QStringLiteral("openai/gpt-4o@api.openai.com"),
                             QStringLiteral("hosted_vllm/qwen@[::1]:8000"), QStringLiteral("openai/m@h:1"),
                             QStringLiteral("openai/m@h:1#2")});
}

TEST_CASE("the guide's vLLM config loads unchanged")
{
    qputenv("LITELLM_MASTER_KEY", "sk-master");
    const ConfigLoadResult result = ConfigLoader::loadFile(fixture("guide-vllm.yaml"));
    qunsetenv("LITELLM_MASTER_KEY");
    REQUIRE(result.ok());
    REQUIRE(result.config.deployments.size() == 2);
    const Deployment &qwen = result.config.deployments[0];
    CHECK(qwen.provider == Provider::OpenAiCompatible);
    CHECK(qwen.upstreamModel == QStringLiteral("Qwen/Qwen2.5-7B-Instruct"));
    CHECK(qwen.apiBase == QUrl(QStringLiteral("http://localhost:8001/v1")));
    CHECK(result.config.masterKey == QStringLiteral("sk-master"));
    CHECK(result.warnings()
              .join(QLatin1Char('\n'))
              .contains(QStringLiteral(
                  "router_settings.routing_strategy: \"cost-based\" is read as LiteLLM's \"cost-based-routing\"")));
    CHECK_FALSE(findIssue(result, QStringLiteral("router_settings.allowed_fails"), ConfigIssue::Severity::Warning));
    CHECK(result.config.router.routingStrategy == QStringLiteral("cost-based-routing"));
    CHECK(result.config.router.allowedFails == 2);
    CHECK(result.config.router.cooldownSeconds == 30);
}

TEST_CASE("an unset environment variable in master_key is a warning, not an error")
{
    qunsetenv("LITELLM_MASTER_KEY");
    const ConfigLoadResult result = ConfigLoader::loadFile(fixture("guide-vllm.yaml"));
    REQUIRE(result.ok());
    CHECK(result.config.masterKey.isEmpty());
    const ConfigIssue *issue =
        findIssue(result, QStringLiteral("general_settings.master_key"), ConfigIssue::Severity::Warning);
    REQUIRE(issue);
    CHECK(issue->message.contains(QStringLiteral("LITELLM_MASTER_KEY")));
}

TEST_CASE("a wrong type is an error with its line and what was expected")
{
    const QByteArray yaml = "model_list:\n"
                            "  - model_name: a\n"
                            "    litellm_params:\n"
                            "      model: ollama/x\n"
                            "      rpm: lots\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("bad.yaml"));
    CHECK_FALSE(result.ok());
    const ConfigIssue *issue =
        findIssue(result, QStringLiteral("model_list[0].litellm_params.rpm"), ConfigIssue::Severity::Error);
    REQUIRE(issue);
    CHECK(issue->line == 5);
    CHECK(issue->message == QStringLiteral("expected an integer"));
    CHECK(issue->toString() ==
          QStringLiteral("bad.yaml:5: error: model_list[0].litellm_params.rpm: expected an integer"));
}

TEST_CASE("structural problems are errors, never crashes")
{
    struct Case
    {
        const char *yaml;
        const char *expected;
    };
    const Case cases[] = {
        {"", "empty"},
        {"[1, 2]", "mapping at the top level"},
        {"model_list: {a: 1}", "expected a list"},
        {"model_list:\n  - model_name: a\n", "litellm_params: field required"},
        {"model_list:\n  - litellm_params: {model: ollama/x}\n", "model_name: field required"},
        {"model_list:\n  - model_name: a\n    litellm_params: {model: bedrock/x}\n",
         "provider \"bedrock\" is not supported"},
        {"model_list:\n  - model_name: a\n    litellm_params: {model: hosted_vllm/x}\n", "needs api_base"},
        {"model_list:\n  - model_name: a\n    litellm_params: {model: ollama/x, api_base: 'ftp://h'}\n",
         "http:// or https://"},
        {"model_list: [\n", "invalid YAML"},
        {"router_settings: {routing_strategy: fastest}\nmodel_list:\n  - model_name: a\n    litellm_params: {model: "
         "ollama/x}\n",
         "unknown strategy \"fastest\""},
        {"model_list: []\n", "at least one model"},
    };
    for (const Case &c : cases) {
        INFO(c.yaml);
        const ConfigLoadResult result = ConfigLoader::loadText(QByteArray(c.yaml), QStringLiteral("t.yaml"));
        CHECK_FALSE(result.ok());
        CHECK(result.errors().join(QLatin1Char('\n')).contains(QLatin1String(c.expected)));
    }
}

TEST_CASE("unknown keys are warnings naming the key")
{
    const QByteArray yaml = "model_list:\n"
                            "  - model_name: a\n"
                            "    litellm_params: {model: ollama/x, colour: blue}\n"
                            "frobnicate: true\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    REQUIRE(result.ok());
    const ConfigIssue *colour =
        findIssue(result, QStringLiteral("model_list[0].litellm_params.colour"), ConfigIssue::Severity::Warning);
    REQUIRE(colour);
    CHECK(colour->message == QStringLiteral("unknown key, ignored"));
    const ConfigIssue *top = findIssue(result, QStringLiteral("frobnicate"), ConfigIssue::Severity::Warning);
    REQUIRE(top);
    CHECK(top->line == 4);
}

TEST_CASE("provider defaults, /v1 normalisation and Switchboard's own settings")
{
    const QByteArray yaml = "model_list:\n"
                            "  - model_name: local\n"
                            "    litellm_params: {model: ollama_chat/llama3.1:8b, api_base: "
                            "'http://127.0.0.1:11434/v1/', num_ctx: 65536, keep_alive: 30m}\n"
                            "  - model_name: studio\n"
                            "    litellm_params: {model: lm_studio/qwen}\n"
                            "    model_info: {max_output_tokens: 4096}\n"
                            "  - model_name: claude\n"
                            "    litellm_params: {model: claude-sonnet-4-5, api_base: 'http://127.0.0.1:9/v1'}\n"
                            "switchboard: {host: 127.0.0.1, port: 4100, max_body_mb: 2, ping_interval_seconds: 0.5}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    REQUIRE(result.ok());
    const auto &d = result.config.deployments;
    REQUIRE(d.size() == 3);
    CHECK(d[0].provider == Provider::Ollama);
    CHECK(d[0].apiBase == QUrl(QStringLiteral("http://127.0.0.1:11434")));
    CHECK(d[0].contextLength == 65536);
    CHECK(d[0].keepAlive == QStringLiteral("30m"));
    CHECK(d[1].provider == Provider::OpenAiCompatible);
    CHECK(d[1].apiBase == QUrl(QStringLiteral("http://localhost:1234/v1")));
    CHECK(d[1].maxOutputTokens == 4096);
    CHECK(d[2].provider == Provider::Anthropic);
    CHECK(d[2].apiBase == QUrl(QStringLiteral("http://127.0.0.1:9")));
    CHECK(findIssue(result, QStringLiteral("model_list[0].litellm_params.api_base"), ConfigIssue::Severity::Warning));
    CHECK(result.config.port == 4100);
    CHECK(result.config.maxBodyBytes == 2 * 1024 * 1024);
    CHECK(result.config.pingIntervalMs == 500);
}

TEST_CASE("a small Ollama context is flagged for Claude Code")
{
    const QByteArray yaml = "model_list:\n  - model_name: a\n    litellm_params: {model: ollama/x, num_ctx: 4096}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    REQUIRE(result.ok());
    const ConfigIssue *issue = findIssue(result, QStringLiteral("num_ctx"), ConfigIssue::Severity::Warning);
    REQUIRE(issue);
    CHECK(issue->message.contains(QStringLiteral("too small")));
}

TEST_CASE("secret references resolve from the environment and the secret store")
{
    qputenv("SB_TEST_KEY", "from-env");
    const QByteArray yaml =
        "model_list:\n"
        "  - model_name: a\n"
        "    litellm_params: {model: openai/x, api_base: 'http://h/v1', api_key: os.environ/SB_TEST_KEY}\n"
        "  - model_name: b\n"
        "    litellm_params: {model: openai/x, api_base: 'http://h/v1', api_key: keychain/openai}\n"
        "  - model_name: c\n"
        "    litellm_params: {model: openai/x, api_base: 'http://h/v1', api_key: 'Bearer-${SB_TEST_KEY}'}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"), [](const QString &name) {
        return name == QStringLiteral("openai") ? std::optional<QString>(QStringLiteral("from-keychain"))
                                                : std::nullopt;
    });
    qunsetenv("SB_TEST_KEY");
    REQUIRE(result.ok());
    CHECK(result.config.deployments[0].apiKey == QStringLiteral("from-env"));
    CHECK(result.config.deployments[1].apiKey == QStringLiteral("from-keychain"));
    CHECK(result.config.deployments[2].apiKey == QStringLiteral("Bearer-from-env"));
}

TEST_CASE("the first-run default config maps Claude's names to local models")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/config.yaml"));
    REQUIRE(ConfigLoader::ensureDefaultConfig(path).hasValue());
    const ConfigLoadResult result = ConfigLoader::loadFile(path);
    REQUIRE(result.ok());
    CHECK(result.warnings().isEmpty());
    REQUIRE(result.config.deployments.size() == 2);
    CHECK(result.config.deployments[0].model == QStringLiteral("ollama/qwen2.5-coder:1.5b"));
    CHECK(result.config.deployments[1].model == QStringLiteral("ollama/qwen2.5-coder:7b"));
    CHECK(result.config.deployments[1].apiBase == QUrl(QStringLiteral("http://127.0.0.1:11434")));
    CHECK(result.config.port == 4000);

    // An existing file is never overwritten.
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("model_list: []\n");
    file.close();
    REQUIRE(ConfigLoader::ensureDefaultConfig(path).hasValue());
    QFile again(path);
    REQUIRE(again.open(QIODevice::ReadOnly));
    CHECK(again.readAll() == QByteArray("model_list: []\n"));
}

TEST_CASE("the first-run config that cannot be written says where and why")
{
    QTemporaryDir dir;
    // A file stands where the config's folder would be made.
    QFile blocker(dir.filePath(QStringLiteral("switchboard")));
    REQUIRE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString path = dir.filePath(QStringLiteral("switchboard/config.yaml"));
    const Expected<void, QString> written = ConfigLoader::ensureDefaultConfig(path);
    REQUIRE_FALSE(written.hasValue());
    CHECK(written.error() == QStringLiteral("cannot create %1").arg(dir.filePath(QStringLiteral("switchboard"))));
    CHECK_FALSE(QFileInfo::exists(path));
}

TEST_CASE("a deployment's context is known where configured; Ollama gets 32768 unless num_ctx says otherwise")
{
    const QByteArray yaml =
        "model_list:\n"
        "  - model_name: a\n    litellm_params: {model: ollama/q}\n"
        "  - model_name: b\n    litellm_params: {model: anthropic/claude-sonnet-4-5}\n"
        "  - model_name: c\n    litellm_params: {model: openai/m, api_base: 'http://127.0.0.1:8000/v1'}\n"
        "  - model_name: d\n    litellm_params: {model: openai/m, api_base: 'http://127.0.0.1:8000/v1'}\n"
        "    model_info: {max_input_tokens: 131072}\n"
        "  - model_name: e\n    litellm_params: {model: ollama/q, num_ctx: 65536}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    REQUIRE(result.ok());
    const auto &d = result.config.deployments;
    REQUIRE(d.size() == 5);
    CHECK(d[0].contextLength == 32768);
    CHECK(d[1].contextLength == 0); // Anthropic enforces its own and says so
    CHECK(d[2].contextLength == 0);
    CHECK(d[3].contextLength == 131072);
    CHECK(d[4].contextLength == 65536);

    const ConfigLoadResult zero =
        ConfigLoader::loadText("model_list:\n  - model_name: a\n"
                               "    litellm_params: {model: openai/m, api_base: 'http://h/v1', num_ctx: 0}\n",
                               QStringLiteral("t.yaml"));
    CHECK_FALSE(zero.ok());
}

TEST_CASE("max_body_mb is bounded: a huge value is an error, not an overflow that refuses every request")
{
    const auto load = [](const char *value) {
        return ConfigLoader::loadText(
            QByteArray("model_list:\n  - model_name: a\n    litellm_params: {model: ollama/q}\n"
                       "switchboard: {max_body_mb: ") +
                value + "}\n",
            QStringLiteral("t.yaml"));
    };
    const ConfigLoadResult huge = load("8.8e12");
    CHECK_FALSE(huge.ok());
    CHECK(huge.errors().join(QLatin1Char('\n')).contains(QStringLiteral("at most 4096")));
    CHECK_FALSE(load("0").ok());
    CHECK_FALSE(load("-1").ok());
    const ConfigLoadResult most = load("4096");
    REQUIRE(most.ok());
    CHECK(most.config.maxBodyBytes == qint64(4096) * 1024 * 1024);
}
