// The gateway on a loopback port, in front of the three kinds of fake upstream, streaming
// and not: what the client receives and what the upstream was sent.
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace sb;
using namespace sb::test;

namespace {

struct Upstreams
{
    FakeOllama ollama;
    FakeOpenAi openai;
    FakeAnthropic anthropic;

    QByteArray config(const char *extra = "") const
    {
        return QStringLiteral(
                   "model_list:\n"
                   "  - model_name: 'claude-*'\n"
                   "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n"
                   "  - model_name: via-openai\n"
                   "    litellm_params: {model: openai/Qwen/Qwen2.5-7B, api_base: '%2', api_key: up-openai-key}\n"
                   "  - model_name: via-anthropic\n"
                   "    litellm_params: {model: anthropic/claude-upstream, api_base: '%3', api_key: up-anthropic-key}\n"
                   "switchboard: {ping_interval_seconds: 0.3}\n")
                   .arg(ollama.baseUrl(), openai.apiBase(), anthropic.baseUrl())
                   .toUtf8() +
               extra;
    }
};

QString joinedDeltas(const HttpResult &result, const char *deltaType, const char *field)
{
    QString joined;
    for (const QJsonObject &data : result.eventData()) {
        const QJsonObject delta = data.value(QStringLiteral("delta")).toObject();
        if (data.value(QStringLiteral("type")).toString() == QStringLiteral("content_block_delta") &&
            delta.value(QStringLiteral("type")).toString() == QLatin1String(deltaType))
            joined += delta.value(QLatin1String(field)).toString();
    }
    return joined;
}

QJsonObject messageDelta(const HttpResult &result)
{
    for (const QJsonObject &data : result.eventData()) {
        if (data.value(QStringLiteral("type")).toString() == QStringLiteral("message_delta"))
            return data;
    }
    return {};
}

const QJsonObject kWriteArgs{{QStringLiteral("file_path"), QStringLiteral("/tmp/work/hello.txt")},
                             {QStringLiteral("content"), QStringLiteral("hi")}};

} // namespace

TEST_CASE("a Claude Code turn streams from Ollama as Anthropic events, tool call included")
{
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    up.ollama.setTurn(FakeTurn::withToolCall(QStringLiteral("Write"), kWriteArgs));

    const HttpResult result = gateway.post(QStringLiteral("/v1/messages?beta=true"),
                                           claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true));
    REQUIRE(result.status == 200);
    CHECK(result.header("content-type").startsWith("text/event-stream"));
    CHECK(result.header("x-switchboard-deployment") ==
          (QStringLiteral("ollama/qwen2.5-coder:7b@") + hostPort(up.ollama.baseUrl())).toUtf8());
    CHECK(result.eventNames() == QStringList{QStringLiteral("message_start"), QStringLiteral("content_block_start"),
                                             QStringLiteral("content_block_delta"),
                                             QStringLiteral("content_block_stop"), QStringLiteral("message_delta"),
                                             QStringLiteral("message_stop")});
    const QList<QJsonObject> data = result.eventData();
    const QJsonObject start = data[1].value(QStringLiteral("content_block")).toObject();
    CHECK(start.value(QStringLiteral("type")).toString() == QStringLiteral("tool_use"));
    CHECK(start.value(QStringLiteral("name")).toString() == QStringLiteral("Write"));
    CHECK(start.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("toolu_")));
    CHECK(QJsonDocument::fromJson(joinedDeltas(result, "input_json_delta", "partial_json").toUtf8()).object() ==
          kWriteArgs);
    const QJsonObject delta = messageDelta(result);
    CHECK(delta.value(QStringLiteral("delta")).toObject().value(QStringLiteral("stop_reason")).toString() ==
          QStringLiteral("tool_use"));
    CHECK(delta.value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInt() == 7);
    CHECK(data[0].value(QStringLiteral("message")).toObject().value(QStringLiteral("model")).toString() ==
          QStringLiteral("claude-opus-5-5"));

    // What Ollama was sent: its native chat API with the context it needs.
    REQUIRE(up.ollama.turnRequests().size() == 1);
    const RecordedRequest sent = up.ollama.turnRequests().first();
    CHECK(sent.pathWithoutQuery() == QByteArray("/api/chat"));
    const QJsonObject body = sent.json();
    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("qwen2.5-coder:7b"));
    CHECK(body.value(QStringLiteral("stream")).toBool());
    CHECK(body.value(QStringLiteral("options")).toObject().value(QStringLiteral("num_ctx")).toInt() == 32768);
    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    // The system prompt, then the user turn with Claude Code's mid-conversation role:system entry
    // folded into it (issue 13: a second system message breaks many chat templates).
    REQUIRE(messages.size() >= 2);
    CHECK(messages[0].toObject().value(QStringLiteral("role")).toString() == QStringLiteral("system"));
    int systemMessages = 0;
    for (const QJsonValue &message : messages)
        systemMessages += message.toObject().value(QStringLiteral("role")).toString() == QStringLiteral("system");
    CHECK(systemMessages == 1);
    CHECK_FALSE(QJsonDocument(body).toJson().contains("x-anthropic-billing-header"));
    CHECK_FALSE(body.contains(QStringLiteral("thinking")));
    CHECK_FALSE(body.contains(QStringLiteral("context_management")));
    QStringList toolNames;
    for (const QJsonValue &tool : body.value(QStringLiteral("tools")).toArray())
        toolNames.append(
            tool.toObject().value(QStringLiteral("function")).toObject().value(QStringLiteral("name")).toString());
    CHECK(toolNames.contains(QStringLiteral("Write")));
    CHECK_FALSE(QJsonDocument(body).toJson().contains("defer_loading"));

    REQUIRE(waitUntil([&] { return !gateway.records().isEmpty(); }));
    const RequestRecord record = gateway.records().last();
    CHECK(record.status == 200);
    CHECK(record.clientModel == QStringLiteral("claude-opus-5-5"));
    CHECK(record.outputTokens == 7);
    CHECK(record.inputTokens == 12);
}

