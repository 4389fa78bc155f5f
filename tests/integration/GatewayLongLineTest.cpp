// Issue #16 item 10: an upstream that never ends its line is stopped at the framing limit
// (protocol/FramingLimits.h) and the client gets its dialect's error ending, not a hang or a
// gateway buffering the whole line.
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"
#include "protocol/FramingLimits.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::test;

namespace {

const GatewayHarness::Headers kOpenAiHeaders{
    {QByteArrayLiteral("Authorization"), QByteArray("Bearer ") + GatewayHarness::kToken},
    {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};

QByteArray configFor(const QString &model, const QString &apiBase)
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: main\n    litellm_params: {model: %1, api_base: '%2'}\n"
                          "router_settings: {num_retries: 0}\n")
        .arg(model, apiBase)
        .toUtf8();
}

// More than the limit, so only the limit can end the stream before the body does.
constexpr qsizetype kEndless = kMaxUpstreamLineBytes + 4 * 1024 * 1024;

} // namespace

TEST_CASE("an OpenAI-compatible upstream's endless SSE line ends an Anthropic client's stream with event: error")
{
    FakeOpenAi upstream;
    upstream.server().enqueue(
        "/v1/chat/completions",
        FakeReply::endlessLine(
            "text/event-stream",
            "data: "
            "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"}}]}\n\n"
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"",
            kEndless));
    GatewayHarness gateway(configFor(QStringLiteral("openai/m"), upstream.baseUrl() + QStringLiteral("/v1")));
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true),
                     GatewayHarness::anthropicHeaders(), 30000);
    CHECK(result.status == 200);
    const QStringList names = result.eventNames();
    INFO(result.body.left(2000).toStdString());
    REQUIRE_FALSE(names.isEmpty());
    CHECK(names.first() == QStringLiteral("message_start"));
    CHECK(names.last() == QStringLiteral("error"));
    CHECK_FALSE(names.contains(QStringLiteral("message_stop")));
    const QJsonObject error = result.eventData().last().value(QStringLiteral("error")).toObject();
    CHECK(error.value(QStringLiteral("type")).toString() == QStringLiteral("api_error"));
    CHECK(error.value(QStringLiteral("message")).toString().contains(QStringLiteral("longer than 8192 KiB")));
    CHECK(result.body.size() < 64 * 1024); // the client never saw the line itself
}

TEST_CASE("an Ollama upstream's endless NDJSON line ends an OpenAI client's stream with an error chunk")
{
    FakeOllama upstream;
    upstream.server().enqueue(
        "/api/chat", FakeReply::endlessLine(
                         "application/x-ndjson",
                         "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}\n"
                         "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"",
                         kEndless));
    GatewayHarness gateway(configFor(QStringLiteral("ollama/m"), upstream.baseUrl()));
    REQUIRE(gateway.started());
    const QJsonObject request{
        {QStringLiteral("model"), QStringLiteral("main")},
        {QStringLiteral("stream"), true},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("hello")}}}}};
    const HttpResult result = gateway.post(QStringLiteral("/v1/chat/completions"), request, kOpenAiHeaders, 30000);
    CHECK(result.status == 200);
    INFO(result.body.left(2000).toStdString());
    const std::vector<SseEvent> events = result.events();
    REQUIRE_FALSE(events.empty());
    const QJsonObject last = QJsonDocument::fromJson(events.back().data).object();
    CHECK(last.value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("message"))
              .toString()
              .contains(QStringLiteral("longer than 8192 KiB")));
    for (const SseEvent &event : events)
        CHECK(event.data != QByteArray("[DONE]"));
}

TEST_CASE("an Anthropic upstream's endless SSE line, relayed to an Anthropic client, ends with its own error event")
{
    // Pass-through relays the upstream's bytes; only whole lines, so the half line never reaches
    // the client and the error is an event of its own, not glued to it.
    FakeAnthropic upstream;
    upstream.server().enqueue(
        "/v1/messages",
        FakeReply::endlessLine(
            "text/event-stream",
            "event: message_start\n"
            "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
            "\"role\":\"assistant\",\"model\":\"up\",\"content\":[],\"stop_reason\":null,"
            "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
            "event: content_block_start\n"
            "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"
            "\n\n"
            "event: content_block_delta\n"
            "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"",
            kEndless));
    GatewayHarness gateway(configFor(QStringLiteral("anthropic/up"), upstream.baseUrl()));
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true),
                     GatewayHarness::anthropicHeaders(), 30000);
    CHECK(result.status == 200);
    INFO(result.body.left(2000).toStdString());
    CHECK(result.body.size() < 64 * 1024); // the client never saw the line itself
    // The upstream's whole events as they came, then ours. The "event: content_block_delta"
    // line whose data never ended is closed by a blank line: an event without data, which SSE
    // readers drop.
    CHECK(result.body.contains("\n\nevent: content_block_delta\n\nevent: error\ndata: "));
    const std::vector<SseEvent> events = result.events();
    REQUIRE(events.size() == 3);
    CHECK(events[0].event == QByteArray("message_start"));
    CHECK(events[1].event == QByteArray("content_block_start"));
    CHECK(events[2].event == QByteArray("error"));
    for (const SseEvent &event : events) {
        if (event.data.isEmpty())
            continue;
        QJsonParseError parse{};
        QJsonDocument::fromJson(event.data, &parse);
        CHECK(parse.error == QJsonParseError::NoError); // nothing glued together
    }
    const QJsonObject error =
        QJsonDocument::fromJson(events.back().data).object().value(QStringLiteral("error")).toObject();
    CHECK(error.value(QStringLiteral("type")).toString() == QStringLiteral("api_error"));
    CHECK(error.value(QStringLiteral("message")).toString().contains(QStringLiteral("longer than 8192 KiB")));
}
