// FakeOpenAi against the OpenAI chat completions wire format.
#include "FakeOpenAi.h"
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

FakeTurn richTurn()
{
    FakeTurn turn;
    turn.thinking = QStringLiteral("abcd");
    turn.text = QStringLiteral("H\u00e9llo!");
    turn.textPieces = 2;
    turn.inputTokens = 30;
    turn.outputTokens = 9;
    FakeToolCall call;
    call.id = QStringLiteral("call_1");
    call.name = QStringLiteral("Read");
    call.arguments = QJsonObject{{QStringLiteral("path"), QStringLiteral("/a")}};
    call.pieces = 2;
    turn.toolCalls.append(call);
    return turn;
}

// The expected stream, spelled out independently of the fake's own writer.
QByteArray chunk(const QByteArray &delta, const QByteArray &finish, bool usageNull)
{
    return "data: {\"id\":\"chatcmpl-fake1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
           "\"model\":\"m1\",\"choices\":[{\"index\":0,\"delta\":" +
           delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]" + (usageNull ? ",\"usage\":null" : "") +
           "}\n\n";
}

QJsonObject bodyOf(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

TEST_CASE("FakeOpenAi streams a turn exactly as chat.completion.chunk events", "[fakes][openai]")
{
    FakeOpenAi fake;
    fake.setTurn(richTurn());
    const QByteArray request = R"({"model":"m1","stream":true,"stream_options":{"include_usage":true},"messages":[]})";
    const auto r = rawExchange(fake.port(), "POST", "/v1/chat/completions", request);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-type") == "text/event-stream; charset=utf-8");
    CHECK(r->header("transfer-encoding") == "chunked");

    const QList<QByteArray> expected = {
        chunk(R"({"role":"assistant","content":""})", "null", true),
        chunk(R"({"reasoning_content":"ab"})", "null", true),
        chunk(R"({"reasoning_content":"cd"})", "null", true),
        chunk("{\"content\":\"H\xC3\xA9l\"}", "null", true),
        chunk(R"({"content":"lo!"})", "null", true),
        chunk(
            R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Read","arguments":""}}]})",
            "null", true),
        chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"path"}}]})", "null", true),
        chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"\":\"/a\"}"}}]})", "null", true),
        chunk("{}", "\"tool_calls\"", true),
        "data: {\"id\":\"chatcmpl-fake1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
        "\"model\":\"m1\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}"
        "\n\n",
        "data: [DONE]\n\n",
    };
    CHECK(r->chunks == expected); // one event per write

    // And each data line is valid JSON a client can reassemble.
    QString args;
    for (const QByteArray &event : r->chunks) {
        if (event == "data: [DONE]\n\n")
            continue;
        QJsonParseError error{};
        const QJsonObject o = QJsonDocument::fromJson(event.mid(6), &error).object();
        REQUIRE(error.error == QJsonParseError::NoError);
        for (const auto &tc : o.value(QStringLiteral("choices"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("delta"))
                                  .toObject()
                                  .value(QStringLiteral("tool_calls"))
                                  .toArray())
            args += tc.toObject()
                        .value(QStringLiteral("function"))
                        .toObject()
                        .value(QStringLiteral("arguments"))
                        .toString();
    }
    CHECK(QJsonDocument::fromJson(args.toUtf8()).object() == richTurn().toolCalls.first().arguments);
}

TEST_CASE("FakeOpenAi omits the usage chunk unless include_usage is set", "[fakes][openai]")
{
    FakeOpenAi fake;
    FakeTurn turn = FakeTurn::withText(QStringLiteral("ok"));
    turn.textPieces = 1;
    turn.stopReason = QStringLiteral("max_tokens");
    fake.setTurn(turn);
    const auto r = rawExchange(fake.port(), "POST", "/v1/chat/completions", R"({"model":"m1","stream":true})");
    REQUIRE(r);
    const QList<QByteArray> expected = {
        chunk(R"({"role":"assistant","content":""})", "null", false),
        chunk(R"({"content":"ok"})", "null", false),
        chunk("{}", "\"length\"", false),
        "data: [DONE]\n\n",
    };
    CHECK(r->chunks == expected);
}

