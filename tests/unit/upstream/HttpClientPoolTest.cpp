// The pool's kept-alive connections: capped per upstream and closed when unused too long.
#include "upstream/HttpClientPool.h"
#include "FakeHttpServer.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace sb;
using namespace sb::test;

namespace {

struct Counting final : HttpResponseHandler
{
    int ended = 0;
    int failed = 0;
    void httpResponseHead(int, const HttpHeaders &) override {}
    void httpResponseBody(const char *, qsizetype) override {}
    void httpResponseEnd() override { ++ended; }
    void httpFailed(const HttpFailure &) override { ++failed; }
};

} // namespace

TEST_CASE("a burst leaves at most the idle cap open, and idle connections expire")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    // Each answer takes a moment, so the burst needs one connection per request.
    server.setHandler("GET", "/slow", [](const RecordedRequest &) {
        FakeReply reply = FakeReply::json(200, R"({"ok":true})");
        reply.firstByteDelayMs = 300;
        return reply;
    });
    HttpClientPool pool;
    pool.setIdleLimits(8, 400);
    Counting handler;
    HttpRequest request;
    request.method = QByteArrayLiteral("GET");
    request.url = QUrl(server.baseUrl() + QStringLiteral("/slow"));
    for (int i = 0; i < 20; ++i)
        pool.send(request, &handler);
    REQUIRE(waitUntil([&] { return handler.ended == 20; }, 10000));
    CHECK(handler.failed == 0);
    // Twenty answered on twenty connections; eight are kept for reuse, the rest closed.
    CHECK(pool.idleConnections() == 8);
    REQUIRE(waitUntil([&] { return pool.openConnections() == 8; }));

    // A kept connection is reused (no new one opens).
    pool.send(request, &handler);
    CHECK(pool.idleConnections() == 7);
    REQUIRE(waitUntil([&] { return handler.ended == 21; }));
    CHECK(pool.openConnections() == 8);

    // Unused for longer than the expiry, they close.
    REQUIRE(waitUntil([&] { return pool.idleConnections() == 0 && pool.openConnections() == 0; }, 5000));
}
