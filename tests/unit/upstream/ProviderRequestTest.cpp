// The cloud providers served through the OpenAI-compatible adapter: from a LiteLLM config line
// without api_base or api_key, the request each one gets (URL, headers, body).
#include "FailureOf.h"
#include "config/ConfigLoader.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "upstream/UpstreamAdapter.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb;
using namespace sb::test;

TEST_CASE("each OpenAI-compatible cloud gets its documented endpoint, its key variable and the model")
{
    struct Case
    {
        const char *model;         // litellm_params.model
        const char *keyVariable;   // LiteLLM's variable for the key
        const char *url;           // where the chat request goes
        const char *upstreamModel; // the body's model
    };
    const Case cases[] = {
        {"deepseek/deepseek-chat", "DEEPSEEK_API_KEY", "https://api.deepseek.com/beta/chat/completions",
         "deepseek-chat"},
        {"openrouter/anthropic/claude-3.5-sonnet", "OPENROUTER_API_KEY",
         "https://openrouter.ai/api/v1/chat/completions", "anthropic/claude-3.5-sonnet"},
        {"groq/llama-3.1-70b-versatile", "GROQ_API_KEY", "https://api.groq.com/openai/v1/chat/completions",
         "llama-3.1-70b-versatile"},
        {"together_ai/meta-llama/Llama-3-70b-chat-hf", "TOGETHER_API_KEY",
         "https://api.together.xyz/v1/chat/completions", "meta-llama/Llama-3-70b-chat-hf"},
        {"mistral/mistral-large-latest", "MISTRAL_API_KEY", "https://api.mistral.ai/v1/chat/completions",
         "mistral-large-latest"},
        {"xai/grok-2", "XAI_API_KEY", "https://api.x.ai/v1/chat/completions", "grok-2"},
        {"fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct", "FIREWORKS_API_KEY",
         "https://api.fireworks.ai/inference/v1/chat/completions", "accounts/fireworks/models/llama-v3p1-70b-instruct"},
        {"perplexity/sonar", "PERPLEXITYAI_API_KEY", "https://api.perplexity.ai/chat/completions", "sonar"},
        {"gemini/gemini-2.0-flash", "GEMINI_API_KEY",
         "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", "gemini-2.0-flash"},
        {"llamafile/LLaMA_CPP", "", "http://127.0.0.1:8080/v1/chat/completions", "LLaMA_CPP"},
        {"vllm/facebook/opt-125m", "", "http://localhost:8000/v1/chat/completions", "facebook/opt-125m"},
    };
    const QJsonObject client{
        {QStringLiteral("model"), QStringLiteral("main")},
        {QStringLiteral("max_tokens"), 100},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    for (const Case &c : cases) {
        INFO(c.model);
        // The key comes from the variable LiteLLM reads (here through environment_variables, which
        // the loader sees as the environment).
        QByteArray yaml =
            "model_list:\n  - model_name: main\n    litellm_params: {model: " + QByteArray(c.model) + "}\n";
        if (*c.keyVariable)
            yaml +=
                "environment_variables:\n  " + QByteArray(c.keyVariable) + ": sk-" + QByteArray(c.keyVariable) + "\n";
        const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        REQUIRE(loaded.ok());
        REQUIRE(loaded.config.deployments.size() == 1);
        const Deployment &d = loaded.config.deployments.front();
        CHECK(d.provider == Provider::OpenAiCompatible);

        Request canonical;
        REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(client, canonical)));
        canonical.model = d.upstreamModelFor(QStringLiteral("main"));
        canonical.stream = true;
        UpstreamCall call;
        call.clientBody = &client;
        call.request = &canonical;
        call.stream = true;
        const HttpRequest request = UpstreamAdapter::of(d.provider).buildRequest(d, call);
        CHECK(request.url == QUrl(QLatin1String(c.url)));
        const QByteArray expectedAuth = *c.keyVariable ? "Bearer sk-" + QByteArray(c.keyVariable) : QByteArray();
        CHECK(headerValue(request.headers, "authorization") == expectedAuth);
        CHECK(headerValue(request.headers, "content-type").startsWith("application/json"));
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        CHECK(body.value(QStringLiteral("model")).toString() == QLatin1String(c.upstreamModel));
        CHECK(body.value(QStringLiteral("stream")).toBool());
        CHECK(body.value(QStringLiteral("messages")).toArray().size() == 1);
    }
}

