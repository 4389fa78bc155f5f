// The standalone benchmark server, run as the benchmarks run it: its own process.
#include "FakeHttpServer.h"
#include "RawHttpClient.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>

#include <memory>

using namespace sb::test;

namespace {

// Starts the server and returns its port (0 when it did not come up).
quint16 startFake(QProcess &process, const QStringList &args)
{
    process.start(QStringLiteral(FAKE_UPSTREAM_EXE), args);
    if (!process.waitForStarted(5000))
        return 0;
    QByteArray out;
    const QRegularExpression ready(QStringLiteral("^listening on 127\\.0\\.0\\.1:(\\d+)\\n"));
    QRegularExpressionMatch match;
    waitUntil(
        [&] {
            out += process.readAllStandardOutput();
            match = ready.match(QString::fromUtf8(out));
            return match.hasMatch() || process.state() == QProcess::NotRunning;
        },
        10000);
    return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
}

void stop(QProcess &process)
{
    process.kill();
    process.waitForFinished(5000);
}

} // namespace

TEST_CASE("switchboard-fake-upstream serves the precomputed OpenAI turn", "[fakes][exe]")
{
    QProcess process;
    const quint16 port = startFake(process, {"--kind", "openai", "--port", "0", "--chunks", "5", "--text-bytes", "50"});
    REQUIRE(port != 0);

    RawHttpClient client(port);
    REQUIRE(client.waitConnected());
    // Several requests on one keep-alive connection, alternating the variants.
    for (int round = 0; round < 3; ++round) {
        client.sendRequest("POST", "/v1/chat/completions",
                           R"({"model":"x", "stream" : true, "stream_options":{"include_usage": true}})");
        REQUIRE(client.waitForResponse());
        const auto streamed = client.takeResponse();
        REQUIRE(streamed);
        CHECK(streamed->status == 200);
        REQUIRE(streamed->chunks.size() == 1 + 5 + 1 + 1 + 1); // role, text, finish, usage, [DONE]
        QString text;
        for (int i = 1; i <= 5; ++i) {
            const QJsonObject o = QJsonDocument::fromJson(streamed->chunks.at(i).mid(6)).object();
            text += o.value(QStringLiteral("choices"))
                        .toArray()
                        .at(0)
                        .toObject()
                        .value(QStringLiteral("delta"))
                        .toObject()
                        .value(QStringLiteral("content"))
                        .toString();
        }
        CHECK(text.size() == 50);
        CHECK(streamed->chunks.at(7).contains(R"("choices":[],"usage":{)"));
        CHECK(streamed->chunks.last() == "data: [DONE]\n\n");

        client.sendRequest("POST", "/v1/chat/completions", R"({"model":"x","stream":true})");
        REQUIRE(client.waitForResponse());
        const auto noUsage = client.takeResponse();
        REQUIRE(noUsage);
        CHECK(noUsage->chunks.size() == 8);
        CHECK_FALSE(noUsage->body.contains("\"usage\""));

        client.sendRequest("POST", "/v1/chat/completions", R"({"model":"x"})");
        REQUIRE(client.waitForResponse());
        const auto whole = client.takeResponse();
        REQUIRE(whole);
        CHECK(whole->header("content-type") == "application/json");
        CHECK(QJsonDocument::fromJson(whole->body).object().value(QStringLiteral("object")).toString() ==
              QStringLiteral("chat.completion"));
    }
    CHECK_FALSE(client.isDisconnected());

    // Only the top-level "stream" key counts, not one in a tool schema or in a string.
    const auto nestedTrue = rawExchange(
        port, "POST", "/v1/chat/completions",
        R"({"tools":[{"parameters":{"stream":true}}],"messages":[{"content":"\"stream\":true"}],"stream":false})");
    REQUIRE(nestedTrue);
    CHECK(nestedTrue->header("content-type") == "application/json");
    const auto nestedFalse = rawExchange(port, "POST", "/v1/chat/completions",
                                         R"({"tools":[{"parameters":{"stream":false}}],"stream": true})");
    REQUIRE(nestedFalse);
    CHECK(nestedFalse->header("content-type") == "text/event-stream; charset=utf-8");

    // Other endpoints are the regular fake's.
    const auto models = rawExchange(port, "GET", "/v1/models");
    REQUIRE(models);
    CHECK(models->status == 200);
    stop(process);
}

