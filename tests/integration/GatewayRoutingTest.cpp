// Routing through the real gateway: retries on another deployment, fallbacks, cooldowns,
// the wait queue, scenario rules and session affinity, against several fakes at once.
#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QJsonArray>

using namespace sb;
using namespace sb::test;

namespace {

QString servedBy(const HttpResult &result)
{
    return QString::fromUtf8(result.header("x-switchboard-deployment"));
}

// The streamed text, its deltas joined.
QString streamedText(const HttpResult &result)
{
    QString text;
    for (const QJsonObject &event : result.eventData())
        text += event.value(QStringLiteral("delta")).toObject().value(QStringLiteral("text")).toString();
    return text;
}

QJsonObject errorOf(const HttpResult &result)
{
    return result.json().value(QStringLiteral("error")).toObject();
}

} // namespace

TEST_CASE("a refused first deployment is retried on the next one of its group, unseen by the client")
{
    FakeOpenAi live;
    live.setTurn(FakeTurn::withText(QStringLiteral("from the live one")));
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: ollama/dead, api_base: 'http://127.0.0.1:1', order: 1}\n"
                       "    model_info: {id: dead}\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: openai/live, api_base: '%1', order: 2}\n"
                       "    model_info: {id: live}\n")
            .arg(live.apiBase())
            .toUtf8());
    REQUIRE(gateway.started());
    for (bool stream : {false, true}) {
        INFO(stream);
        const HttpResult result =
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), stream));
        REQUIRE(result.status == 200);
        CHECK(servedBy(result) == QStringLiteral("live"));
        if (stream)
            CHECK(result.eventNames().count(QStringLiteral("message_start")) == 1);
        else
            CHECK(result.json()
                      .value(QStringLiteral("content"))
                      .toArray()[0]
                      .toObject()
                      .value(QStringLiteral("text"))
                      .toString() == QStringLiteral("from the live one"));
    }
    REQUIRE(waitUntil([&] { return gateway.records().size() == 2; }));
    CHECK(gateway.records().first().retries == 1);
    CHECK(gateway.records().first().deployment == QStringLiteral("live"));
}

TEST_CASE("a 429 is retried after the upstream's retry-after, then succeeds")
{
    FakeOpenAi upstream;
    upstream.failNext(429, 1, 1);
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: openai/m, api_base: '%1'}\n"
                                          "router_settings: {num_retries: 2}\n")
                               .arg(upstream.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());
    QElapsedTimer clock;
    clock.start();
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    CHECK(result.status == 200);
    CHECK(clock.elapsed() >= 1000);
    CHECK(upstream.turnCount() == 2);
    CHECK(result.eventNames().last() == QStringLiteral("message_stop"));
}

TEST_CASE("an exhausted group falls back to the configured groups, in order")
{
    FakeOllama broken;
    FakeOpenAi backup;
    broken.failNext(500, 100, -1, QStringLiteral("runner crashed"));
    backup.setTurn(FakeTurn::withText(QStringLiteral("backup answer")));
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: primary\n"
                                          "    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                                          "  - model_name: secondary\n"
                                          "    litellm_params: {model: openai/m, api_base: '%2'}\n"
                                          "router_settings:\n"
                                          "  num_retries: 0\n"
                                          "  fallbacks: [{primary: [secondary]}]\n")
                               .arg(broken.baseUrl(), backup.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("primary"), false));
    REQUIRE(result.status == 200);
    CHECK(servedBy(result) == QStringLiteral("openai/m@") + hostPort(backup.apiBase()));
    REQUIRE(waitUntil([&] { return !gateway.records().isEmpty(); }));
    CHECK(gateway.records().last().fallbackUsed);
    CHECK(gateway.records().last().modelGroup == QStringLiteral("primary"));
    CHECK(broken.turnCount() == 1);
}

