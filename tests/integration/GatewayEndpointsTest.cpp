// Endpoints other than the model turn: paths Claude Code really uses, token checks,
// model lists in both shapes, health, count_tokens.
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

using namespace sb;
using namespace sb::test;

namespace {
QByteArray configFor(const FakeOllama &ollama, const char *extra = "")
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: 'claude-*'\n"
                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n"
                          "  - model_name: claude-3-5-sonnet-20241022\n"
                          "    litellm_params: {model: ollama/qwen2.5:7b, api_base: '%1'}\n"
                          "  - model_name: offline\n"
                          "    litellm_params: {model: ollama/x, api_base: 'http://127.0.0.1:1'}\n"
                          "router_settings: {model_group_alias: {gpt-4: claude-3-5-sonnet-20241022}}\n")
               .arg(ollama.baseUrl())
               .toUtf8() +
           extra;
}
} // namespace

TEST_CASE("?beta=true and a doubled /v1/v1 prefix reach the messages endpoint")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    for (const char *path : {"/v1/messages?beta=true", "/v1/v1/messages", "/v1/v1/messages?beta=true"}) {
        INFO(path);
        const HttpResult result =
            gateway.post(QLatin1String(path), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false));
        CHECK(result.status == 200);
        CHECK(result.json().value(QStringLiteral("type")).toString() == QStringLiteral("message"));
    }
    CHECK(ollama.turnCount() == 3);
}

TEST_CASE("every endpoint but liveness needs the token, as Bearer or x-api-key")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    const QJsonObject body = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);

    HttpResult none = gateway.post(QStringLiteral("/v1/messages"), body, {{"Content-Type", "application/json"}});
    CHECK(none.status == 401);
    CHECK(none.json().value(QStringLiteral("type")).toString() == QStringLiteral("error"));
    CHECK(none.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("authentication_error"));

    HttpResult wrong = gateway.post(QStringLiteral("/v1/messages"), body,
                                    {{"Content-Type", "application/json"}, {"Authorization", "Bearer nope"}});
    CHECK(wrong.status == 401);
    HttpResult openAiShape =
        gateway.post(QStringLiteral("/v1/chat/completions"), body, {{"Content-Type", "application/json"}});
    CHECK(openAiShape.status == 401);
    CHECK(openAiShape.json().value(QStringLiteral("error")).toObject().contains(QStringLiteral("message")));
    CHECK_FALSE(openAiShape.json().contains(QStringLiteral("type")));

    HttpResult apiKey = gateway.post(QStringLiteral("/v1/messages"), body,
                                     {{"Content-Type", "application/json"}, {"x-api-key", GatewayHarness::kToken}});
    CHECK(apiKey.status == 200);
    CHECK(gateway.get(QStringLiteral("/health/liveliness"), {}).status == 200);
    CHECK(gateway.get(QStringLiteral("/health"), {}).status == 401);
    CHECK(gateway.get(QStringLiteral("/v1/models"), {}).status == 401);
    CHECK(ollama.turnCount() == 1);
}

TEST_CASE("HEAD /api/hello answers harmlessly without a token")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    const HttpResult result = gateway.head(QStringLiteral("/api/hello"));
    CHECK(result.status == 200);
    CHECK(result.body.isEmpty());
}

TEST_CASE("/v1/models serves the Anthropic or the OpenAI shape by the request's headers")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());

    const HttpResult anthropic = gateway.get(QStringLiteral("/v1/models"));
    REQUIRE(anthropic.status == 200);
    const QJsonArray data = anthropic.json().value(QStringLiteral("data")).toArray();
    QStringList ids;
    for (const QJsonValue &entry : data) {
        CHECK(entry.toObject().value(QStringLiteral("type")).toString() == QStringLiteral("model"));
        ids.append(entry.toObject().value(QStringLiteral("id")).toString());
    }
    CHECK(ids == QStringList{QStringLiteral("claude-3-5-sonnet-20241022"), QStringLiteral("offline"),
                             QStringLiteral("gpt-4")});
    CHECK(anthropic.json().value(QStringLiteral("has_more")).toBool() == false);

    const HttpResult openai =
        gateway.get(QStringLiteral("/v1/models"), {{"Authorization", QByteArray("Bearer ") + GatewayHarness::kToken}});
    REQUIRE(openai.status == 200);
    CHECK(openai.json().value(QStringLiteral("object")).toString() == QStringLiteral("list"));
    CHECK(openai.json()
              .value(QStringLiteral("data"))
              .toArray()[0]
              .toObject()
              .value(QStringLiteral("object"))
              .toString() == QStringLiteral("model"));
}

