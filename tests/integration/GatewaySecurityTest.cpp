// The gateway's defences, probed with raw sockets so every header is the test's choice.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>

#include "config/ConfigLoader.h"

using namespace sb;
using namespace sb::test;

namespace {

// Sends raw bytes, returns everything the gateway answered until it closed or `ms` passed.
QByteArray exchange(quint16 port, const QByteArray &bytes, int ms = 3000, bool *closed = nullptr)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return {};
    socket.write(bytes);
    QByteArray answer;
    bool gone = false;
    QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [&gone] { gone = true; });
    waitUntil(
        [&] {
            answer += socket.readAll();
            return gone || (answer.contains("\r\n\r\n") && answer.contains("}"));
        },
        ms);
    answer += socket.readAll();
    if (closed)
        *closed = gone;
    return answer;
}

QByteArray get(const QByteArray &host, const QByteArray &extraHeaders = {})
{
    return "GET /v1/models HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " +
           QByteArray(GatewayHarness::kToken) + "\r\nanthropic-version: 2023-06-01\r\n" + extraHeaders + "\r\n";
}

} // namespace

TEST_CASE("only Host values naming this gateway on loopback are served (DNS rebinding)")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray port = QByteArray::number(gateway.port());
    CHECK(exchange(gateway.port(), get("127.0.0.1:" + port)).startsWith("HTTP/1.1 200"));
    CHECK(exchange(gateway.port(), get("localhost:" + port)).startsWith("HTTP/1.1 200"));
    const QByteArray evil = exchange(gateway.port(), get("evil.example:" + port));
    CHECK(evil.startsWith("HTTP/1.1 403"));
    CHECK(evil.contains("permission_error"));
    CHECK(evil.contains("switchboard.allowed_hosts"));
    CHECK(exchange(gateway.port(), get("127.0.0.1:1")).startsWith("HTTP/1.1 403"));
}

TEST_CASE("allowed_hosts lets a named host through")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl(), "switchboard: {allowed_hosts: [gateway.lan]}\n"));
    REQUIRE(gateway.started());
    CHECK(exchange(gateway.port(), get("gateway.lan:4000")).startsWith("HTTP/1.1 200"));
    CHECK(exchange(gateway.port(), get("other.lan")).startsWith("HTTP/1.1 403"));
}

TEST_CASE("browser Origins are refused and no CORS headers are sent")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray host = "127.0.0.1:" + QByteArray::number(gateway.port());
    const QByteArray refused = exchange(gateway.port(), get(host, "Origin: https://evil.example\r\n"));
    CHECK(refused.startsWith("HTTP/1.1 403"));
    CHECK(refused.contains("allowed_origins"));
    const QByteArray normal = exchange(gateway.port(), get(host));
    CHECK(normal.startsWith("HTTP/1.1 200"));
    CHECK_FALSE(normal.toLower().contains("access-control-allow"));
}

TEST_CASE("allowed_ips admits listed addresses and ranges only")
{
    FakeOllama ollama;
    {
        GatewayHarness gateway(
            ollamaGroupConfig(ollama.baseUrl(), "general_settings: {allowed_ips: ['10.0.0.0/8']}\n"));
        REQUIRE(gateway.started());
        const QByteArray answer = exchange(gateway.port(), get("127.0.0.1:" + QByteArray::number(gateway.port())));
        CHECK(answer.startsWith("HTTP/1.1 403"));
        CHECK(answer.contains("allowed_ips"));
    }
    {
        GatewayHarness gateway(
            ollamaGroupConfig(ollama.baseUrl(), "general_settings: {allowed_ips: ['127.0.0.0/8', '::1']}\n"));
        REQUIRE(gateway.started());
        CHECK(exchange(gateway.port(), get("127.0.0.1:" + QByteArray::number(gateway.port())))
                  .startsWith("HTTP/1.1 200"));
    }
}

TEST_CASE("a client that does not finish its headers in 10 s is dropped")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    QElapsedTimer clock;
    clock.start();
    bool closed = false;
    exchange(gateway.port(), "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 14000, &closed);
    CHECK(closed);
    CHECK(clock.elapsed() >= 9500);
    CHECK(clock.elapsed() < 13000);
}

TEST_CASE("too many request headers get 431")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    QByteArray many;
    for (int i = 0; i < 150; ++i)
        many += "X-Filler-" + QByteArray::number(i) + ": 1\r\n";
    const QByteArray answer = exchange(gateway.port(), get("127.0.0.1", many));
    CHECK(answer.startsWith("HTTP/1.1 431"));
}

