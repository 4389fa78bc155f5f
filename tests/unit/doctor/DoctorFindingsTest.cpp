// The doctor's judgement without a network: probe results in, checks out.
#include "DoctorTestSupport.h"

#include "config/ConfigLoader.h"
#include "doctor/DoctorFindings.h"

#include <QDir>

using namespace sb;
using namespace sb::test;

namespace {

OllamaModel installed(const QString &name)
{
    OllamaModel m;
    m.name = name;
    return m;
}

OllamaModelDetails details(int contextLength, const QStringList &capabilities)
{
    OllamaModelDetails d;
    d.contextLength = contextLength;
    d.capabilities = capabilities;
    return d;
}

ClaudeCodeStatus connectedClaude()
{
    ClaudeCodeStatus status;
    status.userSettingsPointAtGateway = true;
    status.tokenMatches = true;
    status.effectiveBaseUrl = QStringLiteral("http://127.0.0.1:4000");
    return status;
}

// A machine where everything works: the gateway answers, Ollama has both models with tools.
DoctorProbes healthyProbes()
{
    DoctorProbes probes;
    probes.gateway.httpStatus = 200;
    probes.ollama.version = QStringLiteral("0.12.6");
    probes.ollama.installed = {installed(QStringLiteral("qwen2.5-coder:7b")),
                               installed(QStringLiteral("qwen2.5-coder:1.5b"))};
    const QStringList tools{QStringLiteral("completion"), QStringLiteral("tools")};
    probes.ollama.details.insert(QStringLiteral("qwen2.5-coder:7b"), details(32768, tools));
    probes.ollama.details.insert(QStringLiteral("qwen2.5-coder:1.5b"), details(131072, tools));
    probes.claudeCode = connectedClaude();
    return probes;
}

std::vector<Deployment> claudeOnTwoModels()
{
    return {ollamaDeployment(QStringLiteral("claude-*haiku*"), QStringLiteral("qwen2.5-coder:1.5b")),
            ollamaDeployment(QStringLiteral("claude-*"), QStringLiteral("qwen2.5-coder:7b"))};
}

} // namespace

TEST_CASE("a healthy machine passes every check, in the order a user fixes them", "[doctor]")
{
    const QList<DoctorCheck> checks = DoctorFindings::checks(doctorInputs(claudeOnTwoModels()), healthyProbes());
    CHECK(checkIds(checks) ==
          QStringList{
              QStringLiteral("gateway"), QStringLiteral("ollama"), QStringLiteral("model-installed:qwen2.5-coder:1.5b"),
              QStringLiteral("model-tools:qwen2.5-coder:1.5b"), QStringLiteral("model-context:qwen2.5-coder:1.5b"),
              QStringLiteral("model-installed:qwen2.5-coder:7b"), QStringLiteral("model-tools:qwen2.5-coder:7b"),
              QStringLiteral("model-context:qwen2.5-coder:7b"), QStringLiteral("claude-code")});
    for (const DoctorCheck &check : checks) {
        INFO(check.id.toStdString());
        CHECK(check.status == DoctorCheck::Status::Ok);
    }
    CHECK(doctorPassed(checks));
    CHECK(checks.at(0).title == QStringLiteral("gateway answers at http://127.0.0.1:4000"));
    CHECK(checks.at(0).detail == QStringLiteral("HTTP 200"));
    CHECK(checks.at(1).title == QStringLiteral("Ollama reachable at http://127.0.0.1:11434"));
    CHECK(checks.at(1).detail == QStringLiteral("version 0.12.6"));
    CHECK(checks.at(2).title == QStringLiteral("model qwen2.5-coder:1.5b (for claude-*haiku*) is installed"));
    CHECK(checks.at(3).detail == QStringLiteral("completion, tools"));
    CHECK(checks.at(4).detail == QStringLiteral("32768 tokens (configured 32768, model maximum 131072)"));
}

