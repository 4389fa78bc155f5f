#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "FailureOf.h"
#include "ProtocolTestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb;
using namespace sb::test;

namespace {
std::optional<ApiError> decodeText(const char *json, Request &out)
{
    return failureOf(AnthropicRequestCodec::decode(parseObject(QByteArray(json)), out));
}

QString errorFor(const char *json)
{
    Request request;
    const auto error = decodeText(json, request);
    if (!error)
        return QStringLiteral("<no error>");
    CHECK(error->httpStatus == 400);
    CHECK(error->type == QStringLiteral("invalid_request_error"));
    return error->message;
}
} // namespace

TEST_CASE("Anthropic request: Claude Code's main request decodes completely")
{
    Request request;
    const auto error = failureOf(AnthropicRequestCodec::decode(
        readJsonFixture(QStringLiteral("anthropic/claude_code_main_request.json")), request));
    REQUIRE_FALSE(error);

    CHECK(request.model == QStringLiteral("claude-opus-5-5"));
    CHECK(request.maxTokens == 32000);
    CHECK(request.stream);
    CHECK(request.thinking.mode == ThinkingConfig::Mode::Adaptive);
    CHECK(request.userId.startsWith(QStringLiteral("{\"device_id\":\"0f3c9a\"")));
    CHECK_FALSE(request.toolChoice.has_value());
    CHECK_FALSE(request.temperature.has_value());

    REQUIRE(request.system.size() == 3);
    CHECK(request.system[0].isBillingHeader());
    CHECK_FALSE(request.system[1].isBillingHeader());
    CHECK(request.system[1].text == QStringLiteral("You are a coding agent working in a terminal."));

    REQUIRE(request.messages.size() == 2);
    CHECK(request.messages[0].role == Message::Role::User);
    REQUIRE(request.messages[0].content.size() == 2);
    CHECK(request.messages[0].content[1].text == QStringLiteral("make greeting.txt that says héllo 你好 🎉"));
    CHECK(request.messages[1].role == Message::Role::System);
    REQUIRE(request.messages[1].content.size() == 1);
    CHECK(request.messages[1].content[0].text.startsWith(QStringLiteral("Environment: linux")));

    // Five custom tools (the deferred placeholder included); the web_search server tool is skipped.
    REQUIRE(request.tools.size() == 5);
    CHECK(request.tools[0].name == QStringLiteral("Bash"));
    CHECK(request.tools[3].name == QStringLiteral("Grep"));
    CHECK(request.tools[4].name == QStringLiteral("DeferredToolPlaceholder"));
    CHECK(request.tools[2].inputSchema.value(QStringLiteral("$schema")).toString() ==
          QStringLiteral("https://json-schema.org/draft/2020-12/schema"));
    CHECK(request.tools[2].inputSchema.value(QStringLiteral("required")).toArray().size() == 2);
}

TEST_CASE("Anthropic request: a tool_result turn keeps every block kind")
{
    Request request;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(
        readJsonFixture(QStringLiteral("anthropic/claude_code_tool_result_request.json")), request)));
    CHECK_FALSE(request.stream);
    REQUIRE(request.messages.size() == 4);
    CHECK(request.messages[1].content[0].text ==
          QStringLiteral("Environment: linux, cwd /home/dev/proj, git repo: yes."));

    const Message &assistant = request.messages[2];
    CHECK(assistant.role == Message::Role::Assistant);
    REQUIRE(assistant.content.size() == 5);
    CHECK(assistant.content[0].kind == ContentPart::Kind::Thinking);
    CHECK(assistant.content[0].signature == QStringLiteral("c2lnbmF0dXJlLW9uZQ=="));
    CHECK(assistant.content[1].kind == ContentPart::Kind::RedactedThinking);
    CHECK(assistant.content[1].redactedData == QStringLiteral("cmVkYWN0ZWQ="));
    CHECK(assistant.content[3].kind == ContentPart::Kind::ToolUse);
    CHECK(assistant.content[3].toolId == QStringLiteral("toolu_01AbCdEfGhIjKlMnOpQrStUv"));
    CHECK(assistant.content[3].toolName == QStringLiteral("Write"));
    CHECK(assistant.content[3].toolInput.value(QStringLiteral("content")).toString() ==
          QStringLiteral("héllo 你好 🎉\n"));

    const Message &results = request.messages[3];
    REQUIRE(results.content.size() == 4);
    CHECK(results.content[0].kind == ContentPart::Kind::ToolResult);
    CHECK(results.content[0].resultText() == QStringLiteral("Wrote 1 line to /home/dev/proj/greeting.txt"));
    CHECK_FALSE(results.content[0].isError);
    CHECK(results.content[1].isError);
    REQUIRE(results.content[1].resultParts.size() == 2);
    CHECK(results.content[1].resultParts[1].kind == ContentPart::Kind::Image);
    CHECK(results.content[1].resultParts[1].mediaType == QStringLiteral("image/png"));
    CHECK(results.content[1].resultParts[1].imageData == QStringLiteral("iVBORw0KGgo="));
    CHECK(results.content[3].kind == ContentPart::Kind::Image);
    CHECK(results.content[3].imageUrl == QStringLiteral("https://example.test/screen.png"));
}