TEST_CASE("thinking and multi-byte text from an OpenAI-compatible server survive any split")
{
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    FakeTurn turn = FakeTurn::withText(QStringLiteral("héllo 你好 🎉 done"));
    turn.thinking = QStringLiteral("let me think… ✓");
    turn.textPieces = 6;
    up.openai.setTurn(turn);
    up.openai.setWireSplit(FakeWireSplit::InsideUtf8);

    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("via-openai"), true));
    REQUIRE(result.status == 200);
    CHECK(joinedDeltas(result, "thinking_delta", "thinking") == turn.thinking);
    CHECK(joinedDeltas(result, "text_delta", "text") == turn.text);
    const QList<QJsonObject> data = result.eventData();
    QStringList blockTypes;
    for (const QJsonObject &event : data) {
        if (event.value(QStringLiteral("type")).toString() == QStringLiteral("content_block_start"))
            blockTypes.append(
                event.value(QStringLiteral("content_block")).toObject().value(QStringLiteral("type")).toString());
    }
    CHECK(blockTypes == QStringList{QStringLiteral("thinking"), QStringLiteral("text")});
    CHECK(messageDelta(result)
              .value(QStringLiteral("delta"))
              .toObject()
              .value(QStringLiteral("stop_reason"))
              .toString() == QStringLiteral("end_turn"));

    const RecordedRequest sent = up.openai.turnRequests().first();
    CHECK(sent.pathWithoutQuery() == QByteArray("/v1/chat/completions"));
    CHECK(sent.header("authorization") == QByteArray("Bearer up-openai-key"));
    const QJsonObject body = sent.json();
    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("Qwen/Qwen2.5-7B"));
    CHECK(body.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool());
    CHECK(body.value(QStringLiteral("max_tokens")).toInt() == 32000);
}

TEST_CASE("several tool calls stream as several tool_use blocks with their own ids")
{
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    FakeTurn turn;
    turn.text = QStringLiteral("Creating two files.");
    turn.toolCalls.append({QString(), QStringLiteral("Write"), kWriteArgs, 5});
    turn.toolCalls.append(
        {QString(), QStringLiteral("Bash"), QJsonObject{{QStringLiteral("command"), QStringLiteral("ls -la")}}, 4});
    up.openai.setTurn(turn);

    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("via-openai"), true));
    REQUIRE(result.status == 200);
    QStringList ids;
    QMap<int, QString> inputs;
    for (const QJsonObject &event : result.eventData()) {
        const int index = event.value(QStringLiteral("index")).toInt();
        if (event.value(QStringLiteral("type")).toString() == QStringLiteral("content_block_start") &&
            event.value(QStringLiteral("content_block")).toObject().value(QStringLiteral("type")).toString() ==
                QStringLiteral("tool_use"))
            ids.append(event.value(QStringLiteral("content_block")).toObject().value(QStringLiteral("id")).toString());
        if (event.value(QStringLiteral("delta")).toObject().value(QStringLiteral("type")).toString() ==
            QStringLiteral("input_json_delta"))
            inputs[index] +=
                event.value(QStringLiteral("delta")).toObject().value(QStringLiteral("partial_json")).toString();
    }
    REQUIRE(ids.size() == 2);
    CHECK(ids[0] != ids[1]);
    REQUIRE(inputs.size() == 2);
    CHECK(QJsonDocument::fromJson(inputs.first().toUtf8()).object() == kWriteArgs);
    CHECK(QJsonDocument::fromJson(inputs.last().toUtf8()).object().value(QStringLiteral("command")).toString() ==
          QStringLiteral("ls -la"));
}

