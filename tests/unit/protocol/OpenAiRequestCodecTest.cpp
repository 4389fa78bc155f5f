#include "protocol/openai/OpenAiRequestCodec.h"
#include "FailureOf.h"
#include "ProtocolTestSupport.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb;
using namespace sb::test;

namespace {
QString errorFor(const char *json)
{
    Request request;
    const auto error = failureOf(OpenAiRequestCodec::decode(parseObject(QByteArray(json)), request));
    if (!error)
        return QStringLiteral("<no error>");
    CHECK(error->httpStatus == 400);
    CHECK(error->type == QStringLiteral("invalid_request_error"));
    return error->message;
}

QJsonObject object(const QJsonValue &value)
{
    return value.toObject();
}
} // namespace

TEST_CASE("OpenAI request: a client body decodes to the canonical request")
{
    Request request;
    REQUIRE_FALSE(
        failureOf(OpenAiRequestCodec::decode(readJsonFixture(QStringLiteral("openai/client_request.json")), request)));
    CHECK(request.model == QStringLiteral("gpt-4o"));
    CHECK(request.maxTokens == 700); // max_completion_tokens wins over max_tokens
    CHECK(request.temperature == 0.3);
    CHECK(request.topP == 0.8);
    CHECK(request.stopSequences == QStringList{QStringLiteral("###")});
    CHECK(request.stream);
    CHECK(request.includeUsage);
    CHECK(request.userId == QStringLiteral("user-42"));
    REQUIRE(request.toolChoice);
    CHECK(request.toolChoice->mode == ToolChoice::Mode::Any);
    CHECK(request.toolChoice->disableParallel);
    REQUIRE(request.tools.size() == 2);
    CHECK(request.tools[1].name == QStringLiteral("read_file"));
    CHECK(request.tools[1].description == QStringLiteral("Read a file"));
    CHECK(request.tools[1].inputSchema.value(QStringLiteral("required")).toArray().at(0).toString() ==
          QStringLiteral("path"));

    // The leading system and developer messages form the system prompt.
    REQUIRE(request.system.size() == 2);
    CHECK(request.system[0].text == QStringLiteral("You are terse."));
    CHECK(request.system[1].text == QStringLiteral("Answer in English."));

    REQUIRE(request.messages.size() == 5);
    const Message &user = request.messages[0];
    CHECK(user.role == Message::Role::User);
    REQUIRE(user.content.size() == 3);
    CHECK(user.content[1].kind == ContentPart::Kind::Image);
    CHECK(user.content[1].mediaType == QStringLiteral("image/jpeg"));
    CHECK(user.content[1].imageData == QStringLiteral("/9j/4AAQSkZJRg=="));
    CHECK(user.content[1].imageUrl.isEmpty());
    CHECK(user.content[2].imageUrl == QStringLiteral("https://example.test/cat.png"));

    const Message &assistant = request.messages[1];
    CHECK(assistant.role == Message::Role::Assistant);
    REQUIRE(assistant.content.size() == 2);
    CHECK(assistant.content[0].kind == ContentPart::Kind::ToolUse);
    CHECK(assistant.content[0].toolId == QStringLiteral("call_1"));
    CHECK(assistant.content[0].toolInput == QJsonObject{{QStringLiteral("dir"), QStringLiteral("/src")}});
    CHECK(assistant.content[1].toolName == QStringLiteral("read_file"));

    // Two consecutive tool messages become one user turn of tool results.
    const Message &results = request.messages[2];
    CHECK(results.role == Message::Role::User);
    REQUIRE(results.content.size() == 2);
    CHECK(results.content[0].kind == ContentPart::Kind::ToolResult);
    CHECK(results.content[0].toolId == QStringLiteral("call_1"));
    CHECK(results.content[0].resultText() == QStringLiteral("a.txt\nb.txt"));
    CHECK(results.content[1].resultText() == QStringLiteral("héllo 你好 🎉"));

    // A system message after the conversation started keeps its place.
    CHECK(request.messages[3].role == Message::Role::System);
    CHECK(request.messages[3].content[0].text == QStringLiteral("Keep it short."));
    CHECK(request.messages[4].content[0].text == QStringLiteral("Summarise."));
}