TEST_CASE("/health reports version, uptime and each upstream's reachability")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    const HttpResult result = gateway.get(QStringLiteral("/health"));
    REQUIRE(result.status == 200);
    const QJsonObject health = result.json();
    CHECK(health.value(QStringLiteral("status")).toString() == QStringLiteral("degraded"));
    CHECK(health.value(QStringLiteral("version")).toString() == QStringLiteral(SWITCHBOARD_VERSION));
    CHECK(health.value(QStringLiteral("uptime_seconds")).toInt() >= 0);
    const QJsonArray upstreams = health.value(QStringLiteral("upstreams")).toArray();
    REQUIRE(upstreams.size() == 3);
    CHECK(upstreams[0].toObject().value(QStringLiteral("reachable")).toBool());
    CHECK(upstreams[1].toObject().value(QStringLiteral("reachable")).toBool());
    CHECK_FALSE(upstreams[2].toObject().value(QStringLiteral("reachable")).toBool());
    CHECK(upstreams[2]
              .toObject()
              .value(QStringLiteral("error"))
              .toString()
              .contains(QStringLiteral("refused"), Qt::CaseInsensitive));

    const HttpResult ready = gateway.get(QStringLiteral("/health/readiness"));
    CHECK(ready.status == 200);
    CHECK(ready.json().value(QStringLiteral("status")).toString() == QStringLiteral("ready"));
}

TEST_CASE("count_tokens answers an estimate that grows with the prompt")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    auto count = [&gateway](const QString &text) {
        const QJsonObject body{
            {QStringLiteral("model"), QStringLiteral("claude-opus-5-5")},
            {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                {QStringLiteral("content"), text}}}}};
        const HttpResult result = gateway.post(QStringLiteral("/v1/messages/count_tokens?beta=true"), body);
        REQUIRE(result.status == 200);
        return result.json().value(QStringLiteral("input_tokens")).toInt();
    };
    const int small = count(QStringLiteral("hi"));
    const int large = count(QString(4000, QLatin1Char('x')));
    CHECK(small >= 1);
    CHECK(large >= 900);
    CHECK(large <= 1200);
    CHECK(ollama.turnCount() == 0);
}

TEST_CASE("unknown paths and wrong methods get errors in the client's shape")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    const HttpResult missing = gateway.get(QStringLiteral("/v1/nothing"));
    CHECK(missing.status == 404);
    CHECK(missing.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("not_found_error"));
    const HttpResult method = gateway.get(QStringLiteral("/v1/messages"));
    CHECK(method.status == 405);
}

TEST_CASE("count_tokens is exact where the upstream can count: Anthropic's endpoint and vLLM's /tokenize")
{
    FakeAnthropic anthropic;
    anthropic.setCountTokens(1234);
    FakeOpenAi vllm;
    vllm.addRoute("POST", "/tokenize", [](const RecordedRequest &request) {
        // vLLM answers {"count": N, "max_model_len": M, "tokens": [...]}; check what it was sent.
        const bool chat = request.json().value(QStringLiteral("messages")).isArray();
        return FakeReply::json(200, chat ? QByteArray(R"({"count":77,"max_model_len":32768,"tokens":[1,2,3]})")
                                         : QByteArray(R"({"error":"no messages"})"));
    });
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: claude-official\n    litellm_params: {model: anthropic/claude-x, api_base: "
                       "'%1', api_key: k}\n"
                       "  - model_name: vllm\n    litellm_params: {model: hosted_vllm/qwen, api_base: '%2'}\n")
            .arg(anthropic.baseUrl(), vllm.apiBase())
            .toUtf8());
    REQUIRE(gateway.started());
    auto count = [&gateway](const char *model) {
        const QJsonObject body{{QStringLiteral("model"), QLatin1String(model)},
                               {QStringLiteral("messages"),
                                QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                       {QStringLiteral("content"), QStringLiteral("hello there")}}}}};
        return gateway.post(QStringLiteral("/v1/messages/count_tokens?beta=true"), body)
            .json()
            .value(QStringLiteral("input_tokens"))
            .toInt();
    };
    CHECK(count("claude-official") == 1234);
    CHECK(count("vllm") == 77);
    const RecordedRequest sent = anthropic.server().requests(QByteArrayLiteral("/v1/messages/count_tokens")).first();
    CHECK(sent.json().value(QStringLiteral("model")).toString() == QStringLiteral("claude-x"));
    CHECK(sent.header("x-api-key") == QByteArray("k"));
}