TEST_CASE("an Anthropic upstream gets the body with only the model changed, and its bytes come back unchanged")
{
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    up.anthropic.setApiKey(QStringLiteral("up-anthropic-key"));
    FakeTurn turn = FakeTurn::withToolCall(QStringLiteral("Write"), kWriteArgs);
    turn.thinking = QStringLiteral("plan");
    up.anthropic.setTurn(turn);

    GatewayHarness::Headers headers = GatewayHarness::anthropicHeaders();
    headers.append(
        {QByteArrayLiteral("anthropic-beta"), QByteArrayLiteral("claude-code-20250219,context-management-2025-06-27")});
    const QJsonObject request = claudeCodeRequest(QStringLiteral("via-anthropic"), true);
    const HttpResult result = gateway.post(QStringLiteral("/v1/messages?beta=true"), request, headers);
    REQUIRE(result.status == 200);

    REQUIRE(up.anthropic.turnRequests().size() == 1);
    const RecordedRequest sent = up.anthropic.turnRequests().first();
    QJsonObject expected = request;
    expected.insert(QStringLiteral("model"), QStringLiteral("claude-upstream"));
    CHECK(sent.json() == expected);
    CHECK(sent.header("anthropic-beta") == QByteArray("claude-code-20250219,context-management-2025-06-27"));
    CHECK(sent.header("anthropic-version") == QByteArray("2023-06-01"));
    CHECK(sent.header("x-api-key") == QByteArray("up-anthropic-key"));
    CHECK_FALSE(sent.header("authorization").contains(GatewayHarness::kToken));

    // The upstream's stream, byte for byte.
    // (Rendering again gives the next serial number in ids; normalise only those.)
    const QRegularExpression serial(QStringLiteral("_fake_[0-9]+"));
    const QString rendered =
        QString::fromUtf8(up.anthropic.renderTurn(sent, turn).body()).replace(serial, QStringLiteral("_fake_N"));
    CHECK(QString::fromUtf8(result.body).replace(serial, QStringLiteral("_fake_N")) == rendered);
    CHECK(joinedDeltas(result, "thinking_delta", "thinking") == QStringLiteral("plan"));
    REQUIRE(waitUntil([&] { return !gateway.records().isEmpty(); }));
    CHECK(gateway.records().last().outputTokens == 7);
    CHECK(gateway.records().last().inputTokens == 12);
}

TEST_CASE("a pass-through sends the client's bytes with only the model's value changed")
{
    // Qt's JSON would have reordered the keys, dropped the spaces, written 1.0 as 1 and
    // rounded the long integer; the spliced body keeps all of it.
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    up.anthropic.setApiKey(QStringLiteral("up-anthropic-key"));
    up.anthropic.setTurn(FakeTurn::withText(QStringLiteral("hi")));
    const QByteArray before = "{\n  \"stream\": false,\n  \"model\": \"via-anthropic\",\n  \"max_tokens\": 64,\n"
                              "  \"temperature\": 1.0,\n  \"x_trace\": 12345678901234567890123,\n"
                              "  \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]\n}";
    const HttpResult result = gateway.postRaw(QStringLiteral("/v1/messages"), before);
    REQUIRE(result.status == 200);
    CHECK(result.json().value(QStringLiteral("content")).toArray().at(0).toObject().value(QStringLiteral("text")) ==
          QStringLiteral("hi"));
    REQUIRE(up.anthropic.turnRequests().size() == 1);
    QByteArray expected = before;
    expected.replace("\"via-anthropic\"", "\"claude-upstream\"");
    CHECK(up.anthropic.turnRequests().first().body == expected);
}

TEST_CASE("non-streaming answers come back as one message from every kind of upstream")
{
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    FakeTurn turn = FakeTurn::withToolCall(QStringLiteral("Write"), kWriteArgs);
    turn.text = QStringLiteral("Writing it.");
    up.ollama.setTurn(turn);
    up.openai.setTurn(turn);
    up.anthropic.setTurn(turn);

    for (const char *model : {"claude-sonnet-4-5", "via-openai", "via-anthropic"}) {
        INFO(model);
        const HttpResult result =
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QLatin1String(model), false));
        REQUIRE(result.status == 200);
        const QJsonObject message = result.json();
        CHECK(message.value(QStringLiteral("type")).toString() == QStringLiteral("message"));
        CHECK(message.value(QStringLiteral("stop_reason")).toString() == QStringLiteral("tool_use"));
        const QJsonArray content = message.value(QStringLiteral("content")).toArray();
        REQUIRE(content.size() == 2);
        CHECK(content[0].toObject().value(QStringLiteral("text")).toString() == QStringLiteral("Writing it."));
        CHECK(content[1].toObject().value(QStringLiteral("type")).toString() == QStringLiteral("tool_use"));
        CHECK(content[1].toObject().value(QStringLiteral("input")).toObject() == kWriteArgs);
        CHECK(message.value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInt() == 7);
    }
    CHECK_FALSE(up.ollama.turnRequests().first().json().value(QStringLiteral("stream")).toBool(true));
}

