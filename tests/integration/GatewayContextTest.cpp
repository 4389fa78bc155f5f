// A prompt larger than the model's context: the client is told so in its own words (which makes
// Claude Code compact), never 529 "overloaded" (which makes it retry ten times and die slowly).
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QRegularExpression>

using namespace sb;
using namespace sb::test;

namespace {

QJsonObject errorOf(const HttpResult &result)
{
    return result.json().value(QStringLiteral("error")).toObject();
}

const GatewayHarness::Headers kOpenAiHeaders{
    {QByteArrayLiteral("Authorization"), QByteArray("Bearer ") + GatewayHarness::kToken},
    {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};

// A Claude Code turn padded with a long system text: about `bytes` / 4 tokens more.
QJsonObject longRequest(const QString &model, bool stream, int bytes)
{
    QJsonObject request = claudeCodeRequest(model, stream);
    request.insert(QStringLiteral("system"), QString(bytes, QLatin1Char('x')));
    return request;
}

QJsonObject longChatRequest(const QString &model, int bytes)
{
    return QJsonObject{{QStringLiteral("model"), model},
                       {QStringLiteral("messages"),
                        QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                               {QStringLiteral("content"), QString(bytes, QLatin1Char('y'))}}}}};
}

// The numbers of Anthropic's wording, or {-1, -1} when the message is not exactly it.
std::pair<qint64, qint64> tooLongNumbers(const QString &message)
{
    static const QRegularExpression exact(QStringLiteral(R"(^prompt is too long: (\d+) tokens > (\d+) maximum$)"));
    const QRegularExpressionMatch match = exact.match(message);
    if (!match.hasMatch())
        return {-1, -1};
    return {match.captured(1).toLongLong(), match.captured(2).toLongLong()};
}

} // namespace

TEST_CASE("a prompt larger than every deployment's context is a 400 'prompt is too long', sent nowhere")
{
    FakeOllama small;
    FakeOllama smaller;
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/s, api_base: '%1', num_ctx: 8192}\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/t, api_base: '%2', num_ctx: 4096}\n")
            .arg(small.baseUrl(), smaller.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());

    for (bool stream : {false, true}) {
        INFO(stream);
        const QJsonObject request = longRequest(QStringLiteral("main"), stream, 60000);
        const HttpResult result = gateway.post(QStringLiteral("/v1/messages"), request);
        CHECK(result.status == 400);
        CHECK(result.header("retry-after").isEmpty());
        CHECK(result.json().value(QStringLiteral("type")).toString() == QStringLiteral("error"));
        CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("invalid_request_error"));
        const auto [tokens, maximum] = tooLongNumbers(errorOf(result).value(QStringLiteral("message")).toString());
        INFO(errorOf(result).value(QStringLiteral("message")).toString().toStdString());
        CHECK(maximum == 8192); // the largest context that serves the model
        CHECK(tokens > maximum);
        CHECK(tokens >= 15000); // the estimate of a 60 KB prompt
    }

    const HttpResult openai = gateway.post(QStringLiteral("/v1/chat/completions"),
                                           longChatRequest(QStringLiteral("main"), 60000), kOpenAiHeaders);
    CHECK(openai.status == 400);
    CHECK(errorOf(openai).value(QStringLiteral("code")).toString() == QStringLiteral("context_length_exceeded"));
    CHECK(errorOf(openai).value(QStringLiteral("type")).toString() == QStringLiteral("invalid_request_error"));
    CHECK(errorOf(openai).value(QStringLiteral("param")).toString() == QStringLiteral("messages"));
    CHECK(errorOf(openai)
              .value(QStringLiteral("message"))
              .toString()
              .startsWith(QStringLiteral(
                  "This model's maximum context length is 8192 tokens. However, your messages resulted in ")));

    CHECK(small.turnCount() == 0);
    CHECK(smaller.turnCount() == 0);
    REQUIRE(gateway.records().size() >= 3);
    CHECK(gateway.records().last().status == 400);
    CHECK(gateway.records().last().errorType == QStringLiteral("invalid_request_error"));

    // A prompt that fits still goes through.
    const HttpResult fits =
        gateway.post(QStringLiteral("/v1/messages"), longRequest(QStringLiteral("main"), false, 8000));
    CHECK(fits.status == 200);
    CHECK(small.turnCount() + smaller.turnCount() == 1);
}