TEST_CASE("Anthropic request: sampling, tool_choice, thinking and string system")
{
    Request request;
    REQUIRE_FALSE(decodeText(R"({"model":"m","max_tokens":100,"system":"Be brief.",
        "messages":[{"role":"user","content":"hi"}],
        "temperature":0.2,"top_p":0.9,"top_k":40,"stop_sequences":["END","STOP"],
        "tool_choice":{"type":"tool","name":"Bash","disable_parallel_tool_use":true},
        "thinking":{"type":"enabled","budget_tokens":2048},
        "service_tier":"auto","context_management":{}})",
                             request));
    REQUIRE(request.system.size() == 1);
    CHECK(request.system[0].text == QStringLiteral("Be brief."));
    CHECK(request.maxTokens == 100);
    CHECK(request.temperature == 0.2);
    CHECK(request.topP == 0.9);
    CHECK(request.topK == 40);
    CHECK(request.stopSequences == QStringList{QStringLiteral("END"), QStringLiteral("STOP")});
    REQUIRE(request.toolChoice);
    CHECK(request.toolChoice->mode == ToolChoice::Mode::Tool);
    CHECK(request.toolChoice->name == QStringLiteral("Bash"));
    CHECK(request.toolChoice->disableParallel);
    CHECK(request.thinking.mode == ThinkingConfig::Mode::Enabled);
    CHECK(request.thinking.budgetTokens == 2048);
    REQUIRE(request.messages.size() == 1);
    CHECK(request.messages[0].content[0].text == QStringLiteral("hi"));

    for (const auto &[json, mode] : {std::pair{R"({"type":"auto"})", ToolChoice::Mode::Auto},
                                     std::pair{R"({"type":"any"})", ToolChoice::Mode::Any},
                                     std::pair{R"({"type":"none"})", ToolChoice::Mode::None}}) {
        Request other;
        const QByteArray body = QByteArray(R"({"model":"m","messages":[],"tool_choice":)") + json + "}";
        REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(parseObject(body), other)));
        REQUIRE(other.toolChoice);
        CHECK(other.toolChoice->mode == mode);
    }
    Request disabled;
    REQUIRE_FALSE(decodeText(R"({"model":"m","messages":[],"thinking":{"type":"disabled"}})", disabled));
    CHECK(disabled.thinking.mode == ThinkingConfig::Mode::Off);
}

TEST_CASE("Anthropic request: errors name the field path")
{
    CHECK(errorFor(R"({"model":"m"})") == QStringLiteral("messages: field required"));
    CHECK(errorFor(R"({"messages":[]})") == QStringLiteral("model: field required"));
    CHECK(errorFor(R"({"model":"m","messages":[],"max_tokens":0})") ==
          QStringLiteral("max_tokens: must be a positive integer"));
    CHECK(errorFor(R"({"model":"m","messages":[],"max_tokens":1.5})") ==
          QStringLiteral("max_tokens: must be a positive integer"));
    CHECK(errorFor(R"({"model":"m","messages":[],"max_tokens":"9"})") ==
          QStringLiteral("max_tokens: must be a positive integer"));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
        {"role":"user","content":[{"type":"foo"}]}]})") ==
          QStringLiteral("messages.2.content.0: unknown content block type \"foo\""));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"robot","content":"a"}]})") ==
          QStringLiteral("messages.0.role: unknown role \"robot\""));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"user"}]})") ==
          QStringLiteral("messages.0.content: field required"));
    CHECK(
        errorFor(
            R"({"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":[1]}]}]})") ==
        QStringLiteral("messages.0.content.0.input: must be an object"));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]})") ==
          QStringLiteral("messages.0.content.0.tool_use_id: field required"));
    CHECK(
        errorFor(
            R"({"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]})") ==
        QStringLiteral("messages.0.content.0.source.type: unsupported image source type \"file\""));
    CHECK(errorFor(R"({"model":"m","messages":[],"tools":[{"name":"x"}]})") ==
          QStringLiteral("tools.0.input_schema: field required"));
    CHECK(errorFor(R"({"model":"m","messages":[],"system":[{"type":"image"}]})") ==
          QStringLiteral("system.0: system blocks must be text blocks"));
    CHECK(errorFor(R"({"model":"m","messages":[],"tool_choice":{"type":"maybe"}})") ==
          QStringLiteral("tool_choice.type: unknown tool_choice type \"maybe\""));
    CHECK(errorFor(R"({"model":"m","messages":[],"stop_sequences":["a",2]})") ==
          QStringLiteral("stop_sequences.1: must be a string"));
    CHECK(errorFor(R"({"model":"m","messages":[],"temperature":"hot"})") ==
          QStringLiteral("temperature: must be a number"));
    CHECK(errorFor(R"({"model":"m","messages":[],"metadata":{"user_id":{"a":1}}})") ==
          QStringLiteral("metadata.user_id: must be a string"));
}