TEST_CASE("provider variables are read in LiteLLM's order, and Mistral's api_base always ends in /v1")
{
    struct Case
    {
        const char *model;
        QByteArray environment; // environment_variables, flow style
        const char *apiBase;    // litellm_params.api_base, "" for none
        const char *key;
        const char *url;
    };
    const Case cases[] = {
        // Mistral: LiteLLM's chat reads MISTRAL_AZURE_API_KEY before MISTRAL_API_KEY, and
        // MISTRAL_AZURE_API_BASE (not MISTRAL_API_BASE), then appends /v1 where it is missing.
        {"mistral/mistral-large-latest", "{MISTRAL_AZURE_API_KEY: sk-azure, MISTRAL_API_KEY: sk-plain}", "", "sk-azure",
         "https://api.mistral.ai/v1/chat/completions"},
        {"mistral/mistral-large-latest", "{MISTRAL_API_KEY: sk-plain, MISTRAL_API_BASE: 'http://127.0.0.1:9'}", "",
         "sk-plain", "https://api.mistral.ai/v1/chat/completions"},
        {"mistral/mistral-large-latest", "{MISTRAL_AZURE_API_BASE: 'https://m.example.com'}", "", "",
         "https://m.example.com/v1/chat/completions"},
        {"mistral/mistral-large-latest", "{}", "https://api.mistral.ai", "",
         "https://api.mistral.ai/v1/chat/completions"},
        {"mistral/mistral-large-latest", "{}", "http://127.0.0.1:9/v1/", "", "http://127.0.0.1:9/v1/chat/completions"},
        // Fireworks: FIREWORKS_API_KEY first, FIREWORKS_AI_TOKEN last; FIREWORKS_API_BASE.
        {"fireworks_ai/m", "{FIREWORKS_AI_API_KEY: sk-second, FIREWORKS_API_KEY: sk-first}", "", "sk-first",
         "https://api.fireworks.ai/inference/v1/chat/completions"},
        {"fireworks_ai/m", "{FIREWORKS_AI_TOKEN: sk-token, FIREWORKS_API_BASE: 'http://127.0.0.1:9/v1'}", "",
         "sk-token", "http://127.0.0.1:9/v1/chat/completions"},
        // Gemini: GEMINI_API_KEY before GOOGLE_API_KEY; xAI: XAI_API_KEY and XAI_API_BASE.
        {"gemini/g", "{GOOGLE_API_KEY: sk-google, GEMINI_API_KEY: sk-gemini}", "", "sk-gemini",
         "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"},
        {"gemini/g", "{GOOGLE_API_KEY: sk-google}", "", "sk-google",
         "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"},
        {"xai/grok-2", "{XAI_API_KEY: sk-xai, XAI_API_BASE: 'http://127.0.0.1:9/v1'}", "", "sk-xai",
         "http://127.0.0.1:9/v1/chat/completions"},
    };
    const QJsonObject client{
        {QStringLiteral("model"), QStringLiteral("main")},
        {QStringLiteral("max_tokens"), 100},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    for (const Case &c : cases) {
        INFO(c.model << " " << c.environment.constData() << " " << c.apiBase);
        QByteArray yaml = "model_list:\n  - model_name: main\n    litellm_params: {model: " + QByteArray(c.model);
        if (*c.apiBase)
            yaml += ", api_base: '" + QByteArray(c.apiBase) + "'";
        yaml += "}\nenvironment_variables: " + c.environment + "\n";
        const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
        REQUIRE(loaded.ok());
        REQUIRE(loaded.config.deployments.size() == 1);
        const Deployment &d = loaded.config.deployments.front();
        CHECK(d.apiKey == QLatin1String(c.key));
        Request canonical;
        REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(client, canonical)));
        canonical.model = d.upstreamModel;
        UpstreamCall call;
        call.clientBody = &client;
        call.request = &canonical;
        const HttpRequest request = UpstreamAdapter::of(d.provider).buildRequest(d, call);
        CHECK(request.url == QUrl(QLatin1String(c.url)));
    }
}

