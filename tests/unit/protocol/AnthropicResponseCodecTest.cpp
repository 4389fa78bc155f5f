#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/anthropic/AnthropicErrorCodec.h"

#include <QJsonArray>

using namespace sb;
using namespace sb::test;

TEST_CASE("Anthropic response: an upstream answer decodes, skipping server tool blocks")
{
    Response response;
    REQUIRE_FALSE(failureOf(
        AnthropicResponseCodec::decode(readJsonFixture(QStringLiteral("anthropic/upstream_response.json")), response)));
    CHECK(response.id == QStringLiteral("msg_01NonStreaming000000001"));
    CHECK(response.model == QStringLiteral("claude-sonnet-4-5"));
    CHECK(response.stopReason == StopReason::ToolUse);
    CHECK(response.usage.inputTokens == 950);
    CHECK(response.usage.outputTokens == 61);
    CHECK(response.usage.cacheReadTokens == 400);
    CHECK(response.usage.cacheWriteTokens == 0);
    REQUIRE(response.content.size() == 3);
    CHECK(response.content[0].kind == ContentPart::Kind::Thinking);
    CHECK(response.content[0].signature == QStringLiteral("c2ln"));
    CHECK(response.content[1].text == QStringLiteral("Let me look."));
    CHECK(response.content[2].toolName == QStringLiteral("Bash"));
    CHECK(response.content[2].toolInput.value(QStringLiteral("timeout")).toInt() == 5000);
}

TEST_CASE("Anthropic response: encode writes the client shape exactly")
{
    Response response;
    response.id = QStringLiteral("msg_abc");
    response.model = QStringLiteral("qwen3-coder");
    response.content.push_back(ContentPart::makeThinking(QStringLiteral("hmm"), QStringLiteral("sig")));
    response.content.push_back(ContentPart::makeText(QStringLiteral("héllo 你好 🎉")));
    response.content.push_back(
        ContentPart::makeToolUse(QStringLiteral("toolu_1"), QStringLiteral("Read"),
                                 QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/a")}}));
    response.stopReason = StopReason::ToolUse;
    response.usage.inputTokens = 10;
    response.usage.outputTokens = 20;
    response.usage.cacheReadTokens = 3;

    const QJsonObject body = AnthropicResponseCodec::encode(response);
    CHECK(body.value(QStringLiteral("id")).toString() == QStringLiteral("msg_abc"));
    CHECK(body.value(QStringLiteral("type")).toString() == QStringLiteral("message"));
    CHECK(body.value(QStringLiteral("role")).toString() == QStringLiteral("assistant"));
    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("qwen3-coder"));
    CHECK(body.value(QStringLiteral("stop_reason")).toString() == QStringLiteral("tool_use"));
    CHECK(body.value(QStringLiteral("stop_sequence")).isNull());
    CHECK(body.value(QStringLiteral("usage")).toObject() ==
          QJsonObject{{QStringLiteral("input_tokens"), 10},
                      {QStringLiteral("output_tokens"), 20},
                      {QStringLiteral("cache_creation_input_tokens"), 0},
                      {QStringLiteral("cache_read_input_tokens"), 3}});
    const QJsonArray content = body.value(QStringLiteral("content")).toArray();
    REQUIRE(content.size() == 3);
    CHECK(content.at(0).toObject() == QJsonObject{{QStringLiteral("type"), QStringLiteral("thinking")},
                                                  {QStringLiteral("thinking"), QStringLiteral("hmm")},
                                                  {QStringLiteral("signature"), QStringLiteral("sig")}});
    CHECK(content.at(1).toObject().value(QStringLiteral("text")).toString() == QStringLiteral("héllo 你好 🎉"));
    CHECK(content.at(2).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                      {QStringLiteral("id"), QStringLiteral("toolu_1")},
                      {QStringLiteral("name"), QStringLiteral("Read")},
                      {QStringLiteral("input"), QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/a")}}}});

    Response unknownUsage;
    const QJsonObject zero = AnthropicResponseCodec::encode(unknownUsage).value(QStringLiteral("usage")).toObject();
    CHECK(zero.value(QStringLiteral("input_tokens")).toInt(-1) == 0);
    CHECK(AnthropicResponseCodec::encode(unknownUsage).value(QStringLiteral("stop_reason")).isNull());
    CHECK(AnthropicResponseCodec::encode(unknownUsage)
              .value(QStringLiteral("id"))
              .toString()
              .startsWith(QStringLiteral("msg_")));
}

TEST_CASE("Anthropic response: an error body decodes to its error")
{
    Response response;
    const auto error = failureOf(AnthropicResponseCodec::decode(
        parseObject(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"), response));
    REQUIRE(error);
    CHECK(error->httpStatus == 529);
    CHECK(error->type == QStringLiteral("overloaded_error"));
    CHECK(error->message == QStringLiteral("Overloaded"));
}

TEST_CASE("Anthropic errors: encode and decode")
{
    ApiError error = ApiError::invalidRequest(QStringLiteral("messages: field required \"x\"\n"));
    const QByteArray body = AnthropicErrorCodec::encode(error, QStringLiteral("req_123"));
    CHECK(
        body ==
        QByteArray(
            R"({"type":"error","error":{"type":"invalid_request_error","message":"messages: field required \"x\"\n"},"request_id":"req_123"})"));
    const QJsonObject parsed = parseObject(body);
    CHECK(parsed.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString() ==
          error.message);

    const ApiError decoded = AnthropicErrorCodec::decode(429, body);
    CHECK(decoded.httpStatus == 429);
    CHECK(decoded.type == QStringLiteral("invalid_request_error"));
    CHECK(decoded.message == error.message);

    const ApiError html = AnthropicErrorCodec::decode(502, "  <html>Bad gateway</html>\n");
    CHECK(html.httpStatus == 502);
    CHECK(html.type == QStringLiteral("api_error"));
    CHECK(html.message == QStringLiteral("<html>Bad gateway</html>"));

    const ApiError empty = AnthropicErrorCodec::decode(503, QByteArray());
    CHECK(empty.type == QStringLiteral("overloaded_error"));
    CHECK(empty.message == QStringLiteral("upstream answered HTTP 503 with an empty body"));

    const ApiError simple = AnthropicErrorCodec::decode(404, R"({"error":"model not found"})");
    CHECK(simple.type == QStringLiteral("not_found_error"));
    CHECK(simple.message == QStringLiteral("model not found"));
}
