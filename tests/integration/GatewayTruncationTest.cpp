// Answers that would hide a truncation: every answer the client gets ends properly or is an
// error, also when the upstream's bytes are relayed unchanged.
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "GatewayHarness.h"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::test;

namespace {

QJsonObject errorOf(const HttpResult &result)
{
    return result.json().value(QStringLiteral("error")).toObject();
}

// One deployment, no retries: what the upstream sends is what the client's answer is made of.
QByteArray configFor(const QString &model, const QString &apiBase)
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: main\n    litellm_params: {model: %1, api_base: '%2'}\n"
                          "router_settings: {num_retries: 0}\n")
        .arg(model, apiBase)
        .toUtf8();
}

} // namespace

TEST_CASE("a relayed Anthropic stream with a malformed event ends with an error event")
{
    FakeAnthropic upstream;
    upstream.server().enqueue(
        "/v1/messages",
        FakeReply::stream(
            "text/event-stream",
            {"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
             "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\","
             "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n",
             "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
             "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
             "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"ty\n\n"}));
    GatewayHarness gateway(configFor(QStringLiteral("anthropic/m"), upstream.baseUrl()));
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    CHECK(result.status == 200);
    const QStringList names = result.eventNames();
    INFO(result.body.toStdString());
    CHECK(names.contains(QStringLiteral("message_start")));
    REQUIRE_FALSE(names.isEmpty());
    CHECK(names.last() == QStringLiteral("error"));
    CHECK_FALSE(names.contains(QStringLiteral("message_stop")));
    CHECK(names.count(QStringLiteral("error")) == 1);
    REQUIRE_FALSE(gateway.records().isEmpty());
    CHECK_FALSE(gateway.records().last().errorType.isEmpty());
}

TEST_CASE("an upstream's own error event in a relayed stream reaches the client once")
{
    FakeAnthropic upstream;
    upstream.errorMidStreamNext(2, QStringLiteral("Overloaded"));
    GatewayHarness gateway(configFor(QStringLiteral("anthropic/m"), upstream.baseUrl()));
    REQUIRE(gateway.started());
    FakeTurn turn = FakeTurn::withText(QString(200, QLatin1Char('t')));
    turn.textPieces = 10;
    upstream.setTurn(turn);
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    INFO(result.body.toStdString());
    CHECK(result.eventNames().count(QStringLiteral("error")) == 1);
}

TEST_CASE("a non-streaming Anthropic pass-through whose body is not a whole message is a 502, not a cut 200")
{
    FakeAnthropic upstream;
    upstream.server().enqueue("/v1/messages", FakeReply::text(200, "event: message_start\ndata: {\"type\":\"message_st",
                                                              "text/event-stream"));
    GatewayHarness gateway(configFor(QStringLiteral("anthropic/m"), upstream.baseUrl()));
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(result.status == 502);
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("api_error"));
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("not a whole message")));
}

TEST_CASE("a non-streaming Ollama answer without done: true is a 502, not a partial end_turn")
{
    FakeOllama upstream;
    upstream.server().enqueue(
        "/api/chat",
        FakeReply::json(200, R"({"model":"m","message":{"role":"assistant","content":"half an ans"},"done":false})"));
    GatewayHarness gateway(configFor(QStringLiteral("ollama/m"), upstream.baseUrl()));
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(result.status == 502);
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("done")));
}
