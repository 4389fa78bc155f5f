#include "protocol/openai/OpenAiResponseCodec.h"
#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/openai/OpenAiErrorCodec.h"

#include <QJsonArray>

using namespace sb;
using namespace sb::test;

TEST_CASE("OpenAI response: an upstream answer with <think> tags and a tool call")
{
    Response response;
    REQUIRE_FALSE(failureOf(
        OpenAiResponseCodec::decode(readJsonFixture(QStringLiteral("openai/upstream_response.json")), response)));
    CHECK(response.id == QStringLiteral("msg_chatcmpl-resp1"));
    CHECK(response.model == QStringLiteral("deepseek-r1"));
    CHECK(response.stopReason == StopReason::ToolUse);
    CHECK(response.usage.inputTokens == 372); // 500 prompt tokens, 128 of them cached
    CHECK(response.usage.cacheReadTokens == 128);
    CHECK(response.usage.outputTokens == 40);
    REQUIRE(response.content.size() == 3);
    CHECK(response.content[0].kind == ContentPart::Kind::Thinking);
    CHECK(response.content[0].text == QStringLiteral("\nWhich file?\n"));
    CHECK(response.content[1].kind == ContentPart::Kind::Text);
    CHECK(response.content[1].text == QStringLiteral("Reading it now."));
    CHECK(response.content[2].kind == ContentPart::Kind::ToolUse);
    CHECK(response.content[2].toolId == QStringLiteral("call_r1"));
    CHECK(response.content[2].toolInput == QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/tmp/x")}});
}

TEST_CASE("OpenAI response: reasoning fields, missing ids, stop mapping and bad arguments")
{
    Response response;
    REQUIRE_FALSE(failureOf(
        OpenAiResponseCodec::decode(parseObject(R"({"id":"x","model":"m","choices":[{"message":{"role":"assistant",
        "reasoning":"think first","content":"","tool_calls":[{"type":"function","function":{"name":"f","arguments":""}}]},
        "finish_reason":"stop"}]})"),
                                    response)));
    REQUIRE(response.content.size() == 2);
    CHECK(response.content[0].text == QStringLiteral("think first"));
    CHECK(response.content[1].toolId.startsWith(QStringLiteral("toolu_")));
    CHECK(response.content[1].toolId.size() == 30);
    CHECK(response.content[1].toolInput.isEmpty());
    CHECK(response.stopReason == StopReason::ToolUse); // a tool call overrides "stop"
    CHECK(response.usage.inputTokens == -1);

    Response truncated;
    REQUIRE_FALSE(failureOf(OpenAiResponseCodec::decode(
        parseObject(R"({"choices":[{"message":{"content":"abc"},"finish_reason":"length"}]})"), truncated)));
    CHECK(truncated.stopReason == StopReason::MaxTokens);
    CHECK(truncated.id.startsWith(QStringLiteral("msg_")));

    Response bad;
    const auto error = failureOf(OpenAiResponseCodec::decode(
        parseObject(
            R"({"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"Bash","arguments":"{oops"}}]}}]})"),
        bad));
    REQUIRE(error);
    CHECK(error->httpStatus == 502);
    CHECK(error->message.startsWith(QStringLiteral("upstream sent invalid JSON arguments for tool \"Bash\"")));

    Response upstreamError;
    const auto upstream = failureOf(OpenAiResponseCodec::decode(
        parseObject(R"({"error":{"message":"context too long","code":400}})"), upstreamError));
    REQUIRE(upstream);
    CHECK(upstream->httpStatus == 400);
    CHECK(upstream->message == QStringLiteral("context too long"));
}

