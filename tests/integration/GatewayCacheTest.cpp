// The response cache in the request path: deterministic requests are answered from the cache
// the second time, streaming hits replay as proper streams, and clients can bypass it.
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
QByteArray cachedConfig(const FakeOllama &ollama, const char *extra = "")
{
    return QStringLiteral(
               "model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: ollama/m, api_base: '%1'}\n"
               "litellm_settings: {cache: true, cache_params: {type: local, ttl: 60}}\n")
               .arg(ollama.baseUrl())
               .toUtf8() +
           extra;
}

QJsonObject deterministic(bool stream)
{
    QJsonObject request = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), stream);
    request.insert(QStringLiteral("temperature"), 0);
    return request;
}
} // namespace

TEST_CASE("a deterministic request is answered from the cache the second time, also as a stream")
{
    FakeOllama ollama;
    FakeTurn turn = FakeTurn::withToolCall(QStringLiteral("Write"),
                                           QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/tmp/x")}});
    turn.text = QStringLiteral("cached text");
    ollama.setTurn(turn);
    GatewayHarness gateway(cachedConfig(ollama));
    REQUIRE(gateway.started());

    const HttpResult first = gateway.post(QStringLiteral("/v1/messages"), deterministic(false));
    REQUIRE(first.status == 200);
    CHECK(first.header("x-switchboard-cache").isEmpty());
    // The billing line and metadata change every request; the key ignores them.
    QJsonObject again = deterministic(false);
    again.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("user_id"), QStringLiteral("other")}});
    const HttpResult second = gateway.post(QStringLiteral("/v1/messages"), again);
    REQUIRE(second.status == 200);
    CHECK(second.header("x-switchboard-cache") == QByteArray("hit"));
    CHECK(ollama.turnCount() == 1);
    CHECK(second.json().value(QStringLiteral("content")) == first.json().value(QStringLiteral("content")));
    CHECK(second.json().value(QStringLiteral("id")) != first.json().value(QStringLiteral("id")));

    const HttpResult streamed = gateway.post(QStringLiteral("/v1/messages"), deterministic(true));
    REQUIRE(streamed.status == 200);
    CHECK(streamed.header("x-switchboard-cache") == QByteArray("hit"));
    CHECK(ollama.turnCount() == 1);
    CHECK(streamed.eventNames().first() == QStringLiteral("message_start"));
    CHECK(streamed.eventNames().last() == QStringLiteral("message_stop"));
    QString text;
    QString input;
    for (const QJsonObject &event : streamed.eventData()) {
        const QJsonObject delta = event.value(QStringLiteral("delta")).toObject();
        text += delta.value(QStringLiteral("text")).toString();
        input += delta.value(QStringLiteral("partial_json")).toString();
    }
    CHECK(text == QStringLiteral("cached text"));
    CHECK(QJsonDocument::fromJson(input.toUtf8()).object().value(QStringLiteral("file_path")).toString() ==
          QStringLiteral("/tmp/x"));

    REQUIRE(waitUntil([&] { return gateway.records().size() == 3; }));
    CHECK(gateway.records().last().deployment == QStringLiteral("cache"));
}

TEST_CASE("a streamed answer is cached too, and replayed to a non-streaming request")
{
    FakeOllama ollama;
    ollama.setTurn(FakeTurn::withText(QStringLiteral("streamed once")));
    GatewayHarness gateway(cachedConfig(ollama));
    REQUIRE(gateway.started());
    REQUIRE(gateway.post(QStringLiteral("/v1/messages"), deterministic(true)).status == 200);
    REQUIRE(waitUntil([&] { return gateway.records().size() == 1; }));
    const HttpResult hit = gateway.post(QStringLiteral("/v1/messages"), deterministic(false));
    CHECK(hit.header("x-switchboard-cache") == QByteArray("hit"));
    CHECK(
        hit.json().value(QStringLiteral("content")).toArray()[0].toObject().value(QStringLiteral("text")).toString() ==
        QStringLiteral("streamed once"));
    CHECK(ollama.turnCount() == 1);
}

TEST_CASE("non-deterministic requests and bypass headers are not cached unless opted in")
{
    FakeOllama ollama;
    {
        GatewayHarness gateway(cachedConfig(ollama));
        REQUIRE(gateway.started());
        const QJsonObject sampled = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);
        gateway.post(QStringLiteral("/v1/messages"), sampled);
        gateway.post(QStringLiteral("/v1/messages"), sampled);
        CHECK(ollama.turnCount() == 2);

        GatewayHarness::Headers bypass = GatewayHarness::anthropicHeaders();
        bypass.append({QByteArrayLiteral("x-switchboard-cache"), QByteArrayLiteral("no")});
        gateway.post(QStringLiteral("/v1/messages"), deterministic(false), bypass);
        gateway.post(QStringLiteral("/v1/messages"), deterministic(false), bypass);
        CHECK(ollama.turnCount() == 4);
    }
    {
        GatewayHarness gateway(cachedConfig(ollama, "switchboard: {cache_all_requests: true}\n"));
        REQUIRE(gateway.started());
        const QJsonObject sampled = claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false);
        gateway.post(QStringLiteral("/v1/messages"), sampled);
        const HttpResult hit = gateway.post(QStringLiteral("/v1/messages"), sampled);
        CHECK(hit.header("x-switchboard-cache") == QByteArray("hit"));
        CHECK(ollama.turnCount() == 5);
    }
}

TEST_CASE("cache hits and misses are counted in the metrics")
{
    FakeOllama ollama;
    GatewayHarness gateway(cachedConfig(ollama));
    REQUIRE(gateway.started());
    gateway.post(QStringLiteral("/v1/messages"), deterministic(false));
    gateway.post(QStringLiteral("/v1/messages"), deterministic(false));
    gateway.post(QStringLiteral("/v1/messages"), deterministic(false));
    const QString metrics = QString::fromUtf8(gateway.get(QStringLiteral("/metrics")).body);
    INFO(metrics.toStdString());
    CHECK(metrics.contains(QStringLiteral("switchboard_cache_hits_total")));
    QRegularExpression hits(QStringLiteral("switchboard_cache_hits_total\\{[^}]*\\} 2"));
    QRegularExpression misses(QStringLiteral("switchboard_cache_misses_total\\{[^}]*\\} 1"));
    CHECK(hits.match(metrics).hasMatch());
    CHECK(misses.match(metrics).hasMatch());
}