TEST_CASE("switchboard-fake-upstream speaks Ollama and Anthropic too", "[fakes][exe]")
{
    SECTION("ollama streams by default")
    {
        QProcess process;
        const quint16 port = startFake(process, {"--kind", "ollama", "--chunks", "3", "--text-bytes", "9"});
        REQUIRE(port != 0);
        const auto r = rawExchange(port, "POST", "/api/chat", R"({"model":"x"})");
        REQUIRE(r);
        CHECK(r->header("content-type") == "application/x-ndjson");
        REQUIRE(r->chunks.size() == 4);
        CHECK(r->chunks.last().contains(R"("done":true)"));
        const auto whole = rawExchange(port, "POST", "/api/chat", R"({"model":"x","stream":false})");
        REQUIRE(whole);
        CHECK(QJsonDocument::fromJson(whole->body)
                  .object()
                  .value(QStringLiteral("message"))
                  .toObject()
                  .value(QStringLiteral("content"))
                  .toString()
                  .size() == 9);
        stop(process);
    }

    SECTION("anthropic on a fixed port")
    {
        quint16 wanted = 0;
        {
            FakeHttpServer probe; // borrow a free port, then give it back
            wanted = probe.port();
        }
        QProcess process;
        const quint16 port =
            startFake(process, {"--kind", "anthropic", "--port", QString::number(wanted), "--chunks", "2"});
        REQUIRE(port == wanted);
        const auto r = rawExchange(port, "POST", "/v1/messages?beta=true", R"({"model":"x","stream":true})");
        REQUIRE(r);
        CHECK(r->chunks.first().startsWith("event: message_start\n"));
        CHECK(r->chunks.last() == "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        CHECK(r->body.count("text_delta") == 2);
        stop(process);
    }

    SECTION("a bad kind is refused")
    {
        QProcess process;
        process.start(QStringLiteral(FAKE_UPSTREAM_EXE), {"--kind", "gopher"});
        REQUIRE(process.waitForFinished(5000));
        CHECK(process.exitCode() == 2);
    }
}

namespace {

// What GET /soak/counts says the fake was told to do.
QJsonObject soakCounts(quint16 port)
{
    const auto r = rawExchange(port, "GET", "/soak/counts");
    return r ? QJsonDocument::fromJson(r->body).object() : QJsonObject{};
}

// One streaming request on a fresh connection: "closed" (no response), "500", or "cut" (a
// 200 head whose chunked body never ends), or "whole".
QString soakOutcome(quint16 port, const QByteArray &body)
{
    RawHttpClient client(port);
    if (!client.waitConnected())
        return QStringLiteral("no connection");
    client.sendRequest("POST", "/v1/chat/completions", body);
    const auto complete = [&] {
        QByteArray copy = client.received();
        return takeRawResponse(copy).has_value();
    };
    if (!waitUntil([&] { return complete() || client.isDisconnected(); }))
        return QStringLiteral("hung");
    if (complete())
        return client.takeResponse()->status == 500 ? QStringLiteral("500") : QStringLiteral("whole");
    const QByteArray received = client.received();
    if (received.isEmpty())
        return QStringLiteral("closed");
    return received.startsWith("HTTP/1.1 200") && !received.contains("[DONE]") ? QStringLiteral("cut")
                                                                               : QStringLiteral("other");
}

} // namespace

TEST_CASE("switchboard-fake-upstream fails at random when told to, from its seed", "[fakes][exe]")
{
    const QByteArray streamBody = R"({"model":"x","stream":true})";
    SECTION("--fail-rate 1: every request is closed unanswered or answered 500, half and half")
    {
        QProcess process;
        const quint16 port = startFake(process, {"--fail-rate", "1", "--seed", "5", "--chunks", "5"});
        REQUIRE(port != 0);
        QStringList outcomes;
        for (int i = 0; i < 20; ++i)
            outcomes << soakOutcome(port, streamBody);
        const int closed = int(outcomes.count(QStringLiteral("closed")));
        const int failed = int(outcomes.count(QStringLiteral("500")));
        CHECK(closed + failed == 20);
        CHECK(closed > 0);
        CHECK(failed > 0);
        const QJsonObject counts = soakCounts(port);
        CHECK(counts.value(QStringLiteral("requests")).toInt() == 20);
        CHECK(counts.value(QStringLiteral("closed")).toInt() == closed);
        CHECK(counts.value(QStringLiteral("status500")).toInt() == failed);
        CHECK(counts.value(QStringLiteral("full")).toInt() == 0);

        // The same seed, the same sequence.
        QProcess again;
        const quint16 port2 = startFake(again, {"--fail-rate", "1", "--seed", "5", "--chunks", "5"});
        REQUIRE(port2 != 0);
        QStringList replay;
        for (int i = 0; i < 20; ++i)
            replay << soakOutcome(port2, streamBody);
        CHECK(replay == outcomes);
        stop(again);
        stop(process);
    }

    SECTION("--cut-rate 1: streams stop after some chunks, whole answers are whole")
    {
        QProcess process;
        const quint16 port = startFake(process, {"--cut-rate", "1", "--chunks", "5", "--stream-delay-ms", "5"});
        REQUIRE(port != 0);
        for (int i = 0; i < 5; ++i)
            CHECK(soakOutcome(port, streamBody) == QStringLiteral("cut"));
        CHECK(soakOutcome(port, R"({"model":"x"})") == QStringLiteral("whole"));
        const QJsonObject counts = soakCounts(port);
        CHECK(counts.value(QStringLiteral("cut")).toInt() == 5);
        CHECK(counts.value(QStringLiteral("full")).toInt() == 1);
        // The test's own connections are gone once the fake has seen them close.
        CHECK(waitUntil([&] { return soakCounts(port).value(QStringLiteral("open")).toInt() == 0; }));
        stop(process);
    }

    SECTION("by default nothing fails")
    {
        QProcess process;
        const quint16 port = startFake(process, {"--chunks", "3"});
        REQUIRE(port != 0);
        CHECK(soakOutcome(port, streamBody) == QStringLiteral("whole"));
        CHECK(soakCounts(port).value(QStringLiteral("full")).toInt() == 1);
        stop(process);
    }
}