TEST_CASE("for Ollama the estimate calibrates itself from the prompt counts Ollama reports")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    auto body = [](int round) {
        QJsonObject request = claudeCodeRequest(QStringLiteral("claude-3-5-sonnet-20241022"), false);
        request.insert(QStringLiteral("system"), QString(6000 + round * 50, QLatin1Char('w')));
        return request;
    };
    auto counted = [&gateway](QJsonObject request) {
        request.remove(QStringLiteral("stream"));
        return gateway.post(QStringLiteral("/v1/messages/count_tokens"), request)
            .json()
            .value(QStringLiteral("input_tokens"))
            .toInt();
    };
    // This model's tokenizer makes 1 token of 8 bytes, not the default 1 of 4.
    auto reported = [&body](int round) {
        return int(QJsonDocument(body(round)).toJson(QJsonDocument::Compact).size() / 8);
    };
    const int before = counted(body(0));
    for (int round = 0; round < 8; ++round) {
        FakeTurn turn = FakeTurn::withText(QStringLiteral("ok"));
        turn.inputTokens = reported(round);
        ollama.setTurn(turn);
        REQUIRE(gateway.post(QStringLiteral("/v1/messages"), body(round)).status == 200);
    }
    REQUIRE(waitUntil([&] { return gateway.records().size() >= 9; }));
    const int after = counted(body(9));
    const int truth = reported(9);
    const double errorBefore = std::abs(before - reported(0)) / double(reported(0));
    const double errorAfter = std::abs(after - truth) / double(truth);
    WARN("token estimate error against Ollama's reported counts: " << int(errorBefore * 100) << "% before calibration, "
                                                                   << int(errorAfter * 100) << "% after 8 requests");
    CHECK(errorBefore > 0.3);
    CHECK(errorAfter < 0.15);
}

TEST_CASE("a translated stream's message_start announces the calibrated prompt estimate, not bytes / 4")
{
    FakeOllama ollama;
    GatewayHarness gateway(configFor(ollama));
    REQUIRE(gateway.started());
    auto body = [](int round, bool stream) {
        QJsonObject request = claudeCodeRequest(QStringLiteral("claude-3-5-sonnet-20241022"), stream);
        request.insert(QStringLiteral("system"), QString(6000 + round * 50, QLatin1Char('w')));
        return request;
    };
    // This model's tokenizer makes 1 token of 8 bytes; Ollama reports the count only at the end.
    auto reported = [&body](int round) {
        return int(QJsonDocument(body(round, false)).toJson(QJsonDocument::Compact).size() / 8);
    };
    auto announced = [&](int round) {
        FakeTurn turn = FakeTurn::withText(QStringLiteral("ok"));
        turn.inputTokens = reported(round);
        ollama.setTurn(turn);
        const HttpResult streamed = gateway.post(QStringLiteral("/v1/messages"), body(round, true));
        REQUIRE(streamed.status == 200);
        const QList<QJsonObject> events = streamed.eventData();
        REQUIRE_FALSE(events.isEmpty());
        REQUIRE(events.first().value(QStringLiteral("type")).toString() == QStringLiteral("message_start"));
        return events.first()
            .value(QStringLiteral("message"))
            .toObject()
            .value(QStringLiteral("usage"))
            .toObject()
            .value(QStringLiteral("input_tokens"))
            .toInt();
    };
    const int before = announced(0);
    // Each answered request teaches the estimator this deployment's rate.
    for (int round = 1; round < 9; ++round)
        announced(round);
    REQUIRE(waitUntil([&] { return gateway.records().size() >= 9; }));
    const int after = announced(9);
    const double errorBefore = std::abs(before - reported(0)) / double(reported(0));
    const double errorAfter = std::abs(after - reported(9)) / double(reported(9));
    WARN("message_start input_tokens error: " << int(errorBefore * 100) << "% on the first request, "
                                              << int(errorAfter * 100) << "% after 9");
    CHECK(errorBefore > 0.3);
    CHECK(errorAfter < 0.15);
    // The bytes / 4 guess of the routing estimate would still be about twice the truth here.
    const int bytesGuess = int(QJsonDocument(body(9, true)).toJson(QJsonDocument::Compact).size() / 4);
    CHECK(std::abs(bytesGuess - reported(9)) / double(reported(9)) > 0.5);
}
