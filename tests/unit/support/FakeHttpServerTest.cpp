// The fake HTTP server itself: parsing, keep-alive, routing, and every failure mode, seen
// from a raw socket and from QNetworkAccessManager.
#include "FakeHttpServer.h"
#include "RawHttpClient.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>

#include <memory>
#include <vector>

using namespace sb::test;

namespace {

FakeReply okText(const QByteArray &body)
{
    return FakeReply::text(200, body);
}

struct QnamResult
{
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    QByteArray body;
    bool finished = false;
};

QnamResult qnamPost(QNetworkAccessManager &nam, const QString &url, const QByteArray &body, int timeoutMs = 5000)
{
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    std::unique_ptr<QNetworkReply> reply(nam.post(request, body));
    QnamResult result;
    result.finished = waitUntil([&] { return reply->isFinished(); }, timeoutMs);
    result.error = reply->error();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    return result;
}

} // namespace

TEST_CASE("FakeHttpServer listens on a free loopback port", "[fakes][http]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    CHECK(server.port() != 0);
    CHECK(server.baseUrl() == QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
}

TEST_CASE("FakeHttpServer records method, target, headers and body", "[fakes][http]")
{
    FakeHttpServer server;
    server.setHandler("POST", "/v1/thing", [](const RecordedRequest &r) { return okText("got " + r.body); });
    QSignalSpy spy(&server, &FakeHttpServer::requestReceived);
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.sendRequest("POST", "/v1/thing?beta=true", R"({"a":1})",
                       {{"X-Claude-Code-Session-Id", "abc"}, {"anthropic-version", "2023-06-01"}});
    REQUIRE(client.waitForResponse());
    const auto response = client.takeResponse();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "got {\"a\":1}");
    CHECK(response->header("content-length") == "11");

    REQUIRE(server.requestCount() == 1);
    CHECK(spy.count() == 1);
    const RecordedRequest r = server.requests().first();
    CHECK(r.method == "POST");
    CHECK(r.path == "/v1/thing?beta=true");
    CHECK(r.pathWithoutQuery() == "/v1/thing");
    CHECK(r.body == R"({"a":1})");
    CHECK(r.json().value(QStringLiteral("a")).toInt() == 1);
    CHECK(r.header("x-claude-code-session-id") == "abc"); // case-insensitive
    CHECK(r.header("ANTHROPIC-VERSION") == "2023-06-01");
    CHECK(r.header("x-missing").isEmpty());
    CHECK(r.hasHeader("host"));
    CHECK_FALSE(r.hasHeader("x-missing"));
    CHECK(server.requests("/v1/thing").size() == 1);
    CHECK(server.requests("/v1/other").isEmpty());

    server.clearRequests();
    CHECK(server.requestCount() == 0);
    CHECK(server.requests().isEmpty());
}

TEST_CASE("FakeHttpServer reassembles chunked request bodies sent piecemeal", "[fakes][http]")
{
    FakeHttpServer server;
    server.setHandler("POST", "/echo", [](const RecordedRequest &r) { return okText(r.body); });
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    const QByteArray request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5;ext=1\r\nhello\r\n"
                               "1\r\n \r\n"
                               "B\r\nworld, caf\xc3\r\n"
                               "2\r\n\xa9!\r\n"
                               "0\r\nX-Trailer: yes\r\n\r\n";
    // Staggered writes so the parser sees the body arrive in several reads.
    for (qsizetype i = 0; i < request.size(); i += 7) {
        client.send(request.mid(i, 7));
        spinFor(2);
    }
    REQUIRE(client.waitForResponse());
    const auto response = client.takeResponse();
    REQUIRE(response);
    CHECK(response->body == "hello world, caf\xc3\xa9!");
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests().first().body == "hello world, caf\xc3\xa9!");
}

