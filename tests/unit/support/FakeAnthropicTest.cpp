// FakeAnthropic against the Anthropic Messages API.
#include "FakeAnthropic.h"
#include "RawHttpClient.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <memory>

using namespace sb::test;

namespace {

QJsonObject bodyOf(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QByteArray ev(const QByteArray &name, const QByteArray &data)
{
    return "event: " + name + "\ndata: " + data + "\n\n";
}

FakeTurn richTurn()
{
    FakeTurn turn;
    turn.thinking = QStringLiteral("plan");
    turn.text = QStringLiteral("Writing \u2014 now");
    turn.textPieces = 2;
    turn.inputTokens = 40;
    turn.outputTokens = 11;
    FakeToolCall call;
    call.id = QStringLiteral("toolu_01");
    call.name = QStringLiteral("Write");
    call.arguments = QJsonObject{{QStringLiteral("file_path"), QStringLiteral("/tmp/a")}};
    call.pieces = 2;
    turn.toolCalls.append(call);
    return turn;
}

const QByteArray Body = R"({"model":"claude-x","max_tokens":100,"stream":true,"messages":[]})";

} // namespace

TEST_CASE("FakeAnthropic streams the documented event sequence exactly", "[fakes][anthropic]")
{
    FakeAnthropic fake;
    fake.setTurn(richTurn());
    const QByteArray sig = fake.signature().toUtf8();
    REQUIRE_FALSE(sig.isEmpty());
    const auto r = rawExchange(fake.port(), "POST", "/v1/messages?beta=true", Body);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-type") == "text/event-stream; charset=utf-8");
    CHECK(r->header("cache-control") == "no-cache");

    const QList<QByteArray> expected = {
        ev("message_start",
           R"({"type":"message_start","message":{"id":"msg_fake_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}})"),
        ev("ping", R"({"type":"ping"})"),
        ev("content_block_start",
           R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"),
        ev("content_block_delta",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"pl"}})"),
        ev("content_block_delta",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"an"}})"),
        ev("content_block_delta",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":")" + sig + "\"}}"),
        ev("content_block_stop", R"({"type":"content_block_stop","index":0})"),
        ev("content_block_start",
           R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})"),
        ev("content_block_delta",
           R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Writin"}})"),
        ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\","
                                  "\"text\":\"g \xE2\x80\x94 now\"}}"),
        ev("content_block_stop", R"({"type":"content_block_stop","index":1})"),
        ev("content_block_start",
           R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01","name":"Write","input":{}}})"),
        ev("content_block_delta",
           R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"file_path"}})"),
        ev("content_block_delta",
           R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\":\"/tmp/a\"}"}})"),
        ev("content_block_stop", R"({"type":"content_block_stop","index":2})"),
        ev("message_delta",
           R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":11}})"),
        ev("message_stop", R"({"type":"message_stop"})"),
    };
    CHECK(r->chunks == expected);
    CHECK(fake.turnRequests().size() == 1);
    CHECK(fake.turnRequests().first().path == "/v1/messages?beta=true");
}

TEST_CASE("FakeAnthropic answers non-streaming with one message", "[fakes][anthropic]")
{
    FakeAnthropic fake;
    fake.setTurn(richTurn());
    const auto r = rawExchange(fake.port(), "POST", "/v1/messages", R"({"model":"claude-x","stream":false})");
    REQUIRE(r);
    CHECK(r->status == 200);
    const QJsonObject o = bodyOf(*r);
    CHECK(o.value(QStringLiteral("type")).toString() == QStringLiteral("message"));
    CHECK(o.value(QStringLiteral("role")).toString() == QStringLiteral("assistant"));
    CHECK(o.value(QStringLiteral("model")).toString() == QStringLiteral("claude-x"));
    CHECK(o.value(QStringLiteral("stop_reason")).toString() == QStringLiteral("tool_use"));
    CHECK(o.value(QStringLiteral("stop_sequence")).isNull());
    const QJsonArray content = o.value(QStringLiteral("content")).toArray();
    REQUIRE(content.size() == 3);
    CHECK(content.at(0).toObject().value(QStringLiteral("type")).toString() == QStringLiteral("thinking"));
    CHECK(content.at(0).toObject().value(QStringLiteral("thinking")).toString() == QStringLiteral("plan"));
    CHECK(content.at(0).toObject().value(QStringLiteral("signature")).toString() == fake.signature());
    CHECK(content.at(1).toObject().value(QStringLiteral("text")).toString() == QStringLiteral("Writing \u2014 now"));
    const QJsonObject tool = content.at(2).toObject();
    CHECK(tool.value(QStringLiteral("type")).toString() == QStringLiteral("tool_use"));
    CHECK(tool.value(QStringLiteral("id")).toString() == QStringLiteral("toolu_01"));
    CHECK(tool.value(QStringLiteral("input")).toObject().value(QStringLiteral("file_path")).toString() ==
          QStringLiteral("/tmp/a"));
    const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
    CHECK(usage.value(QStringLiteral("input_tokens")).toInt() == 40);
    CHECK(usage.value(QStringLiteral("output_tokens")).toInt() == 11);
}

