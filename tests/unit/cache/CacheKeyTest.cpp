#include "cache/CacheKey.h"
#include "cache/LocalCacheBackend.h"
#include "cache/ResponseCache.h"

#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb;

namespace {

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json), &error);
    REQUIRE(error.error == QJsonParseError::NoError);
    return document.object();
}

// A Claude Code-shaped request: billing line first, cache_control markers, session metadata.
QJsonObject claudeCodeRequest(const QString &billing, const QString &session)
{
    QJsonObject body = parse(R"({
        "model": "claude-sonnet-4",
        "max_tokens": 1024,
        "temperature": 0,
        "stream": true,
        "system": [
            {"type": "text", "text": "BILLING"},
            {"type": "text", "text": "You are Claude Code.", "cache_control": {"type": "ephemeral"}}
        ],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "hello", "cache_control": {"type": "ephemeral"}}]}
        ],
        "tools": [{"name": "Read", "input_schema": {"type": "object"}}]
    })");
    QJsonArray system = body.value(QStringLiteral("system")).toArray();
    QJsonObject first = system.at(0).toObject();
    first.insert(QStringLiteral("text"), billing);
    system.replace(0, first);
    body.insert(QStringLiteral("system"), system);
    body.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("user_id"), session}});
    body.insert(QStringLiteral("session_id"), session);
    return body;
}

} // namespace

TEST_CASE("Cache key ignores metadata, session ids, billing line, cache_control and stream", "[cache]")
{
    const QJsonObject a =
        claudeCodeRequest(QStringLiteral("x-anthropic-billing-header: cc_version=1.0.1.a1b; cc_entrypoint=cli;"),
                          QStringLiteral("user_1_session_aaaa"));
    QJsonObject b =
        claudeCodeRequest(QStringLiteral("x-anthropic-billing-header: cc_version=1.0.1.ffe; cc_entrypoint=cli;"),
                          QStringLiteral("user_1_session_bbbb"));
    b.insert(QStringLiteral("stream"), false);
    // The same request without any cache_control marker.
    QJsonObject c = b;
    QJsonArray system = c.value(QStringLiteral("system")).toArray();
    QJsonObject second = system.at(1).toObject();
    second.remove(QStringLiteral("cache_control"));
    system.replace(1, second);
    c.insert(QStringLiteral("system"), system);

    const QString key = CacheKey::compute(QStringLiteral("sonnet"), a);
    CHECK(key.size() == 64);
    CHECK(key == CacheKey::compute(QStringLiteral("sonnet"), b));
    CHECK(key == CacheKey::compute(QStringLiteral("sonnet"), c));
    CHECK_FALSE(CacheKey::canonicalJson(QStringLiteral("sonnet"), a).contains("billing"));
    CHECK_FALSE(CacheKey::canonicalJson(QStringLiteral("sonnet"), a).contains("session"));
    CHECK(CacheKey::canonicalJson(QStringLiteral("sonnet"), a).contains("You are Claude Code."));
}

TEST_CASE("Cache key changes with group, system, messages, tools and sampling", "[cache]")
{
    const QJsonObject base =
        claudeCodeRequest(QStringLiteral("x-anthropic-billing-header: cc_version=1;"), QStringLiteral("s"));
    const QString key = CacheKey::compute(QStringLiteral("sonnet"), base);
    CHECK(key != CacheKey::compute(QStringLiteral("opus"), base));

    const auto changed = [&](const QString &field, const QJsonValue &value) {
        QJsonObject body = base;
        body.insert(field, value);
        return CacheKey::compute(QStringLiteral("sonnet"), body);
    };
    CHECK(key !=
          changed(QStringLiteral("messages"), parse(R"({"m":[{"role":"user","content":"hello!"}]})").value("m")));
    CHECK(key != changed(QStringLiteral("system"), QStringLiteral("You are Claude Code.")));
    CHECK(key != changed(QStringLiteral("tools"),
                         parse(R"({"t":[{"name":"Write","input_schema":{"type":"object"}}]})").value("t")));
    CHECK(key != changed(QStringLiteral("tool_choice"), parse(R"({"t":{"type":"any"}})").value("t")));
    CHECK(key != changed(QStringLiteral("temperature"), 0.5));
    CHECK(key != changed(QStringLiteral("top_p"), 0.9));
    CHECK(key != changed(QStringLiteral("top_k"), 1));
    CHECK(key != changed(QStringLiteral("max_tokens"), 2048));
    CHECK(key != changed(QStringLiteral("stop_sequences"), QJsonArray{QStringLiteral("END")}));
    // Unknown fields are noise.
    CHECK(key == changed(QStringLiteral("user"), QStringLiteral("someone")));
}

TEST_CASE("Cache key handles OpenAI bodies: system messages, stop and max_completion_tokens", "[cache]")
{
    const QJsonObject a = parse(R"({"model":"m","temperature":0,"stream":true,"user":"u1",
        "stop":"END","max_completion_tokens":100,
        "messages":[{"role":"system","content":"x-anthropic-billing-header: cc_version=1;\nBe brief."},
                    {"role":"user","content":"hi"}]})");
    const QJsonObject b = parse(R"({"model":"m","temperature":0,"user":"u2",
        "stop":["END"],"max_tokens":100,
        "messages":[{"role":"system","content":"x-anthropic-billing-header: cc_version=2;\nBe brief."},
                    {"role":"user","content":"hi"}]})");
    const QJsonObject c = parse(R"({"model":"m","temperature":0,"stop":["END"],"max_tokens":100,
        "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"hi"}]})");
    CHECK(CacheKey::compute(QStringLiteral("g"), a) == CacheKey::compute(QStringLiteral("g"), b));
    CHECK(CacheKey::compute(QStringLiteral("g"), a) != CacheKey::compute(QStringLiteral("g"), c));
}