TEST_CASE("the gateway check tells a refused token from a gateway that is not running", "[doctor]")
{
    const DoctorInputs inputs = doctorInputs({});
    DoctorProbes probes = healthyProbes();

    SECTION("401: another user's or HOME's gateway")
    {
        probes.gateway.httpStatus = 401;
        const DoctorCheck *gateway = findCheck(DoctorFindings::checks(inputs, probes), QStringLiteral("gateway"));
        REQUIRE(gateway);
        CHECK(gateway->status == DoctorCheck::Status::Failure);
        CHECK(gateway->detail == QStringLiteral("it refuses Switchboard's own token (HTTP 401)"));
        CHECK(gateway->fix.endsWith(QStringLiteral("this user's is in /home/u/.config/switchboard")));
    }
    SECTION("no HTTP answer: the network error, and how to start it")
    {
        probes.gateway.httpStatus = 0;
        probes.gateway.error = QStringLiteral("Connection refused");
        const QList<DoctorCheck> checks = DoctorFindings::checks(inputs, probes);
        const DoctorCheck *gateway = findCheck(checks, QStringLiteral("gateway"));
        REQUIRE(gateway);
        CHECK(gateway->status == DoctorCheck::Status::Failure);
        CHECK(gateway->detail == QStringLiteral("Connection refused"));
        CHECK(gateway->fix.startsWith(QStringLiteral("start the gateway")));
        CHECK_FALSE(doctorPassed(checks));
    }
    SECTION("any other HTTP status means something answers")
    {
        probes.gateway.httpStatus = 404;
        const DoctorCheck *gateway = findCheck(DoctorFindings::checks(inputs, probes), QStringLiteral("gateway"));
        REQUIRE(gateway);
        CHECK(gateway->ok());
        CHECK(gateway->detail == QStringLiteral("HTTP 404"));
    }
}

TEST_CASE("config errors come first, and without a config no model is checked", "[doctor]")
{
    DoctorInputs inputs = doctorInputs({});
    inputs.config.reset();
    inputs.configErrors = {QStringLiteral("c.yaml:3: error: a"), QStringLiteral("c.yaml:4: error: b")};
    const QList<DoctorCheck> checks = DoctorFindings::checks(inputs, healthyProbes());
    CHECK(checkIds(checks) == QStringList{QStringLiteral("config"), QStringLiteral("gateway"), QStringLiteral("ollama"),
                                          QStringLiteral("claude-code")});
    CHECK(checks.at(0).status == DoctorCheck::Status::Failure);
    CHECK(checks.at(0).title == QStringLiteral("config /home/u/.config/switchboard/config.yaml"));
    CHECK(checks.at(0).detail == QStringLiteral("c.yaml:3: error: a; c.yaml:4: error: b"));
    CHECK_FALSE(DoctorFindings::checksModels(inputs, healthyProbes().ollama));
    CHECK(DoctorFindings::modelsToInspect(inputs, healthyProbes().ollama.installed).isEmpty());
}

TEST_CASE("an unreachable Ollama fails once, with its words, and skips the model checks", "[doctor]")
{
    const DoctorInputs inputs = doctorInputs(claudeOnTwoModels());
    DoctorProbes probes = healthyProbes();
    probes.ollama.error = QStringLiteral("Ollama at http://127.0.0.1:11434 refused the connection");
    CHECK_FALSE(DoctorFindings::checksModels(inputs, probes.ollama));
    const QList<DoctorCheck> checks = DoctorFindings::checks(inputs, probes);
    CHECK(checkIds(checks) ==
          QStringList{QStringLiteral("gateway"), QStringLiteral("ollama"), QStringLiteral("claude-code")});
    CHECK(checks.at(1).status == DoctorCheck::Status::Failure);
    CHECK(checks.at(1).detail == probes.ollama.error);
    CHECK(checks.at(1).fix.startsWith(QStringLiteral("start Ollama (`ollama serve`)")));
}