TEST_CASE("FakeAnthropic can ping between blocks", "[fakes][anthropic]")
{
    FakeAnthropic fake;
    fake.setTurn(richTurn());
    fake.setPingBetweenBlocks(true);
    const auto r = rawExchange(fake.port(), "POST", "/v1/messages", Body);
    REQUIRE(r);
    CHECK(r->chunks.count(ev("ping", R"({"type":"ping"})")) == 3); // after message_start, before blocks 1 and 2
    CHECK(r->chunks.at(r->chunks.indexOf(ev("ping", R"({"type":"ping"})"), 2) + 1).contains("\"index\":1"));
}

TEST_CASE("FakeAnthropic counts tokens", "[fakes][anthropic]")
{
    FakeAnthropic fake;
    const QByteArray body = R"({"model":"claude-x","messages":[{"role":"user","content":"hello there"}]})";
    const auto estimated = rawExchange(fake.port(), "POST", "/v1/messages/count_tokens?beta=true", body);
    REQUIRE(estimated);
    CHECK(estimated->body == "{\"input_tokens\":" + QByteArray::number(body.size() / 4) + "}");
    fake.setCountTokens(1234);
    const auto fixed = rawExchange(fake.port(), "POST", "/v1/messages/count_tokens", body);
    REQUIRE(fixed);
    CHECK(fixed->body == R"({"input_tokens":1234})");
    CHECK(fake.turnCount() == 0);
}