TEST_CASE("Only temperature 0 or top_k 1 is deterministic", "[cache]")
{
    CHECK(CacheKey::isDeterministic(parse(R"({"temperature":0})")));
    CHECK(CacheKey::isDeterministic(parse(R"({"temperature":0.0,"top_p":0.5})")));
    CHECK(CacheKey::isDeterministic(parse(R"({"temperature":0.7,"top_k":1})")));
    CHECK_FALSE(CacheKey::isDeterministic(parse(R"({})")));
    CHECK_FALSE(CacheKey::isDeterministic(parse(R"({"temperature":0.2})")));
    CHECK_FALSE(CacheKey::isDeterministic(parse(R"({"top_k":2})")));
    CHECK_FALSE(CacheKey::isDeterministic(parse(R"({"temperature":"0"})")));
}

TEST_CASE("Local cache backend expires entries by TTL on the injected clock", "[cache]")
{
    qint64 now = 1000;
    LocalCacheBackend cache(1024, [&] { return now; });
    cache.put(QStringLiteral("a"), "alpha", 10);
    cache.put(QStringLiteral("b"), "beta", 20);
    now += 9999;
    CHECK(cache.get(QStringLiteral("a")) == std::optional<QByteArray>("alpha"));
    now += 1;
    CHECK_FALSE(cache.get(QStringLiteral("a")).has_value());
    CHECK(cache.count() == 1);
    CHECK(cache.get(QStringLiteral("b")) == std::optional<QByteArray>("beta"));
    now += 10000;
    CHECK_FALSE(cache.get(QStringLiteral("b")).has_value());
    CHECK(cache.count() == 0);
    CHECK(cache.bytes() == 0);
    cache.put(QStringLiteral("c"), "gamma", 0);
    CHECK_FALSE(cache.get(QStringLiteral("c")).has_value());
}

TEST_CASE("Local cache backend evicts the least recently used entry at the size cap", "[cache]")
{
    qint64 now = 0;
    // Key "k1" costs 4 bytes, each value 10: three entries fit in 42 bytes, four do not.
    LocalCacheBackend cache(42, [&] { return now; });
    const QByteArray value(10, 'v');
    cache.put(QStringLiteral("k1"), value, 60);
    cache.put(QStringLiteral("k2"), value, 60);
    cache.put(QStringLiteral("k3"), value, 60);
    CHECK(cache.bytes() == 42);
    REQUIRE(cache.get(QStringLiteral("k1")).has_value()); // k2 is now the oldest
    cache.put(QStringLiteral("k4"), value, 60);
    CHECK(cache.count() == 3);
    CHECK_FALSE(cache.get(QStringLiteral("k2")).has_value());
    CHECK(cache.get(QStringLiteral("k1")).has_value());
    CHECK(cache.get(QStringLiteral("k3")).has_value());
    CHECK(cache.get(QStringLiteral("k4")).has_value());
    // Replacing keeps the byte count exact; a value over the cap is not kept at all.
    cache.put(QStringLiteral("k4"), QByteArray(2, 'x'), 60);
    CHECK(cache.bytes() == 42 - 8);
    cache.put(QStringLiteral("big"), QByteArray(100, 'x'), 60);
    CHECK_FALSE(cache.get(QStringLiteral("big")).has_value());
    CHECK(cache.count() == 3);
}

TEST_CASE("ResponseCache with the local backend answers later and counts hits and misses", "[cache]")
{
    qint64 now = 0;
    ResponseCache::Options options;
    options.enabled = true;
    options.defaultTtlSeconds = 5;
    options.localClock = [&] {
        return now;
    };
    ResponseCache cache(options);
    REQUIRE(cache.enabled());
    REQUIRE(cache.localBackend() != nullptr);
    CHECK(cache.redisBackend() == nullptr);

    cache.store(QStringLiteral("k"), "answer");
    bool called = false;
    std::optional<QByteArray> got;
    cache.lookup(QStringLiteral("k"), [&](std::optional<QByteArray> value) {
        called = true;
        got = std::move(value);
    });
    CHECK_FALSE(called); // never inside the call
    REQUIRE(test::waitUntil([&] { return called; }));
    CHECK(got == std::optional<QByteArray>("answer"));

    now += 5000; // the default TTL has passed
    called = false;
    cache.lookup(QStringLiteral("k"), [&](std::optional<QByteArray> value) {
        called = true;
        got = std::move(value);
    });
    REQUIRE(test::waitUntil([&] { return called; }));
    CHECK_FALSE(got.has_value());
    CHECK(cache.hits() == 1);
    CHECK(cache.misses() == 1);
    CHECK(cache.errors() == 0);
}

TEST_CASE("A disabled ResponseCache stores nothing and counts nothing", "[cache]")
{
    ResponseCache cache(ResponseCache::Options{});
    CHECK_FALSE(cache.enabled());
    cache.store(QStringLiteral("k"), "v", 60);
    bool called = false;
    std::optional<QByteArray> got = QByteArray("sentinel");
    cache.lookup(QStringLiteral("k"), [&](std::optional<QByteArray> value) {
        called = true;
        got = std::move(value);
    });
    REQUIRE(test::waitUntil([&] { return called; }));
    CHECK_FALSE(got.has_value());
    CHECK(cache.hits() + cache.misses() + cache.errors() == 0);
}