TEST_CASE("OpenAI clients reach Ollama and Anthropic upstreams with streamed tool calls")
{
    Upstreams up;
    GatewayHarness gateway(up.config("  \n"));
    REQUIRE(gateway.started());
    up.ollama.setTurn(FakeTurn::withToolCall(QStringLiteral("get_weather"),
                                             QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}}));
    up.anthropic.setTurn(FakeTurn::withText(QStringLiteral("Bonjour")));

    const QJsonObject tool{
        {QStringLiteral("type"), QStringLiteral("function")},
        {QStringLiteral("function"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("get_weather")},
                     {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}}}};
    QJsonObject request{{QStringLiteral("model"), QStringLiteral("claude-sonnet-4-5")},
                        {QStringLiteral("stream"), true},
                        {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}},
                        {QStringLiteral("tools"), QJsonArray{tool}},
                        {QStringLiteral("messages"),
                         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                {QStringLiteral("content"), QStringLiteral("Weather in Paris?")}}}}};
    const GatewayHarness::Headers headers{
        {QByteArrayLiteral("Authorization"), QByteArray("Bearer ") + GatewayHarness::kToken},
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
    HttpResult result = gateway.post(QStringLiteral("/v1/chat/completions"), request, headers);
    REQUIRE(result.status == 200);
    const std::vector<SseEvent> events = result.events();
    REQUIRE(!events.empty());
    CHECK(events.back().data == QByteArray("[DONE]"));
    QString arguments;
    QString finish;
    bool sawUsage = false;
    for (const QJsonObject &chunk : result.eventData()) {
        CHECK(chunk.value(QStringLiteral("object")).toString() == QStringLiteral("chat.completion.chunk"));
        const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
        if (choices.isEmpty()) {
            sawUsage =
                chunk.value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt() == 7;
            continue;
        }
        const QJsonObject choice = choices[0].toObject();
        for (const QJsonValue &call :
             choice.value(QStringLiteral("delta")).toObject().value(QStringLiteral("tool_calls")).toArray())
            arguments += call.toObject()
                             .value(QStringLiteral("function"))
                             .toObject()
                             .value(QStringLiteral("arguments"))
                             .toString();
        if (!choice.value(QStringLiteral("finish_reason")).isNull())
            finish = choice.value(QStringLiteral("finish_reason")).toString();
    }
    CHECK(QJsonDocument::fromJson(arguments.toUtf8()).object().value(QStringLiteral("city")).toString() ==
          QStringLiteral("Paris"));
    CHECK(finish == QStringLiteral("tool_calls"));
    CHECK(sawUsage);

    request.insert(QStringLiteral("model"), QStringLiteral("via-anthropic"));
    request.insert(QStringLiteral("stream"), false);
    result = gateway.post(QStringLiteral("/v1/chat/completions"), request, headers);
    REQUIRE(result.status == 200);
    const QJsonObject completion = result.json();
    CHECK(completion.value(QStringLiteral("object")).toString() == QStringLiteral("chat.completion"));
    CHECK(completion.value(QStringLiteral("choices"))
              .toArray()[0]
              .toObject()
              .value(QStringLiteral("message"))
              .toObject()
              .value(QStringLiteral("content"))
              .toString() == QStringLiteral("Bonjour"));
    const RecordedRequest sent = up.anthropic.turnRequests().last();
    CHECK(sent.json()
              .value(QStringLiteral("messages"))
              .toArray()[0]
              .toObject()
              .value(QStringLiteral("role"))
              .toString() == QStringLiteral("user"));
    CHECK(sent.json().value(QStringLiteral("max_tokens")).toInt() > 0);
}

TEST_CASE("a silent upstream gets message_start and pings out to the client before any content")
{
    Upstreams up;
    GatewayHarness gateway(up.config());
    REQUIRE(gateway.started());
    up.ollama.slowFirstByte(1000);
    up.ollama.setTurn(FakeTurn::withText(QStringLiteral("finally")));

    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true));
    REQUIRE(result.status == 200);
    const QStringList names = result.eventNames();
    REQUIRE(names.size() >= 4);
    CHECK(names[0] == QStringLiteral("message_start"));
    CHECK(names[1] == QStringLiteral("ping"));
    CHECK(names.count(QStringLiteral("message_start")) == 1);
    CHECK(names.indexOf(QStringLiteral("ping")) < names.indexOf(QStringLiteral("content_block_start")));
    CHECK(names.last() == QStringLiteral("message_stop"));
    CHECK(joinedDeltas(result, "text_delta", "text") == QStringLiteral("finally"));
}