TEST_CASE("FakeAnthropic checks x-api-key when configured", "[fakes][anthropic][failure]")
{
    FakeAnthropic fake;
    fake.setApiKey(QStringLiteral("sk-ant-good"));
    const auto none = rawExchange(fake.port(), "POST", "/v1/messages", Body);
    REQUIRE(none);
    CHECK(none->status == 401);
    const QJsonObject o = bodyOf(*none);
    CHECK(o.value(QStringLiteral("type")).toString() == QStringLiteral("error"));
    CHECK(o.value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("authentication_error"));
    CHECK(o.value(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_")));
    const auto bearer =
        rawExchange(fake.port(), "POST", "/v1/messages", Body, {{"Authorization", "Bearer sk-ant-good"}});
    REQUIRE(bearer);
    CHECK(bearer->status == 401);
    const auto good = rawExchange(fake.port(), "POST", "/v1/messages", Body, {{"X-Api-Key", "sk-ant-good"}});
    REQUIRE(good);
    CHECK(good->status == 200);
    const auto count = rawExchange(fake.port(), "POST", "/v1/messages/count_tokens", Body);
    REQUIRE(count);
    CHECK(count->status == 401);
}

TEST_CASE("FakeAnthropic errors have the Anthropic shape", "[fakes][anthropic][failure]")
{
    FakeAnthropic fake;

    SECTION("status to error type")
    {
        const auto [status, type] = GENERATE(table<int, const char *>({{400, "invalid_request_error"},
                                                                       {401, "authentication_error"},
                                                                       {403, "permission_error"},
                                                                       {404, "not_found_error"},
                                                                       {413, "request_too_large"},
                                                                       {429, "rate_limit_error"},
                                                                       {500, "api_error"},
                                                                       {529, "overloaded_error"}}));
        fake.failNext(status);
        const auto r = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(r);
        CHECK(r->status == status);
        CHECK(r->header("content-type") == "application/json");
        const QJsonObject error = bodyOf(*r).value(QStringLiteral("error")).toObject();
        CHECK(error.value(QStringLiteral("type")).toString() == QLatin1String(type));
        CHECK_FALSE(error.value(QStringLiteral("message")).toString().isEmpty());
    }

    SECTION("429 with retry-after, twice, then the turn")
    {
        fake.failNext(429, 2, 3);
        for (int i = 0; i < 2; ++i) {
            const auto r = rawExchange(fake.port(), "POST", "/v1/messages", Body);
            REQUIRE(r);
            CHECK(r->status == 429);
            CHECK(r->header("retry-after") == "3");
        }
        const auto ok = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(ok);
        CHECK(ok->status == 200);
    }

    SECTION("529 overloaded with the message Claude Code matches")
    {
        fake.failNext(529);
        const auto r = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(r);
        const QJsonObject error = bodyOf(*r).value(QStringLiteral("error")).toObject();
        CHECK(error.value(QStringLiteral("message")).toString() == QStringLiteral("Overloaded"));
    }

    SECTION("event: error right after message_start")
    {
        fake.errorMidStreamNext(1);
        const auto r = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(r);
        CHECK(r->status == 200);
        REQUIRE(r->chunks.size() == 2);
        CHECK(r->chunks.at(0).startsWith("event: message_start\n"));
        CHECK(r->chunks.at(1) ==
              ev("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
    }

    SECTION("unknown paths")
    {
        const auto r = rawExchange(fake.port(), "GET", "/v1/nothing");
        REQUIRE(r);
        CHECK(r->status == 404);
        CHECK(bodyOf(*r).value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString() ==
              QStringLiteral("not_found_error"));
    }
}

TEST_CASE("FakeAnthropic scripted turns: queue, handler, default", "[fakes][anthropic]")
{
    FakeAnthropic fake;
    fake.enqueueTurn(FakeTurn::withText(QStringLiteral("first")));
    fake.enqueueTurn(
        FakeTurn::withToolCall(QStringLiteral("Bash"), {{QStringLiteral("command"), QStringLiteral("ls")}}));
    fake.setTurnHandler([](const RecordedRequest &r) {
        return FakeTurn::withText(QStringLiteral("echo ") + r.json().value(QStringLiteral("model")).toString());
    });
    const QByteArray whole = R"({"model":"claude-y"})";
    auto content = [&] {
        const auto r = rawExchange(fake.port(), "POST", "/v1/messages", whole);
        REQUIRE(r);
        return bodyOf(*r).value(QStringLiteral("content")).toArray().at(0).toObject();
    };
    CHECK(content().value(QStringLiteral("text")).toString() == QStringLiteral("first"));
    const QJsonObject tool = content();
    CHECK(tool.value(QStringLiteral("name")).toString() == QStringLiteral("Bash"));
    CHECK(tool.value(QStringLiteral("id")).toString() == QStringLiteral("toolu_fake_2_0"));
    CHECK(content().value(QStringLiteral("text")).toString() == QStringLiteral("echo claude-y"));
    fake.setTurnHandler({});
    fake.setTurn(FakeTurn::withText(QStringLiteral("default")));
    CHECK(content().value(QStringLiteral("text")).toString() == QStringLiteral("default"));
    CHECK(fake.turnCount() == 4);
}

TEST_CASE("Fake upstream failure modes on the turn endpoint", "[fakes][anthropic][failure]")
{
    FakeAnthropic fake;

    SECTION("hangNext: nothing comes back, a hang-up is an abort")
    {
        fake.hangNext();
        RawHttpClient client(fake.port());
        REQUIRE(client.waitConnected());
        client.sendRequest("POST", "/v1/messages", Body);
        REQUIRE(waitUntil([&] { return fake.turnCount() == 1; }));
        spinFor(150);
        CHECK(client.received().isEmpty());
        const qint64 at = client.abort();
        REQUIRE(waitUntil([&] { return fake.server().abortedStreams() == 1; }, 2000));
        CHECK(fake.server().abortRecords().first().seenAtMs - at < 100);
        // Only one request hangs.
        const auto next = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(next);
        CHECK(next->status == 200);
    }

    SECTION("slowFirstByte delays the status line")
    {
        fake.slowFirstByte(250);
        RawHttpClient client(fake.port());
        REQUIRE(client.waitConnected());
        const qint64 sent = FakeHttpServer::monotonicMs();
        client.sendRequest("POST", "/v1/messages", Body);
        REQUIRE(client.waitForResponse());
        CHECK(client.firstByteAtMs() - sent >= 250);
        RawHttpClient again(fake.port());
        REQUIRE(again.waitConnected());
        const qint64 sent2 = FakeHttpServer::monotonicMs();
        again.sendRequest("POST", "/v1/messages", Body);
        REQUIRE(again.waitForResponse());
        CHECK(again.firstByteAtMs() - sent2 < 200); // one-shot
    }

    SECTION("cutNextStreamAfter ends the stream before message_delta")
    {
        fake.cutNextStreamAfter(3);
        RawHttpClient client(fake.port());
        REQUIRE(client.waitConnected());
        client.sendRequest("POST", "/v1/messages", Body);
        REQUIRE(client.waitDisconnected());
        const QByteArray bytes = client.received();
        CHECK(bytes.contains("event: content_block_start"));
        CHECK_FALSE(bytes.contains("content_block_delta"));
        CHECK_FALSE(bytes.contains("message_stop"));
        QByteArray copy = bytes;
        CHECK_FALSE(takeRawResponse(copy).has_value());
        CHECK(fake.server().abortedStreams() == 0);
    }

    SECTION("setChunkDelay spaces the events out")
    {
        fake.setChunkDelay(40);
        RawHttpClient client(fake.port());
        REQUIRE(client.waitConnected());
        const qint64 sent = FakeHttpServer::monotonicMs();
        client.sendRequest("POST", "/v1/messages", Body);
        REQUIRE(waitUntil([&] { return client.received().contains("message_start"); }));
        CHECK_FALSE(client.received().contains("message_stop"));
        REQUIRE(client.waitForResponse());
        const int events = int(client.takeResponse()->chunks.size());
        CHECK(FakeHttpServer::monotonicMs() - sent >= 40 * (events - 1));
    }

    SECTION("closeNextWithoutResponse")
    {
        // QNetworkAccessManager resends after an empty close; enough closes make it give up.
        fake.closeNextWithoutResponse(5);
        RawHttpClient client(fake.port());
        REQUIRE(client.waitConnected());
        client.sendRequest("POST", "/v1/messages", Body);
        REQUIRE(client.waitDisconnected());
        CHECK(client.received().isEmpty());
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(fake.baseUrl() + "/v1/messages"));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        std::unique_ptr<QNetworkReply> reply(nam.post(request, Body));
        REQUIRE(waitUntil([&] { return reply->isFinished(); }));
        CHECK(reply->error() == QNetworkReply::RemoteHostClosedError);
    }

    SECTION("refuse and restart")
    {
        const quint16 port = fake.port();
        fake.refuse();
        RawHttpClient refused(port);
        REQUIRE(refused.waitDisconnected());
        CHECK(refused.error() == QAbstractSocket::ConnectionRefusedError);
        REQUIRE(fake.restart());
        CHECK(fake.port() == port);
        const auto ok = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(ok);
        CHECK(ok->status == 200);
    }

    SECTION("health endpoints are not consumed by failures")
    {
        fake.failNext(500);
        const auto count = rawExchange(fake.port(), "POST", "/v1/messages/count_tokens", Body);
        REQUIRE(count);
        CHECK(count->status == 200);
        const auto turn = rawExchange(fake.port(), "POST", "/v1/messages", Body);
        REQUIRE(turn);
        CHECK(turn->status == 500);
    }
}