TEST_CASE("per-token request limits answer 429 with an integer retry-after")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl(), "switchboard: {token_rpm: 2}\n"));
    REQUIRE(gateway.started());
    CHECK(gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false))
              .status == 200);
    CHECK(gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false))
              .status == 200);
    const HttpResult limited =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false));
    CHECK(limited.status == 429);
    bool ok = false;
    const int seconds = limited.header("retry-after").toInt(&ok);
    CHECK(ok);
    CHECK(seconds >= 1);
    CHECK(seconds <= 60);
    CHECK(limited.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("rate_limit_error"));
    CHECK(ollama.turnCount() == 2);
}

TEST_CASE("an upstream pointing at the gateway itself is refused at start")
{
    QTcpServer probe;
    REQUIRE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const QByteArray yaml = QStringLiteral("model_list:\n  - model_name: loop\n    litellm_params: {model: openai/x, "
                                           "api_base: 'http://127.0.0.1:%1/v1'}\n"
                                           "switchboard: {port: %1}\n")
                                .arg(port)
                                .toUtf8();
    const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    CHECK_FALSE(loaded.ok());
    CHECK(loaded.errors().join(QLatin1Char('\n')).contains(QStringLiteral("loops back to Switchboard itself")));
}

TEST_CASE("request smuggling: two framings of one body are refused with 400 and the connection closes")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray auth = "Authorization: Bearer " + QByteArray(GatewayHarness::kToken) + "\r\n";
    // The tail of the "body" is a second request; it must never be answered.
    const QByteArray smuggled = "0\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n";
    struct Case
    {
        const char *name;
        QByteArray head;
        const char *status;
    };
    const Case cases[] = {
        {"Content-Length and Transfer-Encoding",
         "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
             "Content-Length: " + QByteArray::number(smuggled.size()) + "\r\nTransfer-Encoding: chunked\r\n\r\n",
         "HTTP/1.1 400"},
        {"two different Content-Lengths, huge first",
         "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
             "Content-Length: 900000000000\r\nContent-Length: " + QByteArray::number(smuggled.size()) + "\r\n\r\n",
         "HTTP/1.1 400"},
        {"a malformed Content-Length",
         "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Content-Length: 12abc\r\n\r\n", "HTTP/1.1 400"},
        {"a chunked upload, whose size is unknown until buffered",
         "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Transfer-Encoding: chunked\r\n\r\n",
         "HTTP/1.1 411"},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, gateway.port());
        REQUIRE(socket.waitForConnected(3000));
        socket.write(c.head + smuggled);
        bool closed = false;
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [&closed] { closed = true; });
        QByteArray answer;
        waitUntil(
            [&] {
                answer += socket.readAll();
                return closed;
            },
            6000);
        answer += socket.readAll();
        INFO(answer.toStdString());
        CHECK(answer.startsWith(c.status));
        CHECK(answer.count("HTTP/1.1 ") == 1); // the smuggled request got no answer
        CHECK(closed);
    }
    CHECK(ollama.turnCount() == 0);
}

TEST_CASE("an idle kept-alive connection and a body that never comes are closed after their timeouts")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(
        ollama.baseUrl(), "switchboard: {keepalive_timeout_seconds: 0.5, body_timeout_seconds: 0.5}\n"));
    REQUIRE(gateway.started());
    const auto closesWithin = [&](const QByteArray &bytes, int ms, QByteArray *answer) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, gateway.port());
        REQUIRE(socket.waitForConnected(3000));
        socket.write(bytes);
        bool closed = false;
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [&closed] { closed = true; });
        QElapsedTimer clock;
        clock.start();
        waitUntil(
            [&] {
                *answer += socket.readAll();
                return closed;
            },
            ms);
        *answer += socket.readAll();
        return closed ? clock.elapsed() : -1;
    };

    // One answered request (a 401 here: no token), then silence: closed after ~0.5 s.
    QByteArray answer;
    const qint64 idle = closesWithin(
        "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nanthropic-version: 2023-06-01\r\n\r\n", 5000, &answer);
    CHECK(answer.startsWith("HTTP/1.1 401"));
    CHECK(idle >= 300);
    CHECK(idle < 4000);

    // A declared body of 1000 bytes of which 10 arrive: closed, nothing answered.
    answer.clear();
    const qint64 body =
        closesWithin("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                         QByteArray(GatewayHarness::kToken) + "\r\nContent-Length: 1000\r\n\r\n0123456789",
                     5000, &answer);
    CHECK(body >= 300);
    CHECK(body < 4000);
    CHECK(answer.isEmpty());

    // A stream that runs three times the idle timeout is not cut by it.
    FakeTurn slow = FakeTurn::withText(QString(30, QLatin1Char('s')));
    slow.textPieces = 10;
    ollama.setTurn(slow);
    ollama.setChunkDelay(150);
    const HttpResult ok =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("claude-x"), true));
    CHECK(ok.status == 200);
    CHECK(ok.eventNames().contains(QStringLiteral("message_stop")));
}