TEST_CASE("failures cool a deployment down; a cooling group answers 529 with retry-after, then recovers")
{
    FakeOpenAi upstream;
    upstream.failNext(500, 1);
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: openai/m, api_base: '%1'}\n"
                                          "router_settings: {num_retries: 0, allowed_fails: 0, cooldown_time: 1}\n")
                               .arg(upstream.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());
    HttpResult result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(result.status == 500);
    const QString failure = errorOf(result).value(QStringLiteral("message")).toString();
    REQUIRE_FALSE(failure.isEmpty());
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(result.status == 529);
    CHECK(errorOf(result).value(QStringLiteral("type")).toString() == QStringLiteral("overloaded_error"));
    // It says why the deployment cools down: the failure the first client was told.
    CHECK(errorOf(result)
              .value(QStringLiteral("message"))
              .toString()
              .endsWith(QStringLiteral(" is cooling down after: ") + failure + QLatin1Char(')')));
    CHECK(result.header("retry-after").toInt() >= 1);
    CHECK(upstream.turnCount() == 1); // the cooling deployment was not asked
    const QJsonObject health = gateway.get(QStringLiteral("/health")).json();
    const QJsonObject entry = health.value(QStringLiteral("upstreams")).toArray().first().toObject();
    CHECK(entry.value(QStringLiteral("healthy")).toBool(true) == false);
    CHECK(entry.value(QStringLiteral("cooling_down_seconds")).toDouble() > 0);
    CHECK(health.value(QStringLiteral("status")).toString() == QStringLiteral("degraded"));
    // The cooldown ends by itself: /health says so, and the deployment serves again.
    REQUIRE(waitUntil(
        [&] {
            return gateway.get(QStringLiteral("/health"))
                .json()
                .value(QStringLiteral("upstreams"))
                .toArray()
                .first()
                .toObject()
                .value(QStringLiteral("healthy"))
                .toBool(false);
        },
        5000));
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(result.status == 200);
    CHECK(upstream.turnCount() == 2);
}

TEST_CASE("a stream that fails before any content is retried; after content it ends with an error event")
{
    FakeOpenAi first;
    FakeOpenAi second;
    first.setTurn(FakeTurn::withText(QStringLiteral("from first")));
    second.setTurn(FakeTurn::withText(QStringLiteral("from second")));
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: openai/a, api_base: '%1', order: 1}\n"
                                          "    model_info: {id: first}\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: openai/b, api_base: '%2', order: 2}\n"
                                          "    model_info: {id: second}\n"
                                          "router_settings: {num_retries: 1, allowed_fails: 100}\n")
                               .arg(first.apiBase(), second.apiBase())
                               .toUtf8());
    REQUIRE(gateway.started());

    first.cutNextStreamAfter(1); // the role chunk only: nothing the client would see
    HttpResult result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    REQUIRE(result.status == 200);
    CHECK(result.eventNames().count(QStringLiteral("message_start")) == 1);
    CHECK(result.eventNames().last() == QStringLiteral("message_stop"));
    CHECK(streamedText(result) == QStringLiteral("from second"));

    first.cutNextStreamAfter(3); // text already streamed: too late to switch
    const int secondBefore = second.turnCount();
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    REQUIRE(result.status == 200);
    CHECK(result.eventNames().last() == QStringLiteral("error"));
    CHECK(second.turnCount() == secondBefore);
}