TEST_CASE("Anthropic request: encode writes a valid body and folds system entries")
{
    Request request;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(
        readJsonFixture(QStringLiteral("anthropic/claude_code_tool_result_request.json")), request)));
    request.toolChoice = ToolChoice{ToolChoice::Mode::Any, {}, true};
    request.temperature = 0.5;
    const QJsonObject body = AnthropicRequestCodec::encode(request);

    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("claude-opus-5-5"));
    CHECK(body.value(QStringLiteral("max_tokens")).toInt() == 32000);
    CHECK(body.value(QStringLiteral("temperature")).toDouble() == 0.5);
    CHECK(body.value(QStringLiteral("tool_choice")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("any")},
                      {QStringLiteral("disable_parallel_tool_use"), true}});
    CHECK(body.value(QStringLiteral("thinking")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("adaptive"));
    CHECK(body.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("user_id")).toString() ==
          request.userId);
    CHECK_FALSE(body.contains(QStringLiteral("stream")));

    const QJsonArray system = body.value(QStringLiteral("system")).toArray();
    REQUIRE(system.size() == 4);
    CHECK(system.at(3).toObject().value(QStringLiteral("text")).toString() ==
          QStringLiteral("Environment: linux, cwd /home/dev/proj, git repo: yes."));

    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    REQUIRE(messages.size() == 3);
    CHECK(messages.at(1).toObject().value(QStringLiteral("role")).toString() == QStringLiteral("assistant"));
    const QJsonArray assistant = messages.at(1).toObject().value(QStringLiteral("content")).toArray();
    REQUIRE(assistant.size() == 5);
    CHECK(assistant.at(0).toObject().value(QStringLiteral("signature")).toString() ==
          QStringLiteral("c2lnbmF0dXJlLW9uZQ=="));
    CHECK(assistant.at(3)
              .toObject()
              .value(QStringLiteral("input"))
              .toObject()
              .value(QStringLiteral("file_path"))
              .toString() == QStringLiteral("/home/dev/proj/greeting.txt"));
    const QJsonArray results = messages.at(2).toObject().value(QStringLiteral("content")).toArray();
    CHECK(results.at(0).toObject().value(QStringLiteral("content")).toString() ==
          QStringLiteral("Wrote 1 line to /home/dev/proj/greeting.txt"));
    CHECK(results.at(1).toObject().value(QStringLiteral("is_error")).toBool());
    CHECK(results.at(1)
              .toObject()
              .value(QStringLiteral("content"))
              .toArray()
              .at(1)
              .toObject()
              .value(QStringLiteral("source"))
              .toObject()
              .value(QStringLiteral("media_type"))
              .toString() == QStringLiteral("image/png"));
    CHECK(results.at(3).toObject().value(QStringLiteral("source")).toObject().value(QStringLiteral("url")).toString() ==
          QStringLiteral("https://example.test/screen.png"));

    // Decoding what we encoded gives back the same conversation (system entries now at the top).
    Request again;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(body, again)));
    CHECK(again.system.size() == 4);
    CHECK(again.messages.size() == 3);
    CHECK(again.tools.size() == request.tools.size());
    CHECK(again.messages[1].content[4].toolInput == request.messages[2].content[4].toolInput);
}

TEST_CASE("Anthropic request: encode fills max_tokens and clamps the thinking budget")
{
    Request request;
    request.model = QStringLiteral("m");
    request.thinking.mode = ThinkingConfig::Mode::Enabled;
    request.thinking.budgetTokens = 10;
    const QJsonObject body = AnthropicRequestCodec::encode(request);
    CHECK(body.value(QStringLiteral("max_tokens")).toInt() == AnthropicRequestCodec::kDefaultMaxTokens);
    CHECK(body.value(QStringLiteral("thinking")).toObject().value(QStringLiteral("budget_tokens")).toInt() == 1024);
    CHECK_FALSE(body.contains(QStringLiteral("system")));
    CHECK_FALSE(body.contains(QStringLiteral("tools")));
}
