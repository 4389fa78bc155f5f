// Bad input and failing upstreams: every error in the client's own format, never a hang,
// never a silently truncated stream.
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>

using namespace sb;
using namespace sb::test;

namespace {

struct ErrorEnv
{
    FakeOllama ollama;
    FakeOpenAi openai;
    FakeAnthropic anthropic;
    QByteArray config(const char *extra = "") const
    {
        return QStringLiteral("model_list:\n"
                              "  - model_name: 'claude-*'\n"
                              "    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: '%1', timeout: 1.5}\n"
                              "  - model_name: via-openai\n"
                              "    litellm_params: {model: openai/local, api_base: '%2'}\n"
                              "  - model_name: via-anthropic\n"
                              "    litellm_params: {model: anthropic/claude-up, api_base: '%3'}\n"
                              "  - model_name: dead-ollama\n"
                              "    litellm_params: {model: ollama/x, api_base: 'http://127.0.0.1:1'}\n"
                              "switchboard: {max_body_mb: 1}\n"
                              // These tests check how one failure maps to the client; retries have their own.
                              "router_settings: {num_retries: 0, allowed_fails: 100}\n")
                   .arg(ollama.baseUrl(), openai.apiBase(), anthropic.baseUrl())
                   .toUtf8() +
               extra;
    }
};

QJsonObject errorOf(const HttpResult &result)
{
    return result.json().value(QStringLiteral("error")).toObject();
}

const GatewayHarness::Headers kOpenAiHeaders{
    {QByteArrayLiteral("Authorization"), QByteArray("Bearer ") + GatewayHarness::kToken},
    {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};

} // namespace

TEST_CASE("malformed JSON is a 400 that says where")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.postRaw(QStringLiteral("/v1/messages"), QByteArray("{\"model\": \"x\",\n  \"messages\": [}"));
    CHECK(result.status == 400);
    CHECK(result.json().value(QStringLiteral("type")).toString() == QStringLiteral("error"));
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("invalid_request_error"));
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("line 2")));
    CHECK(result.json().value(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_")));

    const HttpResult openai =
        gateway.postRaw(QStringLiteral("/v1/chat/completions"), QByteArray("nope"), kOpenAiHeaders);
    CHECK(openai.status == 400);
    CHECK(errorOf(openai).value(QStringLiteral("message")).toString().contains(QStringLiteral("malformed JSON")));
    CHECK(errorOf(openai).value(QStringLiteral("type")).toString() == QStringLiteral("invalid_request_error"));
}

TEST_CASE("missing or wrong fields are 400s naming the field")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    QJsonObject body = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);
    body.remove(QStringLiteral("model"));
    HttpResult result = gateway.post(QStringLiteral("/v1/messages"), body);
    CHECK(result.status == 400);
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().startsWith(QStringLiteral("model")));

    body = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);
    body.remove(QStringLiteral("messages"));
    result = gateway.post(QStringLiteral("/v1/messages"), body);
    CHECK(result.status == 400);
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("messages")));

    body = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);
    body.insert(QStringLiteral("max_tokens"), QStringLiteral("many"));
    result = gateway.post(QStringLiteral("/v1/messages"), body);
    CHECK(result.status == 400);
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("max_tokens")));
    CHECK(env.ollama.turnCount() == 0);
}

TEST_CASE("a model with no deployment is a 404 listing the configured names")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("gpt-4o"), false));
    CHECK(result.status == 404);
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("not_found_error"));
    const QString message = errorOf(result).value(QStringLiteral("message")).toString();
    CHECK(message.contains(QStringLiteral("gpt-4o")));
    CHECK(message.contains(QStringLiteral("claude-*, via-openai, via-anthropic, dead-ollama")));
}

TEST_CASE("a body over the limit is refused with 413 before it is read")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    QJsonObject body = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);
    body.insert(QStringLiteral("padding"), QString(1100 * 1024, QLatin1Char('x')));
    const HttpResult result = gateway.post(QStringLiteral("/v1/messages"), body);
    CHECK(result.status == 413);
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("request_too_large"));
    CHECK(env.ollama.turnCount() == 0);

    // The gateway still serves the next client.
    CHECK(gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false))
              .status == 200);
}

TEST_CASE("a refused upstream gets an error naming it and the fix")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    for (bool stream : {false, true}) {
        INFO(stream);
        const HttpResult result =
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("dead-ollama"), stream));
        CHECK(result.status == 502);
        CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("api_error"));
        CHECK(errorOf(result).value(QStringLiteral("message")).toString() ==
              QStringLiteral("Ollama at 127.0.0.1:1 refused the connection — is `ollama serve` running?"));
    }
}