TEST_CASE("requests over max_parallel_requests wait in the queue, and past its deadline get 529")
{
    FakeOllama upstream;
    upstream.slowFirstByte(600, -1);
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: ollama/m, api_base: '%1', max_parallel_requests: 1}\n"
                       "switchboard: {queue_timeout_seconds: 5}\n")
            .arg(upstream.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    QNetworkReply *a = gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    QNetworkReply *b = gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    REQUIRE(waitUntil([&] { return a->isFinished() && b->isFinished(); }, 8000));
    CHECK(a->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    CHECK(b->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    // Never two at once upstream: the second started after the first finished.
    const QList<RecordedRequest> turns = upstream.turnRequests();
    REQUIRE(turns.size() == 2);
    CHECK(turns[1].receivedAtMs - turns[0].receivedAtMs >= 550);
    a->deleteLater();
    b->deleteLater();
}

TEST_CASE("a full wait beyond the queue deadline is answered 529 with retry-after")
{
    FakeOllama upstream;
    upstream.slowFirstByte(1500, -1);
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: ollama/m, api_base: '%1', max_parallel_requests: 1}\n"
                       "switchboard: {queue_timeout_seconds: 0.3}\n")
            .arg(upstream.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    QNetworkReply *a = gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    REQUIRE(waitUntil([&] { return upstream.turnCount() == 1; }));
    const HttpResult b = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(b.status == 529);
    CHECK(b.header("retry-after") == QByteArray("1"));
    CHECK(errorOf(b).value(QStringLiteral("message")).toString().contains(QStringLiteral("queue")));
    REQUIRE(waitUntil([a] { return a->isFinished(); }, 5000));
    CHECK(a->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    a->deleteLater();
}

TEST_CASE("a queued request keeps its deadline while other groups' requests come and go")
{
    // Every request that ends elsewhere wakes the queue; one that still finds no slot must keep
    // its place and its deadline rather than start waiting anew.
    FakeOllama busy;
    busy.slowFirstByte(2500, -1);
    FakeOllama side;
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n"
                       "    litellm_params: {model: ollama/m, api_base: '%1', max_parallel_requests: 1}\n"
                       "  - model_name: side\n"
                       "    litellm_params: {model: ollama/s, api_base: '%2'}\n"
                       "switchboard: {queue_timeout_seconds: 0.8}\n")
            .arg(busy.baseUrl(), side.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    QNetworkReply *a = gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    REQUIRE(waitUntil([&] { return busy.turnCount() == 1; }));
    QNetworkReply *b = gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    int sideRequests = 0;
    QElapsedTimer clock;
    clock.start();
    while (!b->isFinished() && clock.elapsed() < 4000) {
        const HttpResult other =
            gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("side"), false));
        REQUIRE(other.status == 200);
        ++sideRequests;
    }
    REQUIRE(b->isFinished());
    CHECK(sideRequests >= 2);
    CHECK(b->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 529);
    CHECK(b->readAll().contains("queue"));
    REQUIRE(waitUntil([a] { return a->isFinished(); }, 5000));
    CHECK(a->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    a->deleteLater();
    b->deleteLater();
}

TEST_CASE("scenario rules send matching requests to their group and name themselves")
{
    FakeOllama big;
    FakeOllama small;
    big.setTurn(FakeTurn::withText(QStringLiteral("big")));
    small.setTurn(FakeTurn::withText(QStringLiteral("small")));
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: 'claude-*'\n"
                                          "    litellm_params: {model: ollama/big, api_base: '%1'}\n"
                                          "  - model_name: small\n"
                                          "    litellm_params: {model: ollama/small, api_base: '%2'}\n"
                                          "switchboard:\n"
                                          "  routes:\n"
                                          "    - {name: background, group: small, when: {request_class: background}}\n"
                                          "    - {name: haiku, group: small, when: {model: 'claude-*haiku*'}}\n")
                               .arg(big.baseUrl(), small.baseUrl())
                               .toUtf8());
    REQUIRE(gateway.started());
    HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-haiku-4-5"), true));
    CHECK(result.header("x-switchboard-route") == QByteArray("haiku"));
    CHECK(streamedText(result) == QStringLiteral("small"));

    GatewayHarness::Headers headers = GatewayHarness::anthropicHeaders();
    headers.append({QByteArrayLiteral("x-claude-code-request-class"), QByteArrayLiteral("background")});
    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true),
                          headers);
    CHECK(result.header("x-switchboard-route") == QByteArray("background"));

    result = gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true));
    CHECK(result.header("x-switchboard-route").isEmpty());
    CHECK(streamedText(result) == QStringLiteral("big"));
    CHECK(small.turnCount() == 2);
    CHECK(big.turnCount() == 1);
    REQUIRE(waitUntil([&] { return gateway.records().size() == 3; }));
    CHECK(gateway.records().first().routeRule == QStringLiteral("haiku"));
}

TEST_CASE("image and thinking rules read the decoded request: an image inside a tool result counts, the word in text "
          "does not")
{
    FakeOllama main;
    FakeOllama vision;
    FakeOllama thinker;
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                                          "  - model_name: vision\n"
                                          "    litellm_params: {model: ollama/v, api_base: '%2'}\n"
                                          "  - model_name: thinker\n"
                                          "    litellm_params: {model: ollama/t, api_base: '%3'}\n"
                                          "switchboard:\n"
                                          "  routes:\n"
                                          "    - {name: pictures, group: vision, when: {has_image: true}}\n"
                                          "    - {name: reasoning, group: thinker, when: {thinking: true}}\n")
                               .arg(main.baseUrl(), vision.baseUrl(), thinker.baseUrl())
                               .toUtf8());
    REQUIRE(gateway.started());
    const QByteArray toolResultWithImage = R"({"model":"main","max_tokens":64,"messages":[
        {"role":"user","content":"look"},
        {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shot","input":{}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]}]})";
    HttpResult result = gateway.postRaw(QStringLiteral("/v1/messages"), toolResultWithImage);
    CHECK(result.status == 200);
    CHECK(result.header("x-switchboard-route") == QByteArray("pictures"));

    const QByteArray quotedWord =
        R"({"model":"main","max_tokens":64,"messages":[{"role":"user","content":"say \"image\" twice"}]})";
    result = gateway.postRaw(QStringLiteral("/v1/messages"), quotedWord);
    CHECK(result.status == 200);
    CHECK(result.header("x-switchboard-route").isEmpty());

    const QByteArray thinking = R"({"model":"main","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},
        "messages":[{"role":"user","content":"think"}]})";
    result = gateway.postRaw(QStringLiteral("/v1/messages"), thinking);
    CHECK(result.header("x-switchboard-route") == QByteArray("reasoning"));

    const QByteArray effort =
        R"({"model":"main","reasoning_effort":"high","messages":[{"role":"user","content":"think"}]})";
    result = gateway.postRaw(QStringLiteral("/v1/chat/completions"), effort);
    CHECK(result.status == 200);
    CHECK(result.header("x-switchboard-route") == QByteArray("reasoning"));
    CHECK(vision.turnCount() == 1);
    CHECK(thinker.turnCount() == 2);
    CHECK(main.turnCount() == 1);
}