TEST_CASE("FakeHttpServer keeps connections alive across sequential and pipelined requests", "[fakes][http]")
{
    FakeHttpServer server;
    int n = 0;
    server.setHandler("GET", "/n", [&n](const RecordedRequest &) { return okText(QByteArray::number(++n)); });

    SECTION("raw socket, pipelined")
    {
        RawHttpClient client(server.port());
        REQUIRE(client.waitConnected());
        QByteArray three;
        for (int i = 0; i < 3; ++i)
            three += "GET /n HTTP/1.1\r\nHost: x\r\n\r\n";
        client.send(three);
        REQUIRE(waitUntil([&] {
            QByteArray copy = client.received();
            int count = 0;
            while (takeRawResponse(copy))
                ++count;
            return count == 3;
        }));
        CHECK(client.takeResponse()->body == "1");
        CHECK(client.takeResponse()->body == "2");
        CHECK(client.takeResponse()->body == "3");
        CHECK(server.acceptedConnections() == 1);
        CHECK_FALSE(client.isDisconnected());
    }

    SECTION("QNetworkAccessManager reuses one connection")
    {
        QNetworkAccessManager nam;
        for (int i = 1; i <= 5; ++i) {
            std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(QUrl(server.baseUrl() + "/n"))));
            REQUIRE(waitUntil([&] { return reply->isFinished(); }));
            CHECK(reply->readAll() == QByteArray::number(i));
        }
        CHECK(server.acceptedConnections() == 1);
        const auto requests = server.requests();
        REQUIRE(requests.size() == 5);
        for (const auto &r : requests)
            CHECK(r.connectionId == requests.first().connectionId);
    }
}

TEST_CASE("FakeHttpServer closes after Connection: close and HTTP/1.0", "[fakes][http]")
{
    FakeHttpServer server;
    server.setHandler("GET", "/x", [](const RecordedRequest &) { return okText("x"); });
    const QByteArray request = GENERATE(QByteArray("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
                                        QByteArray("GET /x HTTP/1.0\r\n\r\n"));
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.send(request);
    REQUIRE(client.waitDisconnected());
    const auto response = client.takeResponse();
    REQUIRE(response);
    CHECK(response->body == "x");
}

TEST_CASE("FakeHttpServer answers Expect: 100-continue before the body", "[fakes][http]")
{
    FakeHttpServer server;
    server.setHandler("POST", "/up", [](const RecordedRequest &r) { return okText(r.body); });
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    REQUIRE(waitUntil([&] { return client.received().startsWith("HTTP/1.1 100 Continue\r\n\r\n"); }));
    client.send("body");
    REQUIRE(waitUntil([&] {
        QByteArray copy = client.received();
        takeRawResponse(copy);                    // the 100
        return takeRawResponse(copy).has_value(); // the 200
    }));
    CHECK(client.takeResponse()->status == 100);
    const auto final = client.takeResponse();
    REQUIRE(final);
    CHECK(final->status == 200);
    CHECK(final->body == "body");
}

TEST_CASE("FakeHttpServer routes by method and path, ignoring the query", "[fakes][http]")
{
    FakeHttpServer server;
    server.setHandler("GET", "/a", [](const RecordedRequest &) { return okText("get a"); });
    server.setHandler("POST", "/a", [](const RecordedRequest &) { return okText("post a"); });
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());

    client.sendRequest("GET", "/a?x=1&y=2");
    REQUIRE(client.waitForResponse());
    CHECK(client.takeResponse()->body == "get a");

    client.sendRequest("POST", "/a");
    REQUIRE(client.waitForResponse());
    CHECK(client.takeResponse()->body == "post a");

    client.sendRequest("DELETE", "/a");
    REQUIRE(client.waitForResponse());
    CHECK(client.takeResponse()->status == 404);

    client.sendRequest("GET", "/nowhere");
    REQUIRE(client.waitForResponse());
    const auto missing = client.takeResponse();
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body == "404 page not found");

    SECTION("HEAD falls back to GET without the body")
    {
        client.sendRequest("HEAD", "/a");
        REQUIRE(client.waitForResponse(5000, true));
        const auto head = client.takeResponse(true);
        REQUIRE(head);
        CHECK(head->status == 200);
        CHECK(head->header("content-length") == "5");
        spinFor(50); // nothing else may follow the head
        CHECK(client.received().isEmpty());
    }

    SECTION("queued replies win over the handler, in order, then the handler again")
    {
        server.enqueue("/a?ignored", FakeReply::text(201, "first"));
        server.enqueue("/a", FakeReply::text(202, "second"));
        CHECK(server.queuedReplies("/a") == 2);
        for (const auto &expected : {qMakePair(201, QByteArray("first")), qMakePair(202, QByteArray("second")),
                                     qMakePair(200, QByteArray("get a"))}) {
            client.sendRequest("GET", "/a");
            REQUIRE(client.waitForResponse());
            const auto r = client.takeResponse();
            REQUIRE(r);
            CHECK(r->status == expected.first);
            CHECK(r->body == expected.second);
        }
        CHECK(server.queuedReplies("/a") == 0);
    }

    SECTION("a custom fallback answers unknown paths")
    {
        server.setFallbackHandler(
            [](const RecordedRequest &r) { return FakeReply::json(404, "{\"missing\":\"" + r.path + "\"}"); });
        client.sendRequest("GET", "/zzz");
        REQUIRE(client.waitForResponse());
        CHECK(client.takeResponse()->body == R"({"missing":"/zzz"})");
    }
}