TEST_CASE("OpenAI request: tool_choice forms and errors naming the field")
{
    Request named;
    REQUIRE_FALSE(failureOf(OpenAiRequestCodec::decode(
        parseObject(R"({"model":"m","messages":[],"tool_choice":{"type":"function","function":{"name":"f"}}})"),
        named)));
    REQUIRE(named.toolChoice);
    CHECK(named.toolChoice->mode == ToolChoice::Mode::Tool);
    CHECK(named.toolChoice->name == QStringLiteral("f"));
    CHECK_FALSE(named.toolChoice->disableParallel);

    Request none;
    REQUIRE_FALSE(failureOf(OpenAiRequestCodec::decode(
        parseObject(R"({"model":"m","messages":[],"tool_choice":"none","max_tokens":5,"stop":["a","b"]})"), none)));
    CHECK(none.toolChoice->mode == ToolChoice::Mode::None);
    CHECK(none.maxTokens == 5);
    CHECK(none.stopSequences.size() == 2);
    CHECK_FALSE(none.stream);

    CHECK(errorFor(R"({"model":"m","messages":[],"n":2})") == QStringLiteral("n: only n=1 is supported"));
    CHECK(errorFor(R"({"messages":[]})") == QStringLiteral("model: field required"));
    CHECK(errorFor(R"({"model":"m"})") == QStringLiteral("messages: field required"));
    CHECK(
        errorFor(
            R"({"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}]})")
            .startsWith(QStringLiteral(
                "messages.0.tool_calls.0.function.arguments: must be a JSON object encoded as a string")));
    CHECK(
        errorFor(
            R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"[1]"}}]}]})") ==
        QStringLiteral(
            "messages.0.tool_calls.0.function.arguments: must be a JSON object encoded as a string (not an object)"));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]})") ==
          QStringLiteral("messages.0.content.0: unsupported content part type \"input_audio\""));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"tool","content":"x"}]})") ==
          QStringLiteral("messages.0.tool_call_id: field required"));
    CHECK(errorFor(R"({"model":"m","messages":[{"role":"function","content":"x"}]})") ==
          QStringLiteral("messages.0.role: unsupported role \"function\""));
    CHECK(errorFor(R"({"model":"m","messages":[],"max_tokens":0})") ==
          QStringLiteral("max_tokens: must be a positive integer"));
    CHECK(errorFor(R"({"model":"m","messages":[],"tools":[{"type":"retrieval"}]})") ==
          QStringLiteral("tools.0.type: unsupported tool type \"retrieval\""));
    CHECK(errorFor(R"({"model":"m","messages":[],"tool_choice":"sometimes"})") ==
          QStringLiteral("tool_choice: unknown tool_choice \"sometimes\""));
    CHECK(errorFor(R"({"model":"m","messages":[],"stop":5})") ==
          QStringLiteral("stop: must be a string or an array of strings"));
}