TEST_CASE("one Claude Code session stays on the deployment that served it")
{
    FakeOllama a;
    FakeOllama b;
    FakeOllama c;
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/m, api_base: '%2'}\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/m, api_base: '%3'}\n")
            .arg(a.baseUrl(), b.baseUrl(), c.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    for (const char *session : {"11111111-aaaa", "22222222-bbbb", "33333333-cccc"}) {
        GatewayHarness::Headers headers = GatewayHarness::anthropicHeaders();
        headers.append({QByteArrayLiteral("x-claude-code-session-id"), QByteArray(session)});
        QSet<QString> deployments;
        for (int turn = 0; turn < 6; ++turn) {
            const HttpResult result =
                gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false), headers);
            REQUIRE(result.status == 200);
            deployments.insert(servedBy(result));
        }
        CHECK(deployments.size() == 1);
    }
    CHECK(a.turnCount() + b.turnCount() + c.turnCount() == 18);
}

TEST_CASE("a prompt the upstream finds too long goes to the context-window fallback")
{
    FakeAnthropic small;
    FakeAnthropic large;
    small.failNext(400, 1, -1, QStringLiteral("prompt is too long: 40000 tokens > 32768 maximum"));
    large.setTurn(FakeTurn::withText(QStringLiteral("long context")));
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: anthropic/s, api_base: '%1'}\n"
                       "  - model_name: big-context\n    litellm_params: {model: anthropic/l, api_base: '%2'}\n"
                       "router_settings: {context_window_fallbacks: [{main: [big-context]}]}\n")
            .arg(small.baseUrl(), large.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    REQUIRE(result.status == 200);
    CHECK(streamedText(result) == QStringLiteral("long context"));
    CHECK(small.turnCount() == 1);
    CHECK(large.turnCount() == 1);
}

TEST_CASE("a group over its per-deployment rpm answers 429 with an integer retry-after")
{
    FakeOllama upstream;
    GatewayHarness gateway(QStringLiteral("model_list:\n"
                                          "  - model_name: main\n"
                                          "    litellm_params: {model: ollama/m, api_base: '%1', rpm: 1}\n")
                               .arg(upstream.baseUrl())
                               .toUtf8());
    REQUIRE(gateway.started());
    CHECK(gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false)).status == 200);
    const HttpResult limited =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(limited.status == 429);
    CHECK(errorOf(limited).value(QStringLiteral("type")).toString() == QStringLiteral("rate_limit_error"));
    bool ok = false;
    const int seconds = limited.header("retry-after").toInt(&ok);
    CHECK(ok);
    CHECK(seconds >= 1);
    CHECK(seconds <= 60);
    CHECK(upstream.turnCount() == 1);
}

TEST_CASE("a prompt larger than every deployment's context goes straight to the context-window fallback")
{
    FakeOllama small;
    FakeOllama large;
    large.setTurn(FakeTurn::withText(QStringLiteral("fits")));
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/s, api_base: '%1', num_ctx: 1024}\n"
                       "  - model_name: big\n    litellm_params: {model: ollama/l, api_base: '%2', num_ctx: 131072}\n"
                       "router_settings: {context_window_fallbacks: [{main: [big]}]}\n")
            .arg(small.baseUrl(), large.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    QJsonObject request = claudeCodeRequest(QStringLiteral("main"), false);
    request.insert(QStringLiteral("system"), QString(40000, QLatin1Char('x'))); // ~10K tokens > 1024
    const HttpResult result = gateway.post(QStringLiteral("/v1/messages"), request);
    REQUIRE(result.status == 200);
    CHECK(small.turnCount() == 0);
    CHECK(large.turnCount() == 1);
}

TEST_CASE("an upstream silent past first_byte_timeout_seconds fails over to the next deployment")
{
    FakeOllama slow;
    FakeOllama quick;
    slow.hangNext(5);
    GatewayHarness gateway(
        QStringLiteral("model_list:\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/s, api_base: '%1', order: 1}\n"
                       "    model_info: {id: slow}\n"
                       "  - model_name: main\n    litellm_params: {model: ollama/q, api_base: '%2', order: 2}\n"
                       "    model_info: {id: quick}\n"
                       "switchboard: {first_byte_timeout_seconds: 0.5}\n")
            .arg(slow.baseUrl(), quick.baseUrl())
            .toUtf8());
    REQUIRE(gateway.started());
    QElapsedTimer clock;
    clock.start();
    const HttpResult result =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false));
    CHECK(result.status == 200);
    CHECK(servedBy(result) == QStringLiteral("quick"));
    CHECK(clock.elapsed() >= 450);
    CHECK(clock.elapsed() < 3000);
}