TEST_CASE("an api_key or api_base in the config wins over the provider's variables and default")
{
    qputenv("GROQ_API_KEY", "sk-from-environment");
    const ConfigLoadResult loaded =
        ConfigLoader::loadText("model_list:\n  - model_name: main\n    litellm_params: {model: groq/llama, api_key: "
                               "sk-config, api_base: 'http://127.0.0.1:9/v1'}\n"
                               "  - model_name: env\n    litellm_params: {model: groq/llama}\n",
                               QStringLiteral("t.yaml"));
    qunsetenv("GROQ_API_KEY");
    REQUIRE(loaded.ok());
    REQUIRE(loaded.config.deployments.size() == 2);
    CHECK(loaded.config.deployments[0].apiKey == QStringLiteral("sk-config"));
    CHECK(loaded.config.deployments[0].apiBase == QUrl(QStringLiteral("http://127.0.0.1:9/v1")));
    CHECK(loaded.config.deployments[1].apiKey == QStringLiteral("sk-from-environment"));
    CHECK(loaded.config.deployments[1].apiBase == QUrl(QStringLiteral("https://api.groq.com/openai/v1")));
}

TEST_CASE("azure/ uses Azure OpenAI's deployment URL, api-version and api-key header")
{
    const ConfigLoadResult loaded = ConfigLoader::loadText(
        "model_list:\n"
        "  - model_name: main\n"
        "    litellm_params:\n"
        "      model: azure/my-gpt4o\n"
        "      api_base: https://contoso.openai.azure.com/\n"
        "      api_version: '2024-08-01-preview'\n"
        "      api_key: sk-azure\n"
        "  - model_name: env\n"
        "    litellm_params: {model: azure/other}\n"
        "environment_variables: {AZURE_API_BASE: 'https://fabrikam.openai.azure.com', AZURE_API_KEY: sk-env}\n",
        QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    REQUIRE(loaded.config.deployments.size() == 2);
    const QJsonObject client{
        {QStringLiteral("model"), QStringLiteral("main")},
        {QStringLiteral("max_tokens"), 100},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    Request canonical;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(client, canonical)));
    UpstreamCall call;
    call.clientBody = &client;
    call.request = &canonical;

    const Deployment &given = loaded.config.deployments[0];
    canonical.model = given.upstreamModel;
    HttpRequest request = UpstreamAdapter::of(given.provider).buildRequest(given, call);
    CHECK(request.url == QUrl(QStringLiteral("https://contoso.openai.azure.com/openai/deployments/my-gpt4o/"
                                             "chat/completions?api-version=2024-08-01-preview")));
    CHECK(headerValue(request.headers, "api-key") == "sk-azure");
    CHECK(headerValue(request.headers, "authorization").isEmpty());
    CHECK(QJsonDocument::fromJson(request.body).object().value(QStringLiteral("messages")).toArray().size() == 1);

    // From LiteLLM's variables, and the fallback version with a warning that names it.
    const Deployment &fromEnvironment = loaded.config.deployments[1];
    canonical.model = fromEnvironment.upstreamModel;
    request = UpstreamAdapter::of(fromEnvironment.provider).buildRequest(fromEnvironment, call);
    CHECK(request.url == QUrl(QStringLiteral("https://fabrikam.openai.azure.com/openai/deployments/other/"
                                             "chat/completions?api-version=2024-10-21")));
    CHECK(headerValue(request.headers, "api-key") == "sk-env");
    CHECK(loaded.warnings().join(QLatin1Char('\n')).contains(QStringLiteral("uses api-version 2024-10-21")));
}