TEST_CASE("FakeOpenAi answers non-streaming with one chat.completion", "[fakes][openai]")
{
    FakeOpenAi fake;
    fake.setTurn(richTurn());
    const auto r = rawExchange(fake.port(), "POST", "/v1/chat/completions", R"({"model":"m1","messages":[]})");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-type") == "application/json");
    CHECK(r->header("content-length").toInt() == r->body.size());
    const QJsonObject o = bodyOf(*r);
    CHECK(o.value(QStringLiteral("object")).toString() == QStringLiteral("chat.completion"));
    CHECK(o.value(QStringLiteral("id")).toString() == QStringLiteral("chatcmpl-fake1"));
    CHECK(o.value(QStringLiteral("model")).toString() == QStringLiteral("m1"));
    const QJsonObject choice = o.value(QStringLiteral("choices")).toArray().at(0).toObject();
    CHECK(choice.value(QStringLiteral("finish_reason")).toString() == QStringLiteral("tool_calls"));
    const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
    CHECK(message.value(QStringLiteral("role")).toString() == QStringLiteral("assistant"));
    CHECK(message.value(QStringLiteral("content")).toString() == QStringLiteral("H\u00e9llo!"));
    CHECK(message.value(QStringLiteral("reasoning_content")).toString() == QStringLiteral("abcd"));
    const QJsonObject call = message.value(QStringLiteral("tool_calls")).toArray().at(0).toObject();
    CHECK(call.value(QStringLiteral("id")).toString() == QStringLiteral("call_1"));
    CHECK(call.value(QStringLiteral("type")).toString() == QStringLiteral("function"));
    const QJsonObject function = call.value(QStringLiteral("function")).toObject();
    CHECK(function.value(QStringLiteral("name")).toString() == QStringLiteral("Read"));
    // arguments is a JSON string holding an object, as OpenAI sends it
    REQUIRE(function.value(QStringLiteral("arguments")).isString());
    CHECK(function.value(QStringLiteral("arguments")).toString() == QStringLiteral(R"({"path":"/a"})"));
    const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
    CHECK(usage.value(QStringLiteral("prompt_tokens")).toInt() == 30);
    CHECK(usage.value(QStringLiteral("completion_tokens")).toInt() == 9);
    CHECK(usage.value(QStringLiteral("total_tokens")).toInt() == 39);

    SECTION("content is null when the turn is only tool calls")
    {
        fake.setTurn(
            FakeTurn::withToolCall(QStringLiteral("Bash"), {{QStringLiteral("command"), QStringLiteral("ls")}}));
        const auto r2 = rawExchange(fake.port(), "POST", "/v1/chat/completions", R"({"model":"m1","stream":false})");
        REQUIRE(r2);
        const QJsonObject m = bodyOf(*r2)
                                  .value(QStringLiteral("choices"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("message"))
                                  .toObject();
        CHECK(m.value(QStringLiteral("content")).isNull());
        CHECK(m.value(QStringLiteral("tool_calls")).toArray().at(0).toObject().value(QStringLiteral("id")).toString() ==
              QStringLiteral("call_fake_2_0"));
    }
}

TEST_CASE("FakeOpenAi can put thinking in <think> tags inside content", "[fakes][openai]")
{
    FakeOpenAi fake;
    FakeTurn turn = FakeTurn::withText(QStringLiteral("yes"));
    turn.thinking = QStringLiteral("hm");
    turn.textPieces = 1;
    fake.setTurn(turn);
    fake.setThinkingInContent(true);
    const auto r = rawExchange(fake.port(), "POST", "/v1/chat/completions", R"({"model":"m1","stream":true})");
    REQUIRE(r);
    const QList<QByteArray> expected = {
        chunk(R"({"role":"assistant","content":""})", "null", false),
        chunk(R"({"content":"<think>"})", "null", false),
        chunk(R"({"content":"hm"})", "null", false),
        chunk(R"({"content":"</think>"})", "null", false),
        chunk(R"({"content":"yes"})", "null", false),
        chunk("{}", "\"stop\"", false),
        "data: [DONE]\n\n",
    };
    CHECK(r->chunks == expected);
    CHECK_FALSE(r->body.contains("reasoning_content"));

    const auto whole = rawExchange(fake.port(), "POST", "/v1/chat/completions", R"({"model":"m1"})");
    REQUIRE(whole);
    const QJsonObject m = bodyOf(*whole)
                              .value(QStringLiteral("choices"))
                              .toArray()
                              .at(0)
                              .toObject()
                              .value(QStringLiteral("message"))
                              .toObject();
    CHECK(m.value(QStringLiteral("content")).toString() == QStringLiteral("<think>hm</think>yes"));
    CHECK_FALSE(m.contains(QStringLiteral("reasoning_content")));
}

TEST_CASE("FakeOpenAi lists models and serves api_base /v1", "[fakes][openai]")
{
    FakeOpenAi fake;
    CHECK(fake.apiBase() == QStringLiteral("http://127.0.0.1:%1/v1").arg(fake.port()));
    fake.setModels({QStringLiteral("a"), QStringLiteral("b")});
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(QUrl(fake.apiBase() + "/models"))));
    REQUIRE(waitUntil([&] { return reply->isFinished(); }));
    REQUIRE(reply->error() == QNetworkReply::NoError);
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    CHECK(o.value(QStringLiteral("object")).toString() == QStringLiteral("list"));
    const QJsonArray data = o.value(QStringLiteral("data")).toArray();
    REQUIRE(data.size() == 2);
    CHECK(data.at(1).toObject().value(QStringLiteral("id")).toString() == QStringLiteral("b"));
    CHECK(data.at(1).toObject().value(QStringLiteral("object")).toString() == QStringLiteral("model"));
}