TEST_CASE("a too-long prompt while the larger deployment cools down is a 529 to wait for, not a 400")
{
    FakeOllama small;
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/s, api_base: '%1', num_ctx: 4096}\n"
                       "    model_info: {id: small}\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/l, api_base: 'http://127.0.0.1:1', "
                       "num_ctx: 131072}\n"
                       "    model_info: {id: large-but-down}\n"
                       "router_settings: {num_retries: 0, allowed_fails: 0, cooldown_time: 60}\n")
            .arg(small.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    // The first long request fails on the refused large deployment, which then cools down.
    const HttpResult refused =
        gateway.post(QStringLiteral("/v1/messages"), longRequest(QStringLiteral("main"), false, 60000));
    CHECK(refused.status == 502);
    const HttpResult cooling =
        gateway.post(QStringLiteral("/v1/messages"), longRequest(QStringLiteral("main"), false, 60000));
    CHECK(cooling.status == 529);
    CHECK(errorOf(cooling).value(QStringLiteral("type")).toString() == QStringLiteral("overloaded_error"));
    CHECK_FALSE(cooling.header("retry-after").isEmpty());
    CHECK(small.turnCount() == 0);
}

TEST_CASE("an upstream's own context overflow reaches the client in the client's words")
{
    FakeOpenAi vllm;
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: openai/m, api_base: '%1'}\n"
                       "router_settings: {num_retries: 0}\n")
            .arg(vllm.apiBase())
            .toUtf8());
    REQUIRE(gateway.started());
    const QString overflow =
        QStringLiteral("This model's maximum context length is 8192 tokens. However, you requested "
                       "9000 tokens (8000 in the messages, 1000 in the completion). Please reduce "
                       "the length of the messages or completion.");
    for (bool stream : {false, true}) {
        INFO(stream);
        vllm.failNext(400, 1, -1, overflow);
        const HttpResult result =
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), stream));
        CHECK(result.status == 400);
        CHECK(errorOf(result).value(QStringLiteral("message")).toString() ==
              QStringLiteral("prompt is too long: 8000 tokens > 8192 maximum"));
    }
    vllm.failNext(400, 1, -1, overflow);
    const HttpResult openai = gateway.post(QStringLiteral("/v1/chat/completions"),
                                           longChatRequest(QStringLiteral("main"), 100), kOpenAiHeaders);
    CHECK(openai.status == 400);
    CHECK(errorOf(openai).value(QStringLiteral("code")).toString() == QStringLiteral("context_length_exceeded"));
    CHECK(vllm.turnCount() == 3);
}

TEST_CASE("a deployment whose context is not configured takes a large prompt and lets the upstream judge")
{
    FakeAnthropic anthropic;
    FakeOpenAi openai;
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: claude\n    litellm_params: {model: anthropic/claude-up, api_base: '%1'}\n"
                       "  - model_name: local\n    litellm_params: {model: openai/m, api_base: '%2'}\n")
            .arg(anthropic.baseUrl(), openai.apiBase())
            .toUtf8());
    REQUIRE(gateway.started());
    // ~75K tokens by the estimate: more than the 32K that Ollama deployments get by default.
    CHECK(gateway.post(QStringLiteral("/v1/messages"), longRequest(QStringLiteral("claude"), false, 300000)).status ==
          200);
    CHECK(gateway.post(QStringLiteral("/v1/messages"), longRequest(QStringLiteral("local"), false, 300000)).status ==
          200);
    CHECK(anthropic.turnCount() == 1);
    CHECK(openai.turnCount() == 1);
}