TEST_CASE("a role:system entry mid-conversation goes into the adjacent user turn for OpenAI-compatible and Ollama "
          "upstreams, unless the deployment says not to")
{
    // Claude Code's shape: a system entry between a tool result and the next user text.
    const QJsonObject client{
        {QStringLiteral("model"), QStringLiteral("main")},
        {QStringLiteral("max_tokens"), 100},
        {QStringLiteral("system"), QStringLiteral("You are Claude Code.")},
        {QStringLiteral("messages"),
         QJsonArray{
             QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                         {QStringLiteral("content"), QStringLiteral("list files")}},
             QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                         {QStringLiteral("content"),
                          QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                                 {QStringLiteral("id"), QStringLiteral("toolu_1")},
                                                 {QStringLiteral("name"), QStringLiteral("Bash")},
                                                 {QStringLiteral("input"),
                                                  QJsonObject{{QStringLiteral("command"), QStringLiteral("ls")}}}}}}},
             QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                         {QStringLiteral("content"), QStringLiteral("Reminder: be brief.")}},
             QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                         {QStringLiteral("content"),
                          QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_result")},
                                                 {QStringLiteral("tool_use_id"), QStringLiteral("toolu_1")},
                                                 {QStringLiteral("content"), QStringLiteral("a.txt")}},
                                     QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                 {QStringLiteral("text"), QStringLiteral("now?")}}}}}}}};
    Request canonical;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(client, canonical)));
    REQUIRE(canonical.hasSystemEntries());
    UpstreamCall call;
    call.clientBody = &client;
    call.request = &canonical;

    const ConfigLoadResult loaded = ConfigLoader::loadText(
        "model_list:\n"
        "  - {model_name: openai, litellm_params: {model: openai/qwen, api_base: 'http://127.0.0.1:8000/v1'}}\n"
        "  - {model_name: ollama, litellm_params: {model: ollama/qwen, num_ctx: 32768}}\n"
        "  - model_name: asis\n"
        "    litellm_params: {model: openai/qwen, api_base: 'http://127.0.0.1:8000/v1'}\n"
        "    model_info: {fold_system_messages: false}\n",
        QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    const auto systemRoles = [](const QJsonArray &messages) {
        int count = 0;
        for (const QJsonValue &m : messages)
            count += m.toObject().value(QStringLiteral("role")).toString() == QStringLiteral("system") ? 1 : 0;
        return count;
    };
    for (const Deployment &d : loaded.config.deployments) {
        INFO(d.modelName.toStdString());
        canonical.model = d.upstreamModel;
        const QJsonArray messages = QJsonDocument::fromJson(UpstreamAdapter::of(d.provider).buildRequest(d, call).body)
                                        .object()
                                        .value(QStringLiteral("messages"))
                                        .toArray();
        REQUIRE(messages.size() >= 4);
        CHECK(messages[0].toObject().value(QStringLiteral("role")).toString() == QStringLiteral("system"));
        if (d.modelName == QStringLiteral("asis")) {
            CHECK(systemRoles(messages) == 2);
            continue;
        }
        CHECK(systemRoles(messages) == 1);
        // The tool result still follows the assistant's call; the reminder precedes the user's text.
        const QString last = QString::fromUtf8(QJsonDocument(messages.last().toObject()).toJson());
        CHECK(last.contains(QStringLiteral("Reminder: be brief.")));
        CHECK(last.indexOf(QStringLiteral("Reminder: be brief.")) < last.indexOf(QStringLiteral("now?")));
        CHECK(QString::fromUtf8(QJsonDocument(messages).toJson()).indexOf(QStringLiteral("a.txt")) <
              QString::fromUtf8(QJsonDocument(messages).toJson()).indexOf(QStringLiteral("Reminder")));
    }
    // The request shared by the attempts is left as it was.
    CHECK(canonical.hasSystemEntries());
}