TEST_CASE("OpenAI response: encode writes a chat.completion")
{
    Response response;
    response.id = QStringLiteral("msg_abc123");
    response.model = QStringLiteral("gpt-local");
    response.content.push_back(ContentPart::makeThinking(QStringLiteral("reason")));
    response.content.push_back(ContentPart::makeText(QStringLiteral("héllo 你好 🎉")));
    response.content.push_back(
        ContentPart::makeToolUse(QStringLiteral("toolu_1"), QStringLiteral("Bash"),
                                 QJsonObject{{QStringLiteral("command"), QStringLiteral("ls")}}));
    response.stopReason = StopReason::ToolUse;
    response.usage.inputTokens = 10;
    response.usage.cacheReadTokens = 90;
    response.usage.outputTokens = 5;

    const QJsonObject body = OpenAiResponseCodec::encode(response);
    CHECK(body.value(QStringLiteral("id")).toString() == QStringLiteral("chatcmpl-abc123"));
    CHECK(body.value(QStringLiteral("object")).toString() == QStringLiteral("chat.completion"));
    CHECK(body.value(QStringLiteral("created")).toDouble() > 1.7e9);
    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("gpt-local"));
    const QJsonObject choice = body.value(QStringLiteral("choices")).toArray().at(0).toObject();
    CHECK(choice.value(QStringLiteral("finish_reason")).toString() == QStringLiteral("tool_calls"));
    const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
    CHECK(message.value(QStringLiteral("role")).toString() == QStringLiteral("assistant"));
    CHECK(message.value(QStringLiteral("content")).toString() == QStringLiteral("héllo 你好 🎉"));
    CHECK(message.value(QStringLiteral("reasoning_content")).toString() == QStringLiteral("reason"));
    const QJsonObject call = message.value(QStringLiteral("tool_calls")).toArray().at(0).toObject();
    CHECK(call.value(QStringLiteral("id")).toString() == QStringLiteral("toolu_1"));
    CHECK(call.value(QStringLiteral("function")).toObject() ==
          QJsonObject{{QStringLiteral("name"), QStringLiteral("Bash")},
                      {QStringLiteral("arguments"), QStringLiteral("{\"command\":\"ls\"}")}});
    CHECK(body.value(QStringLiteral("usage")).toObject() ==
          QJsonObject{{QStringLiteral("prompt_tokens"), 100},
                      {QStringLiteral("completion_tokens"), 5},
                      {QStringLiteral("total_tokens"), 105},
                      {QStringLiteral("prompt_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), 90}}}});

    Response toolsOnly;
    toolsOnly.content.push_back(ContentPart::makeToolUse(QStringLiteral("t"), QStringLiteral("f"), {}));
    const QJsonObject onlyMessage = OpenAiResponseCodec::encode(toolsOnly)
                                        .value(QStringLiteral("choices"))
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value(QStringLiteral("message"))
                                        .toObject();
    CHECK(onlyMessage.value(QStringLiteral("content")).isNull());
    CHECK(OpenAiResponseCodec::finishReason(StopReason::MaxTokens) == QStringLiteral("length"));
    CHECK(OpenAiResponseCodec::stopReason(QStringLiteral("content_filter")) == StopReason::Refusal);
    CHECK(OpenAiResponseCodec::stopReason(QStringLiteral("function_call")) == StopReason::ToolUse);
}

TEST_CASE("OpenAI errors: encode with OpenAI names, decode every server's shape")
{
    CHECK(
        OpenAiErrorCodec::encode(ApiError::invalidRequest(QStringLiteral("messages: field \"x\""))) ==
        QByteArray(
            R"({"error":{"message":"messages: field \"x\"","type":"invalid_request_error","param":null,"code":null}})"));
    const QJsonObject rate = parseObject(OpenAiErrorCodec::encode(ApiError::upstream(429, QStringLiteral("slow down"))))
                                 .value(QStringLiteral("error"))
                                 .toObject();
    CHECK(rate.value(QStringLiteral("type")).toString() == QStringLiteral("rate_limit_exceeded"));
    CHECK(rate.value(QStringLiteral("code")).toString() == QStringLiteral("rate_limit_exceeded"));
    const QJsonObject auth = parseObject(OpenAiErrorCodec::encode(ApiError::upstream(401, QStringLiteral("no"))))
                                 .value(QStringLiteral("error"))
                                 .toObject();
    CHECK(auth.value(QStringLiteral("type")).toString() == QStringLiteral("authentication_error"));
    CHECK(auth.value(QStringLiteral("code")).toString() == QStringLiteral("invalid_api_key"));
    CHECK(OpenAiErrorCodec::openAiType(QStringLiteral("not_found_error")) == QStringLiteral("not_found_error"));
    CHECK(OpenAiErrorCodec::openAiType(QStringLiteral("overloaded_error")) == QStringLiteral("server_error"));

    const ApiError openai = OpenAiErrorCodec::decode(
        404,
        R"({"error":{"message":"The model `x` does not exist","type":"invalid_request_error","code":"model_not_found"}})");
    CHECK(openai.httpStatus == 404);
    CHECK(openai.type == QStringLiteral("not_found_error"));
    CHECK(openai.message == QStringLiteral("The model `x` does not exist"));

    const ApiError vllm = OpenAiErrorCodec::decode(
        400,
        R"({"object":"error","message":"This model's maximum context length is 8192 tokens.","type":"BadRequestError","param":null,"code":400})");
    CHECK(vllm.type == QStringLiteral("invalid_request_error"));
    CHECK(vllm.message == QStringLiteral("This model's maximum context length is 8192 tokens."));

    CHECK(OpenAiErrorCodec::decode(500, R"({"error":"llama.cpp failed"})").message ==
          QStringLiteral("llama.cpp failed"));
    CHECK(OpenAiErrorCodec::decode(422, R"({"detail":"bad field"})").message == QStringLiteral("bad field"));
    const ApiError plain = OpenAiErrorCodec::decode(503, "Service Unavailable\n");
    CHECK(plain.type == QStringLiteral("overloaded_error"));
    CHECK(plain.message == QStringLiteral("Service Unavailable"));
}