TEST_CASE("FakeReply frames chunked and Content-Length bodies exactly", "[fakes][http]")
{
    FakeReply chunked = FakeReply::stream("text/event-stream", {"data: 1\n\n", "data: 2\n\n"});
    CHECK(chunked.serialize() == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"
                                 "9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n0\r\n\r\n");
    FakeReply plain = FakeReply::json(429, "{}").withHeader("retry-after", "3");
    CHECK(plain.serialize() == "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                               "retry-after: 3\r\nContent-Length: 2\r\n\r\n{}");
    CHECK(plain.serialize(true) == "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                                   "retry-after: 3\r\nContent-Length: 2\r\n\r\n");
    CHECK(plain.header("RETRY-AFTER") == "3");
    CHECK(chunked.body() == "data: 1\n\ndata: 2\n\n");
}

TEST_CASE("FakeHttpServer streams chunks with their delays", "[fakes][http][failure]")
{
    FakeHttpServer server;
    FakeReply reply = FakeReply::stream("application/x-ndjson", {"{\"a\":1}\n", "{\"b\":2}\n", "{\"c\":3}\n"}, 60);
    server.enqueue("/s", reply);
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    const qint64 sent = FakeHttpServer::monotonicMs();
    client.sendRequest("POST", "/s", "{}");
    REQUIRE(waitUntil([&] { return client.received().contains("{\"a\":1}"); }));
    CHECK_FALSE(client.received().contains("{\"b\":2}")); // the second waits 60 ms
    REQUIRE(client.waitForResponse());
    CHECK(FakeHttpServer::monotonicMs() - sent >= 120);
    const auto r = client.takeResponse();
    REQUIRE(r);
    CHECK(r->chunks == QList<QByteArray>{"{\"a\":1}\n", "{\"b\":2}\n", "{\"c\":3}\n"});
    CHECK(r->header("content-type") == "application/x-ndjson");
    CHECK(server.completedResponses() == 1);
    CHECK(server.abortedStreams() == 0);
}

TEST_CASE("FakeHttpServer failure: slow first byte", "[fakes][http][failure]")
{
    FakeHttpServer server;
    FakeReply reply = okText("late");
    reply.firstByteDelayMs = 300;
    server.enqueue("/slow", reply);
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    const qint64 sent = FakeHttpServer::monotonicMs();
    client.sendRequest("GET", "/slow");
    REQUIRE(client.waitForResponse());
    CHECK(client.firstByteAtMs() - sent >= 300);
    CHECK(client.takeResponse()->body == "late");
}

TEST_CASE("FakeHttpServer failure: cut after N chunks", "[fakes][http][failure]")
{
    FakeHttpServer server;
    FakeReply reply = FakeReply::stream("text/event-stream", {"data: 1\n\n", "data: 2\n\n", "data: 3\n\n"});
    reply.cutAfterChunks = 2;

    SECTION("raw bytes end after the second chunk, with no terminating chunk")
    {
        server.enqueue("/cut", reply);
        RawHttpClient client(server.port());
        REQUIRE(client.waitConnected());
        client.sendRequest("GET", "/cut");
        REQUIRE(client.waitDisconnected());
        const QByteArray bytes = client.received();
        CHECK(bytes.endsWith("9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n"));
        CHECK_FALSE(bytes.contains("data: 3"));
        CHECK_FALSE(bytes.endsWith("0\r\n\r\n"));
        QByteArray copy = bytes;
        CHECK_FALSE(takeRawResponse(copy).has_value());
    }

    SECTION("QNetworkAccessManager gets the two chunks and no more")
    {
        // Qt 6.4's QNAM usually reports the missing last chunk as an error, but on a loaded
        // machine (the close arriving with the last bytes) it was seen to finish with NoError:
        // what is checked is what it received, not its verdict. The gateway's own upstream
        // parser is held to the stricter rule in HttpResponseParserTest.
        server.enqueue("/cut", reply);
        QNetworkAccessManager nam;
        const QnamResult r = qnamPost(nam, server.baseUrl() + "/cut", "{}");
        REQUIRE(r.finished);
        CHECK(r.body == QByteArray("data: 1\n\ndata: 2\n\n"));
    }

    SECTION("a Content-Length body cut short")
    {
        FakeReply plain = okText("0123456789");
        plain.chunks = {{0, "01234"}, {0, "56789"}};
        plain.cutAfterChunks = 1;
        server.enqueue("/cut", plain);
        RawHttpClient client(server.port());
        REQUIRE(client.waitConnected());
        client.sendRequest("GET", "/cut");
        REQUIRE(client.waitDisconnected());
        CHECK(client.received().contains("Content-Length: 10\r\n"));
        CHECK(client.received().endsWith("\r\n\r\n01234"));
    }
    CHECK(server.abortedStreams() == 0); // our own cut is not a client abort
}

TEST_CASE("FakeHttpServer failure: close without a response", "[fakes][http][failure]")
{
    FakeHttpServer server;
    FakeReply reply;
    reply.closeWithoutResponse = true;
    server.enqueue("/x", reply);
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.sendRequest("GET", "/x");
    REQUIRE(client.waitDisconnected());
    CHECK(client.received().isEmpty());
    CHECK(server.requestCount() == 1);

    // QNetworkAccessManager silently resends a request whose connection closed before any
    // response byte; it gives up after a few attempts.
    QNetworkAccessManager nam;
    for (int i = 0; i < 5; ++i)
        server.enqueue("/x", reply);
    const QnamResult r = qnamPost(nam, server.baseUrl() + "/x", "{}");
    REQUIRE(r.finished);
    CHECK(r.error == QNetworkReply::RemoteHostClosedError);
    CHECK(server.requestCount() >= 3);
}

TEST_CASE("FakeHttpServer failure: hang, and the client's hang-up is seen at once", "[fakes][http][failure]")
{
    FakeHttpServer server;
    FakeReply reply;
    reply.hang = true;
    server.enqueue("/hang", reply);
    QSignalSpy aborted(&server, &FakeHttpServer::streamAborted);
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.sendRequest("POST", "/hang?x=1", "{}");
    REQUIRE(waitUntil([&] { return server.requestCount() == 1; }));
    spinFor(200);
    CHECK(client.received().isEmpty());
    CHECK_FALSE(client.isDisconnected());
    CHECK(server.abortedStreams() == 0);

    const qint64 hungUpAt = client.abort();
    REQUIRE(waitUntil([&] { return server.abortedStreams() == 1; }, 2000));
    const AbortRecord record = server.abortRecords().first();
    CHECK(record.path == "/hang?x=1");
    CHECK(record.method == "POST");
    CHECK_FALSE(record.headersSent);
    CHECK(record.chunksSent == 0);
    CHECK(record.seenAtMs - hungUpAt < 100);
    CHECK(record.seenAtMs >= record.requestAtMs + 200);
    CHECK(aborted.count() == 1);
    REQUIRE(waitUntil([&] { return server.openConnections() == 0; }));
}

TEST_CASE("FakeHttpServer notices a client abort mid-stream within 100 ms", "[fakes][http][failure]")
{
    FakeHttpServer server;
    QList<QByteArray> events;
    for (int i = 0; i < 20; ++i)
        events.append("data: " + QByteArray::number(i) + "\n\n");
    // 500 ms between chunks: noticing the hang-up only at the next write would be too late.
    server.enqueue("/stream", FakeReply::stream("text/event-stream", events, 500));
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.sendRequest("POST", "/stream", "{}");
    REQUIRE(waitUntil([&] { return client.received().contains("data: 0\n\n"); }));
    const qint64 hungUpAt = client.abort();
    REQUIRE(waitUntil([&] { return server.abortedStreams() == 1; }, 2000));
    const AbortRecord record = server.abortRecords().first();
    CHECK(record.seenAtMs - hungUpAt < 100);
    CHECK(record.headersSent);
    CHECK(record.chunksSent == 1);
    CHECK(server.completedResponses() == 0);
}

TEST_CASE("FakeHttpServer does not count idle disconnects as aborts", "[fakes][http]")
{
    FakeHttpServer server;
    server.setHandler("GET", "/x", [](const RecordedRequest &) { return okText("x"); });
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.sendRequest("GET", "/x");
    REQUIRE(client.waitForResponse());
    REQUIRE(server.openConnections() == 1);
    client.abort();
    REQUIRE(waitUntil([&] { return server.openConnections() == 0; }));
    CHECK(server.abortedStreams() == 0);
    CHECK(server.completedResponses() == 1);
}

TEST_CASE("FakeHttpServer close() refuses new connections and listen() comes back", "[fakes][http][failure]")
{
    FakeHttpServer server;
    server.setHandler("GET", "/x", [](const RecordedRequest &) { return okText("x"); });
    RawHttpClient idle(server.port());
    REQUIRE(idle.waitConnected());
    REQUIRE(waitUntil([&] { return server.openConnections() == 1; }));

    server.close();
    CHECK_FALSE(server.isListening());
    REQUIRE(idle.waitDisconnected()); // existing connections are dropped too
    CHECK(server.openConnections() == 0);

    RawHttpClient refused(server.port());
    REQUIRE(refused.waitDisconnected());
    CHECK(refused.error() == QAbstractSocket::ConnectionRefusedError);

    QNetworkAccessManager nam;
    const QnamResult r = qnamPost(nam, server.baseUrl() + "/x", "{}");
    REQUIRE(r.finished);
    CHECK(r.error == QNetworkReply::ConnectionRefusedError);

    const quint16 port = server.port();
    REQUIRE(server.listen());
    CHECK(server.port() == port);
    RawHttpClient back(server.port());
    REQUIRE(back.waitConnected());
    back.sendRequest("GET", "/x");
    REQUIRE(back.waitForResponse());
    CHECK(back.takeResponse()->body == "x");
}

TEST_CASE("FakeHttpServer serves 1000 concurrent connections", "[fakes][http][load]")
{
    FakeHttpServer server;
    server.setRecording(false);
    server.setHandler("POST", "/c", [](const RecordedRequest &r) {
        FakeReply reply = FakeReply::text(200, r.body);
        reply.firstByteDelayMs = 300; // keeps every connection busy at the same time
        return reply;
    });
    constexpr int N = 1000;
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    clients.reserve(N);
    for (int i = 0; i < N; ++i) {
        clients.push_back(std::make_unique<RawHttpClient>(server.port()));
        clients.back()->sendRequest("POST", "/c", QByteArray::number(i));
    }
    int peak = 0;
    const bool allAnswered = waitUntil(
        [&] {
            peak = qMax(peak, server.openConnections());
            return server.completedResponses() == N;
        },
        30000);
    REQUIRE(allAnswered);
    CHECK(peak == N);
    CHECK(server.requestCount() == N);
    CHECK(server.requests().isEmpty()); // recording off
    for (int i = 0; i < N; ++i) {
        REQUIRE(clients[i]->waitForResponse(5000));
        CHECK(clients[i]->takeResponse()->body == QByteArray::number(i));
    }
}

TEST_CASE("FakeHttpServer answers a malformed request line with 400 and closes", "[fakes][http]")
{
    FakeHttpServer server;
    RawHttpClient client(server.port());
    REQUIRE(client.waitConnected());
    client.send("NONSENSE\r\n\r\n");
    REQUIRE(client.waitDisconnected());
    CHECK(client.received().startsWith("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(server.requestCount() == 0);
}
