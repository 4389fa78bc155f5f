#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/ollama/OllamaErrorCodec.h"
#include "protocol/ollama/OllamaRequestCodec.h"
#include "protocol/ollama/OllamaResponseCodec.h"

#include <QJsonArray>

using namespace sb;
using namespace sb::test;

namespace {
QJsonObject object(const QJsonValue &value)
{
    return value.toObject();
}
} // namespace

TEST_CASE("Ollama request: Claude Code's tool_result turn encodes for /api/chat")
{
    Request request;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(
        readJsonFixture(QStringLiteral("anthropic/claude_code_tool_result_request.json")), request)));
    request.temperature = 0.7;
    request.topK = 30;
    request.stopSequences = {QStringLiteral("</done>")};
    OllamaOptions options;
    options.numCtx = 65536;
    options.keepAlive = QStringLiteral("30m");
    options.think = true;
    const QJsonObject body = OllamaRequestCodec::encode(request, options);

    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("claude-opus-5-5"));
    CHECK(body.value(QStringLiteral("stream")) == QJsonValue(false));
    CHECK(body.value(QStringLiteral("keep_alive")).toString() == QStringLiteral("30m"));
    CHECK(body.value(QStringLiteral("think")) == QJsonValue(true));
    CHECK(body.value(QStringLiteral("options")).toObject() ==
          QJsonObject{{QStringLiteral("num_ctx"), 65536},
                      {QStringLiteral("num_predict"), 32000},
                      {QStringLiteral("temperature"), 0.7},
                      {QStringLiteral("top_k"), 30},
                      {QStringLiteral("stop"), QJsonArray{QStringLiteral("</done>")}}});

    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    REQUIRE(tools.size() == 5);
    CHECK(object(tools.at(1)) ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                      {QStringLiteral("function"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Read")},
                                   {QStringLiteral("description"), QStringLiteral("Reads a text file from disk.")},
                                   {QStringLiteral("parameters"), request.tools[1].inputSchema}}}});

    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    REQUIRE(messages.size() == 7);
    CHECK(object(messages.at(0)) ==
          QJsonObject{
              {QStringLiteral("role"), QStringLiteral("system")},
              {QStringLiteral("content"), QStringLiteral("You are a coding agent working in a terminal.\n\nPrefer "
                                                         "small, reviewable edits. Explain what you changed.")}});
    CHECK(object(messages.at(1)).value(QStringLiteral("role")).toString() == QStringLiteral("user"));
    CHECK(object(messages.at(2)) ==
          QJsonObject{
              {QStringLiteral("role"), QStringLiteral("system")},
              {QStringLiteral("content"), QStringLiteral("Environment: linux, cwd /home/dev/proj, git repo: yes.")}});
    const QJsonObject assistant = object(messages.at(3));
    CHECK(assistant.value(QStringLiteral("role")).toString() == QStringLiteral("assistant"));
    CHECK(assistant.value(QStringLiteral("content")).toString() == QStringLiteral("Creating greeting.txt now."));
    CHECK(assistant.value(QStringLiteral("thinking")).toString() ==
          QStringLiteral("The user wants a file with a greeting."));
    const QJsonArray calls = assistant.value(QStringLiteral("tool_calls")).toArray();
    REQUIRE(calls.size() == 2);
    CHECK(object(calls.at(0)) ==
          QJsonObject{
              {QStringLiteral("function"),
               QJsonObject{{QStringLiteral("name"), QStringLiteral("Write")},
                           {QStringLiteral("arguments"),
                            QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/home/dev/proj/greeting.txt")},
                                        {QStringLiteral("content"), QStringLiteral("héllo 你好 🎉\n")}}}}}});
    CHECK(object(messages.at(4)) ==
          QJsonObject{{QStringLiteral("role"), QStringLiteral("tool")},
                      {QStringLiteral("content"), QStringLiteral("Wrote 1 line to /home/dev/proj/greeting.txt")},
                      {QStringLiteral("tool_name"), QStringLiteral("Write")}});
    CHECK(object(messages.at(5)) ==
          QJsonObject{{QStringLiteral("role"), QStringLiteral("tool")},
                      {QStringLiteral("content"), QStringLiteral("Error: ls: permission denied")},
                      {QStringLiteral("tool_name"), QStringLiteral("Bash")}});
    CHECK(object(messages.at(6)) ==
          QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                      {QStringLiteral("content"),
                       QStringLiteral("also show me this\n\n[image: https://example.test/screen.png]")},
                      {QStringLiteral("images"), QJsonArray{QStringLiteral("iVBORw0KGgo=")}}});
}