TEST_CASE("upstream 429, 5xx and overload map to the client's statuses")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());

    env.openai.failNext(429, 1, 7);
    HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("via-openai"), true));
    CHECK(result.status == 429);
    CHECK(result.header("retry-after") == QByteArray("7"));
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("rate_limit_error"));

    env.ollama.failNext(500, 1, -1, QStringLiteral("llama runner crashed"));
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false));
    CHECK(result.status == 500);
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("llama runner crashed")));

    env.openai.failNext(503);
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("via-openai"), false));
    CHECK(result.status == 529);
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("overloaded_error"));

    // An Anthropic-format upstream's errors pass through unchanged.
    env.anthropic.failNext(529, 1, -1, QStringLiteral("Overloaded"));
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("via-anthropic"), true));
    CHECK(result.status == 529);
    QJsonObject relayed = result.json();
    QJsonObject original =
        QJsonDocument::fromJson(env.anthropic.errorReply(529, QStringLiteral("Overloaded")).body()).object();
    CHECK(relayed.take(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_fake_")));
    original.remove(QStringLiteral("request_id"));
    CHECK(relayed == original);

    // Ollama's "model not found" says how to get the model.
    env.ollama.setModels({QStringLiteral("llama3.1:8b")});
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false));
    CHECK(result.status == 404);
    CHECK(errorOf(result)
              .value(QStringLiteral("message"))
              .toString()
              .contains(QStringLiteral("ollama pull qwen2.5-coder:7b")));
}

TEST_CASE("a stream that dies mid-way ends with an SSE error event, never silently")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    env.ollama.setTurn(FakeTurn::withText(QStringLiteral("a long answer that will not finish")));

    SECTION("the connection is cut")
    {
        env.ollama.cutNextStreamAfter(2);
    }
    SECTION("the upstream sends an error line")
    {
        env.ollama.errorMidStreamNext(2, QStringLiteral("out of memory"));
    }
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true));
    REQUIRE(result.status == 200);
    const QStringList names = result.eventNames();
    REQUIRE(!names.isEmpty());
    CHECK(names.first() == QStringLiteral("message_start"));
    CHECK(names.last() == QStringLiteral("error"));
    CHECK_FALSE(names.contains(QStringLiteral("message_stop")));
    CHECK(result.eventData().last().value(QStringLiteral("type")).toString() == QStringLiteral("error"));
}

TEST_CASE("an upstream that never answers times out with 504")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    env.ollama.hangNext();
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false),
                     GatewayHarness::anthropicHeaders(), 8000);
    CHECK(result.status == 504);
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("timeout_error"));
    CHECK(errorOf(result).value(QStringLiteral("message")).toString().contains(QStringLiteral("timed out")));
}

TEST_CASE("a client that hangs up aborts the upstream request within 100 ms")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    FakeTurn turn = FakeTurn::withText(QString(400, QLatin1Char('z')));
    turn.textPieces = 200;
    env.ollama.setTurn(turn);
    env.ollama.setChunkDelay(50); // ten seconds of streaming

    QNetworkReply *reply =
        gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true));
    REQUIRE(waitUntil([reply] { return reply->bytesAvailable() > 300; }));
    const qint64 hungUpAt = FakeHttpServer::monotonicMs();
    reply->abort();
    reply->deleteLater();
    REQUIRE(waitUntil([&] { return env.ollama.server().abortedStreams() == 1; }, 3000));
    const AbortRecord abort = env.ollama.server().abortRecords().first();
    CHECK(abort.seenAtMs - hungUpAt <= 100);
    CHECK(abort.chunksSent < 150);
    REQUIRE(waitUntil([&] { return !gateway.records().isEmpty(); }));
    CHECK(gateway.records().last().status == 499);
}

TEST_CASE("slow clients of a stream do not stop the gateway serving others")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    env.ollama.slowFirstByte(800);
    QNetworkReply *slow =
        gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true));
    env.openai.setTurn(FakeTurn::withText(QStringLiteral("quick")));
    const HttpResult quick =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("via-openai"), false));
    CHECK(quick.status == 200);
    CHECK_FALSE(slow->isFinished());
    REQUIRE(waitUntil([slow] { return slow->isFinished(); }, 5000));
    CHECK(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    slow->deleteLater();
}

TEST_CASE("a client that stops reading pauses the upstream instead of buffering the answer")
{
    ErrorEnv env;
    GatewayHarness gateway(env.config());
    REQUIRE(gateway.started());
    // 48 MB of answer: far more than the socket buffers between fake, gateway and client.
    FakeTurn turn = FakeTurn::withText(QString(48 * 1024 * 1024, QLatin1Char('q')));
    turn.textPieces = 3000;
    env.openai.setTurn(turn);

    QTcpSocket client;
    client.setReadBufferSize(4096); // Qt stops reading from the kernel: a slow client
    client.connectToHost(QHostAddress::LocalHost, gateway.port());
    REQUIRE(client.waitForConnected(5000));
    const QByteArray body =
        QJsonDocument(claudeCodeRequest(QStringLiteral("via-openai"), true)).toJson(QJsonDocument::Compact);
    client.write(
        "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + QByteArray(GatewayHarness::kToken) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    REQUIRE(waitUntil([&] { return env.openai.turnCount() == 1; }));
    // The upstream could not hand its answer over: the gateway stopped reading it.
    CHECK(waitUntil([&] { return env.openai.server().unsentBytes() > 16 * 1024 * 1024; }, 5000));

    client.setReadBufferSize(0);
    QByteArray received;
    REQUIRE(waitUntil(
        [&] {
            received += client.readAll();
            return received.endsWith("0\r\n\r\n");
        },
        60000));
    CHECK(received.contains("event: message_stop"));
    CHECK(env.openai.server().unsentBytes() == 0);
    CHECK(received.count("\"text_delta\"") == 3000);
}
