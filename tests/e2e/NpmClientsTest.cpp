// The official @anthropic-ai/sdk and openai npm clients through the gateway, parsing what
// Switchboard streams exactly as they parse the real APIs.
#include "E2eProcess.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

using namespace sb;
using namespace sb::test;

namespace {

QJsonObject runNodeClient(const char *script, const QString &baseUrl, const QString &model)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SWITCHBOARD_URL"), baseUrl);
    env.insert(QStringLiteral("SWITCHBOARD_TOKEN"), QLatin1String(GatewayHarness::kToken));
    env.insert(QStringLiteral("SWITCHBOARD_MODEL"), model);
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    INFO("node must be installed (the quickstart test command installs it)");
    REQUIRE_FALSE(node.isEmpty());
    const ProcessResult run =
        runClient(node, {e2eDir() + QLatin1Char('/') + QLatin1String(script)}, env, e2eDir(), 60000);
    INFO("stderr: " << run.err.toStdString());
    REQUIRE(run.finished);
    REQUIRE(run.exitCode == 0);
    const QJsonDocument document = QJsonDocument::fromJson(run.out.trimmed());
    REQUIRE(document.isObject());
    return document.object();
}

QByteArray configFor(const FakeOllama &ollama, const FakeOpenAi &openai)
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: 'claude-*'\n"
                          "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1'}\n"
                          "  - model_name: local-vllm\n"
                          "    litellm_params: {model: openai/Qwen/Qwen2.5-Coder-7B, api_base: '%2'}\n")
        .arg(ollama.baseUrl(), openai.apiBase())
        .toUtf8();
}

} // namespace

TEST_CASE("@anthropic-ai/sdk messages.stream with a tool parses Switchboard's stream")
{
    FakeOllama ollama;
    FakeOpenAi openai;
    GatewayHarness gateway(configFor(ollama, openai));
    REQUIRE(gateway.started());
    FakeTurn turn = FakeTurn::withToolCall(QStringLiteral("get_weather"),
                                           QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}});
    turn.text = QStringLiteral("Let me check — un instant.");
    turn.toolCalls.first().pieces = 5;
    openai.setTurn(turn);
    ollama.setTurn(turn);

    for (const char *model : {"claude-sonnet-4-5", "local-vllm"}) {
        INFO(model);
        const QJsonObject result = runNodeClient("sdk_stream.mjs", gateway.baseUrl(), QLatin1String(model));
        const QJsonObject message = result.value(QStringLiteral("message")).toObject();
        CHECK(message.value(QStringLiteral("stop_reason")).toString() == QStringLiteral("tool_use"));
        const QJsonArray content = message.value(QStringLiteral("content")).toArray();
        REQUIRE(content.size() == 2);
        CHECK(content[0].toObject().value(QStringLiteral("text")).toString() == turn.text);
        CHECK(content[1].toObject().value(QStringLiteral("name")).toString() == QStringLiteral("get_weather"));
        CHECK(
            content[1].toObject().value(QStringLiteral("input")).toObject().value(QStringLiteral("city")).toString() ==
            QStringLiteral("Paris"));
        CHECK(message.value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInt() == 7);
        CHECK(result.value(QStringLiteral("textEvents")).toInt() >= 1);
    }
}

TEST_CASE("the openai client streams tool_calls through Switchboard")
{
    FakeOllama ollama;
    FakeOpenAi openai;
    GatewayHarness gateway(configFor(ollama, openai));
    REQUIRE(gateway.started());
    FakeTurn turn = FakeTurn::withToolCall(QStringLiteral("get_weather"),
                                           QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}});
    turn.toolCalls.append(
        {QString(), QStringLiteral("get_weather"), QJsonObject{{QStringLiteral("city"), QStringLiteral("Lyon")}}, 3});
    ollama.setTurn(turn);
    openai.setTurn(turn);

    for (const char *model : {"claude-sonnet-4-5", "local-vllm"}) {
        INFO(model);
        const QJsonObject result = runNodeClient("openai_stream.mjs", gateway.baseUrl(), QLatin1String(model));
        CHECK(result.value(QStringLiteral("finishReason")).toString() == QStringLiteral("tool_calls"));
        const QJsonArray calls = result.value(QStringLiteral("calls")).toArray();
        REQUIRE(calls.size() == 2);
        CHECK(calls[0].toObject().value(QStringLiteral("name")).toString() == QStringLiteral("get_weather"));
        CHECK(QJsonDocument::fromJson(calls[0].toObject().value(QStringLiteral("arguments")).toString().toUtf8())
                  .object() == QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}});
        CHECK(QJsonDocument::fromJson(calls[1].toObject().value(QStringLiteral("arguments")).toString().toUtf8())
                  .object() == QJsonObject{{QStringLiteral("city"), QStringLiteral("Lyon")}});
        CHECK(calls[0].toObject().value(QStringLiteral("id")).toString() !=
              calls[1].toObject().value(QStringLiteral("id")).toString());
        CHECK(result.value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt() == 7);
    }
}