TEST_CASE("FakeOpenAi errors have the OpenAI shape", "[fakes][openai][failure]")
{
    FakeOpenAi fake;
    const QByteArray body = R"({"model":"m1","stream":true})";

    SECTION("unknown URL")
    {
        const auto r = rawExchange(fake.port(), "POST", "/v1/completions", body);
        REQUIRE(r);
        CHECK(r->status == 404);
        const QJsonObject e = bodyOf(*r).value(QStringLiteral("error")).toObject();
        CHECK(e.value(QStringLiteral("type")).toString() == QStringLiteral("invalid_request_error"));
        CHECK(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("/v1/completions")));
        CHECK(e.contains(QStringLiteral("param")));
        CHECK(e.contains(QStringLiteral("code")));
    }

    SECTION("wrong or missing bearer key")
    {
        fake.setApiKey(QStringLiteral("sk-good"));
        const auto bad =
            rawExchange(fake.port(), "POST", "/v1/chat/completions", body, {{"Authorization", "Bearer sk-bad"}});
        REQUIRE(bad);
        CHECK(bad->status == 401);
        CHECK(bodyOf(*bad).value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString() ==
              QStringLiteral("invalid_api_key"));
        const auto none = rawExchange(fake.port(), "GET", "/v1/models");
        REQUIRE(none);
        CHECK(none->status == 401);
        const auto good =
            rawExchange(fake.port(), "POST", "/v1/chat/completions", body, {{"authorization", "Bearer sk-good"}});
        REQUIRE(good);
        CHECK(good->status == 200);
    }

    SECTION("failNext: 429 with retry-after, then 500, then success")
    {
        fake.failNext(429, 1, 7);
        fake.failNext(500);
        const auto limited = rawExchange(fake.port(), "POST", "/v1/chat/completions", body);
        REQUIRE(limited);
        CHECK(limited->status == 429);
        CHECK(limited->header("retry-after") == "7");
        const QJsonObject e = bodyOf(*limited).value(QStringLiteral("error")).toObject();
        CHECK(e.value(QStringLiteral("code")).toString() == QStringLiteral("rate_limit_exceeded"));
        CHECK_FALSE(e.value(QStringLiteral("message")).toString().isEmpty());

        const auto broken = rawExchange(fake.port(), "POST", "/v1/chat/completions", body);
        REQUIRE(broken);
        CHECK(broken->status == 500);
        CHECK(broken->header("retry-after").isEmpty());
        CHECK(bodyOf(*broken).value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString() ==
              QStringLiteral("server_error"));

        const auto ok = rawExchange(fake.port(), "POST", "/v1/chat/completions", body);
        REQUIRE(ok);
        CHECK(ok->status == 200);
        CHECK(ok->body.endsWith("data: [DONE]\n\n"));
        CHECK(fake.turnCount() == 3);
    }

    SECTION("an error event mid-stream")
    {
        fake.errorMidStreamNext(2, QStringLiteral("backend crashed"));
        const auto r = rawExchange(fake.port(), "POST", "/v1/chat/completions", body);
        REQUIRE(r);
        CHECK(r->status == 200);
        REQUIRE(r->chunks.size() == 3);
        CHECK(r->chunks.at(0).contains(R"("role":"assistant")"));
        CHECK(r->chunks.at(2) == "data: {\"error\":{\"message\":\"backend crashed\",\"type\":\"server_error\","
                                 "\"param\":null,\"code\":null}}\n\n");
        CHECK_FALSE(r->body.contains("[DONE]"));
    }
}

TEST_CASE("FakeOpenAi streams split inside UTF-8 characters on request", "[fakes][openai]")
{
    FakeOpenAi fake;
    const QByteArray body = R"({"model":"m1","stream":true})";
    const auto whole = rawExchange(fake.port(), "POST", "/v1/chat/completions", body);
    REQUIRE(whole);
    fake.setWireSplit(FakeWireSplit::InsideUtf8);
    const auto split = rawExchange(fake.port(), "POST", "/v1/chat/completions", body);
    REQUIRE(split);
    // The same bytes (ids aside), cut into twice as many writes...
    QByteArray expected = whole->body;
    expected.replace("chatcmpl-fake1", "chatcmpl-fake2");
    CHECK(split->body == expected);
    CHECK(split->chunks.size() == 2 * whole->chunks.size());
    // ...and the event carrying "m \u2014 caf\u00e9." is cut right after the lead byte of "\u2014".
    int cutInside = 0;
    for (const QByteArray &c : split->chunks) {
        if (!c.isEmpty() && static_cast<unsigned char>(c.back()) >= 0xC0) {
            ++cutInside;
            CHECK(c.endsWith("\"content\":\"m \xE2"));
        }
    }
    CHECK(cutInside == 1);

    SECTION("a real client reads the halves separately")
    {
        FakeTurn turn = FakeTurn::withText(QString(8, QChar(0xE9)));
        turn.textPieces = 8;
        fake.setTurn(turn);
        RawHttpClient client(fake.port());
        REQUIRE(client.waitConnected());
        client.sendRequest("POST", "/v1/chat/completions", body);
        REQUIRE(client.waitForResponse());
        // Eight events cut after the lead byte of "\u00e9", written 2 ms apart: reads end there.
        int readsEndingInside = 0;
        for (const QByteArray &read : client.reads()) {
            if (read.endsWith("\xC3\r\n"))
                ++readsEndingInside;
        }
        CHECK(readsEndingInside >= 1);
    }
}