TEST_CASE("each configured model is checked once: installed, then tools and context", "[doctor]")
{
    std::vector<Deployment> deployments = claudeOnTwoModels();
    // A second name for the same model, an untagged model and a cloud deployment.
    deployments.push_back(ollamaDeployment(QStringLiteral("coder"), QStringLiteral("qwen2.5-coder:7b")));
    deployments.push_back(ollamaDeployment(QStringLiteral("llama"), QStringLiteral("llama3.2"), 8192));
    Deployment cloud;
    cloud.modelName = QStringLiteral("gpt-4o");
    cloud.provider = Provider::OpenAiCompatible;
    cloud.upstreamModel = QStringLiteral("gpt-4o");
    deployments.push_back(cloud);
    const DoctorInputs inputs = doctorInputs(deployments);

    DoctorProbes probes = healthyProbes();
    probes.ollama.installed = {installed(QStringLiteral("qwen2.5-coder:7b")),
                               installed(QStringLiteral("llama3.2:latest"))};
    probes.ollama.details.insert(QStringLiteral("llama3.2"), details(131072, {QStringLiteral("completion")}));

    // Only installed Ollama models need their details, each once; "llama3.2" is "llama3.2:latest".
    CHECK(DoctorFindings::modelsToInspect(inputs, probes.ollama.installed) ==
          QStringList{QStringLiteral("qwen2.5-coder:7b"), QStringLiteral("llama3.2")});

    const QList<DoctorCheck> checks = DoctorFindings::checks(inputs, probes);
    CHECK(checkIds(checks) ==
          QStringList{QStringLiteral("gateway"), QStringLiteral("ollama"),
                      QStringLiteral("model-installed:qwen2.5-coder:1.5b"),
                      QStringLiteral("model-installed:qwen2.5-coder:7b"),
                      QStringLiteral("model-tools:qwen2.5-coder:7b"), QStringLiteral("model-context:qwen2.5-coder:7b"),
                      QStringLiteral("model-installed:llama3.2"), QStringLiteral("model-tools:llama3.2"),
                      QStringLiteral("model-context:llama3.2"), QStringLiteral("claude-code")});

    const DoctorCheck *missing = findCheck(checks, QStringLiteral("model-installed:qwen2.5-coder:1.5b"));
    REQUIRE(missing);
    CHECK(missing->status == DoctorCheck::Status::Failure);
    CHECK(missing->fix == QStringLiteral("run `switchboard models pull qwen2.5-coder:1.5b`"));

    const DoctorCheck *tools = findCheck(checks, QStringLiteral("model-tools:llama3.2"));
    REQUIRE(tools);
    CHECK(tools->status == DoctorCheck::Status::Failure);
    CHECK(tools->detail == QStringLiteral("completion"));
    CHECK(tools->fix.startsWith(QStringLiteral("map Claude Code to a tool-capable model")));

    // The smaller of the configured context and the model's maximum is what the model gets.
    const DoctorCheck *context = findCheck(checks, QStringLiteral("model-context:llama3.2"));
    REQUIRE(context);
    CHECK(context->status == DoctorCheck::Status::Failure);
    CHECK(context->detail == QStringLiteral("8192 tokens (configured 8192, model maximum 131072)"));
    CHECK(context->fix == QStringLiteral("set num_ctx: 32768 (or more) in its litellm_params in "
                                         "/home/u/.config/switchboard/config.yaml, or choose a model trained for it"));
}

TEST_CASE("a model's trained maximum caps a larger configured context", "[doctor]")
{
    const DoctorInputs inputs =
        doctorInputs({ollamaDeployment(QStringLiteral("claude-*"), QStringLiteral("small:1b"), 65536)});
    DoctorProbes probes = healthyProbes();
    probes.ollama.installed = {installed(QStringLiteral("small:1b"))};
    probes.ollama.details.insert(QStringLiteral("small:1b"), details(16384, {QStringLiteral("tools")}));
    const DoctorCheck *context =
        findCheck(DoctorFindings::checks(inputs, probes), QStringLiteral("model-context:small:1b"));
    REQUIRE(context);
    CHECK(context->status == DoctorCheck::Status::Failure);
    CHECK(context->detail == QStringLiteral("16384 tokens (configured 65536, model maximum 16384)"));

    SECTION("without details (its /api/show failed) the configured context counts, and tools are unknown")
    {
        probes.ollama.details.clear();
        const QList<DoctorCheck> checks = DoctorFindings::checks(inputs, probes);
        const DoctorCheck *unknown = findCheck(checks, QStringLiteral("model-context:small:1b"));
        REQUIRE(unknown);
        CHECK(unknown->ok());
        CHECK(unknown->detail == QStringLiteral("65536 tokens (configured 65536, model maximum 0)"));
        const DoctorCheck *tools = findCheck(checks, QStringLiteral("model-tools:small:1b"));
        REQUIRE(tools);
        CHECK(tools->status == DoctorCheck::Status::Failure);
    }
}