TEST_CASE("Ollama request: tool_choice none drops tools; numeric keep_alive; defaults")
{
    Request request;
    request.model = QStringLiteral("llama3.2");
    request.stream = true;
    request.tools.push_back(Tool{QStringLiteral("f"), QStringLiteral("d"), QJsonObject{}});
    request.toolChoice = ToolChoice{ToolChoice::Mode::None, {}, false};
    request.messages.push_back(Message{Message::Role::User, {ContentPart::makeText(QStringLiteral("hi"))}});
    OllamaOptions options;
    options.keepAlive = QStringLiteral("-1");
    const QJsonObject body = OllamaRequestCodec::encode(request, options);
    CHECK_FALSE(body.contains(QStringLiteral("tools")));
    CHECK_FALSE(body.contains(QStringLiteral("think")));
    CHECK(body.value(QStringLiteral("keep_alive")) == QJsonValue(-1));
    CHECK(body.value(QStringLiteral("stream")) == QJsonValue(true));
    CHECK(body.value(QStringLiteral("options")).toObject() == QJsonObject{{QStringLiteral("num_ctx"), 32768}});
    CHECK(body.value(QStringLiteral("messages")).toArray() ==
          QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                 {QStringLiteral("content"), QStringLiteral("hi")}}});

    OllamaOptions noThinking;
    noThinking.think = false;
    CHECK(OllamaRequestCodec::encode(request, noThinking).value(QStringLiteral("think")) == QJsonValue(false));
    CHECK_FALSE(OllamaRequestCodec::encode(request, noThinking).contains(QStringLiteral("keep_alive")));
}

TEST_CASE("Ollama response: thinking, text and a tool call")
{
    Response response;
    REQUIRE_FALSE(failureOf(
        OllamaResponseCodec::decode(readJsonFixture(QStringLiteral("ollama/upstream_response.json")), response)));
    CHECK(response.id.startsWith(QStringLiteral("msg_")));
    CHECK(response.model == QStringLiteral("qwen3-coder:30b"));
    CHECK(response.stopReason == StopReason::ToolUse);
    CHECK(response.usage.inputTokens == 300);
    CHECK(response.usage.outputTokens == 25);
    REQUIRE(response.content.size() == 3);
    CHECK(response.content[0].kind == ContentPart::Kind::Thinking);
    CHECK(response.content[0].text == QStringLiteral("Use Bash."));
    CHECK(response.content[1].text == QStringLiteral("Let me run it."));
    CHECK(response.content[2].toolId.startsWith(QStringLiteral("toolu_")));
    CHECK(response.content[2].toolId.size() == 30);
    CHECK(response.content[2].toolName == QStringLiteral("Bash"));
    CHECK(response.content[2].toolInput == QJsonObject{{QStringLiteral("command"), QStringLiteral("make test")}});

    Response length;
    REQUIRE_FALSE(failureOf(OllamaResponseCodec::decode(
        parseObject(
            R"({"model":"m","message":{"role":"assistant","content":"<think>a</think>b"},"done":true,"done_reason":"length"})"),
        length)));
    CHECK(length.stopReason == StopReason::MaxTokens);
    REQUIRE(length.content.size() == 2);
    CHECK(length.content[0].kind == ContentPart::Kind::Thinking);
    CHECK(length.content[1].text == QStringLiteral("b"));
    CHECK(length.usage.inputTokens == -1);

    Response failed;
    const auto error =
        failureOf(OllamaResponseCodec::decode(parseObject(R"({"error":"model 'qwen9' not found"})"), failed));
    REQUIRE(error);
    CHECK(error->httpStatus == 404);
    CHECK(error->type == QStringLiteral("not_found_error"));
}

TEST_CASE("Ollama errors: not found, other errors and plain text")
{
    const ApiError missing = OllamaErrorCodec::decode(404, R"({"error":"model 'qwen9:7b' not found"})");
    CHECK(missing.httpStatus == 404);
    CHECK(missing.type == QStringLiteral("not_found_error"));
    CHECK(missing.message == QStringLiteral("model 'qwen9:7b' not found — run `ollama pull qwen9:7b`"));

    const ApiError pulled =
        OllamaErrorCodec::decode(400, R"({"error":"model \"llama9\" not found, try pulling it first"})");
    CHECK(pulled.httpStatus == 404);
    CHECK(pulled.message == QStringLiteral("model \"llama9\" not found, try pulling it first"));

    const ApiError busy = OllamaErrorCodec::decode(
        503, R"({"error":"server busy, please try again.  maximum pending requests exceeded"})");
    CHECK(busy.httpStatus == 503);
    CHECK(busy.type == QStringLiteral("overloaded_error"));

    const ApiError plain = OllamaErrorCodec::decode(500, "panic: runtime error\n");
    CHECK(plain.type == QStringLiteral("api_error"));
    CHECK(plain.message == QStringLiteral("panic: runtime error"));
}