TEST_CASE("OpenAI request: Claude Code's request encodes for an OpenAI-compatible upstream")
{
    Request request;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(
        readJsonFixture(QStringLiteral("anthropic/claude_code_tool_result_request.json")), request)));
    request.stream = true;
    request.topK = 20;
    request.stopSequences = {QStringLiteral("END")};
    request.toolChoice = ToolChoice{ToolChoice::Mode::Any, {}, true};
    const QJsonObject body = OpenAiRequestCodec::encode(request, OpenAiEncodeOptions{16384});

    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("claude-opus-5-5"));
    CHECK(body.value(QStringLiteral("max_tokens")).toInt() == 16384); // 32000 clamped to the cap
    CHECK_FALSE(body.contains(QStringLiteral("top_k")));
    CHECK(body.value(QStringLiteral("stop")).toArray() == QJsonArray{QStringLiteral("END")});
    CHECK(body.value(QStringLiteral("stream")).toBool());
    CHECK(body.value(QStringLiteral("stream_options")).toObject() ==
          QJsonObject{{QStringLiteral("include_usage"), true}});
    CHECK(body.value(QStringLiteral("tool_choice")).toString() == QStringLiteral("required"));
    CHECK(body.value(QStringLiteral("parallel_tool_calls")) == QJsonValue(false));

    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    REQUIRE(tools.size() == 5);
    CHECK(object(tools.at(0)).value(QStringLiteral("type")).toString() == QStringLiteral("function"));
    const QJsonObject write = object(object(tools.at(2)).value(QStringLiteral("function")));
    CHECK(write.value(QStringLiteral("name")).toString() == QStringLiteral("Write"));
    CHECK(write.value(QStringLiteral("description")).toString() ==
          QStringLiteral("Writes a file, replacing what it held."));
    CHECK(write.value(QStringLiteral("parameters")).toObject() == request.tools[2].inputSchema);

    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    QStringList roles;
    for (const QJsonValue &message : messages)
        roles.append(object(message).value(QStringLiteral("role")).toString());
    CHECK(roles == QStringList{QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("system"),
                               QStringLiteral("assistant"), QStringLiteral("tool"), QStringLiteral("tool"),
                               QStringLiteral("user")});

    // The billing line is gone; the other two system blocks are joined.
    CHECK(object(messages.at(0)).value(QStringLiteral("content")).toString() ==
          QStringLiteral("You are a coding agent working in a terminal.\n\nPrefer small, reviewable edits. Explain "
                         "what you changed."));
    CHECK(object(messages.at(1)).value(QStringLiteral("content")).toString() ==
          QStringLiteral("<system-reminder>Project notes live in NOTES.md.</system-reminder>\n\nmake greeting.txt that "
                         "says héllo 你好 🎉"));
    CHECK(object(messages.at(2)).value(QStringLiteral("content")).toString() ==
          QStringLiteral("Environment: linux, cwd /home/dev/proj, git repo: yes."));

    const QJsonObject assistant = object(messages.at(3));
    CHECK(assistant.value(QStringLiteral("content")).toString() == QStringLiteral("Creating greeting.txt now."));
    CHECK_FALSE(assistant.contains(QStringLiteral("reasoning_content")));
    const QJsonArray calls = assistant.value(QStringLiteral("tool_calls")).toArray();
    REQUIRE(calls.size() == 2);
    CHECK(object(calls.at(0)).value(QStringLiteral("id")).toString() ==
          QStringLiteral("toolu_01AbCdEfGhIjKlMnOpQrStUv"));
    CHECK(object(calls.at(0)).value(QStringLiteral("type")).toString() == QStringLiteral("function"));
    const QJsonObject function = object(object(calls.at(1)).value(QStringLiteral("function")));
    CHECK(function.value(QStringLiteral("name")).toString() == QStringLiteral("Bash"));
    CHECK(function.value(QStringLiteral("arguments")).toString() == QStringLiteral("{\"command\":\"ls -l\"}"));

    CHECK(object(messages.at(4)) ==
          QJsonObject{{QStringLiteral("role"), QStringLiteral("tool")},
                      {QStringLiteral("tool_call_id"), QStringLiteral("toolu_01AbCdEfGhIjKlMnOpQrStUv")},
                      {QStringLiteral("content"), QStringLiteral("Wrote 1 line to /home/dev/proj/greeting.txt")}});
    CHECK(object(messages.at(5)).value(QStringLiteral("content")).toString() ==
          QStringLiteral("Error: ls: permission denied"));

    // The user's text and images, plus the image from the tool result, follow the tool messages.
    const QJsonArray parts = object(messages.at(6)).value(QStringLiteral("content")).toArray();
    REQUIRE(parts.size() == 3);
    CHECK(object(parts.at(0)) ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("image_url")},
                      {QStringLiteral("image_url"),
                       QJsonObject{{QStringLiteral("url"), QStringLiteral("data:image/png;base64,iVBORw0KGgo=")}}}});
    CHECK(object(parts.at(1)) == QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                             {QStringLiteral("text"), QStringLiteral("also show me this")}});
    CHECK(object(object(parts.at(2)).value(QStringLiteral("image_url"))).value(QStringLiteral("url")).toString() ==
          QStringLiteral("https://example.test/screen.png"));
}

TEST_CASE("OpenAI request: tool_choice mapping and no-cap encoding")
{
    Request request;
    request.model = QStringLiteral("m");
    request.maxTokens = 100;
    request.tools.push_back(
        Tool{QStringLiteral("f"), QString(), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}});

    request.toolChoice = ToolChoice{ToolChoice::Mode::Tool, QStringLiteral("f"), false};
    QJsonObject body = OpenAiRequestCodec::encode(request);
    CHECK(body.value(QStringLiteral("max_tokens")).toInt() == 100);
    CHECK(body.value(QStringLiteral("tool_choice")).toObject() ==
          QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                      {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), QStringLiteral("f")}}}});
    CHECK_FALSE(body.contains(QStringLiteral("parallel_tool_calls")));
    CHECK_FALSE(body.contains(QStringLiteral("stream")));
    CHECK_FALSE(body.contains(QStringLiteral("stream_options")));
    CHECK_FALSE(object(object(body.value(QStringLiteral("tools")).toArray().at(0)).value(QStringLiteral("function")))
                    .contains(QStringLiteral("description")));

    request.toolChoice = ToolChoice{ToolChoice::Mode::None, {}, false};
    CHECK(OpenAiRequestCodec::encode(request).value(QStringLiteral("tool_choice")).toString() ==
          QStringLiteral("none"));
    request.toolChoice = ToolChoice{ToolChoice::Mode::Auto, {}, false};
    CHECK(OpenAiRequestCodec::encode(request).value(QStringLiteral("tool_choice")).toString() ==
          QStringLiteral("auto"));
    CHECK(OpenAiRequestCodec::encode(request, OpenAiEncodeOptions{4096}).value(QStringLiteral("max_tokens")).toInt() ==
          100);
}
