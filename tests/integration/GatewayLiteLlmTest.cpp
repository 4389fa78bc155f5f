// LiteLLM configs through the real gateway: what a config means is what reaches the upstream.
#include "FakeAnthropic.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::test;

namespace {

QString sentModel(const FakeUpstream &upstream)
{
    const QList<RecordedRequest> requests = upstream.turnRequests();
    return requests.isEmpty() ? QString() : requests.last().json().value(QStringLiteral("model")).toString();
}

} // namespace

TEST_CASE("a provider wildcard sends the requested model name upstream, not \"*\"")
{
    FakeOpenAi openai;
    FakeAnthropic anthropic;
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: \"*\"\n"
                                          "    litellm_params: {model: openai/*, api_base: '%1'}\n"
                                          "  - model_name: \"anthropic/*\"\n"
                                          "    litellm_params: {model: anthropic/*, api_base: '%2'}\n")
                               .arg(openai.apiBase(), anthropic.baseUrl())
                               .toUtf8());
    REQUIRE(gateway.started());
    for (bool stream : {false, true}) {
        INFO(stream);
        HttpResult result =
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("gpt-4o-mini"), stream));
        REQUIRE(result.status == 200);
        CHECK(sentModel(openai) == QStringLiteral("gpt-4o-mini"));
        result = gateway.post(QStringLiteral("/v1/messages"),
                              claudeCodeRequest(QStringLiteral("anthropic/claude-sonnet-4-5"), stream));
        REQUIRE(result.status == 200);
        CHECK(sentModel(anthropic) == QStringLiteral("claude-sonnet-4-5"));
    }
}

TEST_CASE("a YAML merge key brings its api_base: the request goes to the merged address")
{
    FakeOpenAi local;
    GatewayHarness gateway(QStringLiteral("local_server: &local\n"
                                          "  api_base: '%1'\n"
                                          "  api_key: sk-local\n"
                                          "model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params:\n"
                                          "      <<: *local\n"
                                          "      model: openai/qwen-coder\n")
                               .arg(local.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    REQUIRE(result.status == 200);
    REQUIRE(local.turnCount() == 1);
    CHECK(sentModel(local) == QStringLiteral("qwen-coder"));
    CHECK(local.turnRequests().last().header("authorization") == QByteArrayLiteral("Bearer sk-local"));
}

TEST_CASE("a fallback to a name a wildcard serves sends that name upstream")
{
    FakeOpenAi cloud;
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: ollama/dead, api_base: 'http://127.0.0.1:1'}\n"
                                          "  - model_name: \"*\"\n"
                                          "    litellm_params: {model: openai/*, api_base: '%1'}\n"
                                          "router_settings:\n"
                                          "  num_retries: 0\n"
                                          "  fallbacks: [{main: [gpt-4o-mini]}]\n")
                               .arg(cloud.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    REQUIRE(result.status == 200);
    CHECK(sentModel(cloud) == QStringLiteral("gpt-4o-mini"));
}

TEST_CASE("a request for a group whose deployments were skipped gets 404 saying why")
{
    FakeOpenAi local;
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: aws-claude\n"
                                          "    litellm_params: {model: bedrock/anthropic.claude-3-sonnet}\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: openai/qwen, api_base: '%1'}\n")
                               .arg(local.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());
    const HttpResult skipped =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("aws-claude"), false));
    CHECK(skipped.status == 404);
    const QString message =
        skipped.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    CHECK(message.contains(QStringLiteral("model \"aws-claude\" is not served")));
    CHECK(message.contains(QStringLiteral("provider \"bedrock\" is not supported")));
    CHECK(local.turnCount() == 0);
    const HttpResult served =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(served.status == 200);
}