TEST_CASE("Claude Code's check carries the connector's problems as the fix", "[doctor]")
{
    DoctorProbes probes = healthyProbes();
    probes.claudeCode = ClaudeCodeStatus{};
    probes.claudeCode.effectiveBaseUrl = QStringLiteral("https://other.example");
    probes.claudeCode.problems = {QStringLiteral("one: do a"), QStringLiteral("two: do b")};
    const DoctorCheck *claude =
        findCheck(DoctorFindings::checks(doctorInputs({}), probes), QStringLiteral("claude-code"));
    REQUIRE(claude);
    CHECK(claude->status == DoctorCheck::Status::Failure);
    CHECK(claude->title == QStringLiteral("Claude Code points at the gateway with a working token"));
    CHECK(claude->detail == QStringLiteral("https://other.example"));
    CHECK(claude->fix == QStringLiteral("one: do a; two: do b"));
}

TEST_CASE("the Ollama address: the config's first Ollama deployment, else OLLAMA_HOST, else the default", "[doctor]")
{
    GatewayConfig config;
    Deployment cloud;
    cloud.provider = Provider::OpenAiCompatible;
    cloud.apiBase = QUrl(QStringLiteral("https://api.openai.com/v1"));
    config.deployments = {
        cloud, ollamaDeployment(QStringLiteral("a"), QStringLiteral("m"), 0, QStringLiteral("http://gpu-box:11434"))};
    CHECK(DoctorInputs::ollamaUrlFor(&config, QStringLiteral("http://ignored:1")) ==
          QUrl(QStringLiteral("http://gpu-box:11434")));

    config.deployments = {cloud};
    CHECK(DoctorInputs::ollamaUrlFor(&config, QStringLiteral("10.0.0.5:11434")) ==
          QUrl(QStringLiteral("http://10.0.0.5:11434")));
    CHECK(DoctorInputs::ollamaUrlFor(nullptr, QStringLiteral("https://ollama.example")) ==
          QUrl(QStringLiteral("https://ollama.example")));
    CHECK(DoctorInputs::ollamaUrlFor(nullptr, QString()) == QUrl(QStringLiteral("http://127.0.0.1:11434")));
}

TEST_CASE("the GUI's inputs come from the config it serves, its address and its token", "[doctor]")
{
    const ConfigLoadResult loaded = ConfigLoader::loadText(
        "model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: ollama/m:7b, api_base: "
        "'http://gpu-box:11434'}\n",
        QStringLiteral("/tmp/c.yaml"));
    REQUIRE(loaded.ok());
    const DoctorInputs inputs = DoctorInputs::forGateway(
        QStringLiteral("/tmp/c.yaml"), loaded, QStringLiteral("http://127.0.0.1:4123"), QStringLiteral("sb-x"));
    CHECK(inputs.configPath == QStringLiteral("/tmp/c.yaml"));
    REQUIRE(inputs.config.has_value());
    REQUIRE(inputs.config->deployments.size() == 1);
    CHECK(inputs.configErrors.isEmpty());
    CHECK(inputs.gatewayUrl == QStringLiteral("http://127.0.0.1:4123"));
    CHECK(inputs.gatewayToken == QStringLiteral("sb-x"));
    CHECK(inputs.ollamaUrl == QUrl(QStringLiteral("http://gpu-box:11434")));
    CHECK(inputs.claudePaths.projectDir == QDir::currentPath());
    CHECK(inputs.claudePaths.stateDir == inputs.stateDir);

    const ConfigLoadResult broken = ConfigLoader::loadText(
        "model_list:\n  - model_name: a\n    litellm_params: {model: ollama/x, rpm: fast}\n", QStringLiteral("b.yaml"));
    REQUIRE_FALSE(broken.ok());
    const DoctorInputs brokenInputs =
        DoctorInputs::forGateway(QStringLiteral("b.yaml"), broken, QStringLiteral("http://127.0.0.1:4000"), {});
    CHECK_FALSE(brokenInputs.config.has_value());
    CHECK(brokenInputs.configErrors == broken.errors());
}
