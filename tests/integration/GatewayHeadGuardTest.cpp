// The connection guard's checks on the request head, probed with raw sockets: a request the
// gateway would refuse is refused before its body is read, broken request and header lines
// get a 400 rather than a silent close or a misleading refusal, pipelined requests are
// answered in order.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonDocument>
#include <QTcpSocket>

#include "config/ConfigLoader.h"
#include "server/GatewayServer.h"
#include "usage/UsageTap.h"

using namespace sb;
using namespace sb::test;

namespace {

// One client connection with every byte the gateway sent on it.
class RawConnection final
{
public:
    explicit RawConnection(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_connected = m_socket.waitForConnected(3000);
    }
    bool connected() const { return m_connected; }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    // Polls until `done` holds (or the deadline passes), collecting what arrives.
    bool waitFor(const std::function<bool()> &done, int ms = 5000)
    {
        const bool held = waitUntil(
            [&] {
                m_received += m_socket.readAll();
                return done();
            },
            ms);
        m_received += m_socket.readAll();
        return held;
    }
    bool closed() const { return m_closed; }
    const QByteArray &received() const { return m_received; }

    // The complete responses received so far (Content-Length or chunked), in order.
    QList<QByteArray> responses() const
    {
        QList<QByteArray> out;
        qsizetype at = 0;
        for (;;) {
            const qsizetype headEnd = m_received.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
                break;
            const QByteArray head = m_received.mid(at, headEnd - at).toLower();
            qsizetype end = -1;
            const qsizetype length = head.indexOf("\r\ncontent-length:");
            if (length >= 0) {
                const qsizetype eol = head.indexOf("\r\n", length + 2);
                const qint64 size = head.mid(length + 17, eol < 0 ? -1 : eol - length - 17).trimmed().toLongLong();
                end = headEnd + 4 + size <= m_received.size() ? headEnd + 4 + size : -1;
            } else if (head.contains("transfer-encoding: chunked")) {
                const qsizetype last = m_received.indexOf("\r\n0\r\n\r\n", headEnd);
                end = last < 0 ? -1 : last + 7;
            } else {
                end = headEnd + 4;
            }
            if (end < 0)
                break;
            out.append(m_received.mid(at, end - at));
            at = end;
        }
        return out;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_connected = false;
    bool m_closed = false;
};

QByteArray postHead(const QByteArray &path, const QByteArray &host, const QByteArray &extra, qint64 length)
{
    return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n" + extra +
           "Content-Length: " + QByteArray::number(length) + "\r\n\r\n";
}

QByteArray bearer(const QByteArray &token)
{
    return "Authorization: Bearer " + token + "\r\n";
}

QByteArray messagesBody()
{
    return QJsonDocument(claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false)).toJson(QJsonDocument::Compact);
}

constexpr qint64 k50MB = 50LL * 1024 * 1024;
constexpr qint64 k20MB = 20LL * 1024 * 1024; // under the 32 MB limit: only the guard stops it

} // namespace

TEST_CASE("a request the gateway refuses is answered on its head: no 100 Continue, no body read, closed")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray host = "127.0.0.1:" + QByteArray::number(gateway.port());
    struct Case
    {
        const char *name;
        QByteArray head;
        const char *status;
        const char *mentions;
    };
    const Case cases[] = {
        {"a wrong token, 50 MB declared", postHead("/v1/messages", host, bearer("wrong"), k50MB), "HTTP/1.1 401",
         "authentication_error"},
        {"a wrong token, 20 MB declared (within the limit)",
         postHead("/v1/messages", host, bearer("wrong") + "Expect: 100-continue\r\n", k20MB), "HTTP/1.1 401",
         "missing or invalid token"},
        {"no token at all", postHead("/v1/messages", host, "Expect: 100-continue\r\n", k20MB), "HTTP/1.1 401",
         "authentication_error"},
        {"a foreign Host with the good token",
         postHead("/v1/messages", "evil.example", bearer(GatewayHarness::kToken) + "Expect: 100-continue\r\n", k20MB),
         "HTTP/1.1 403", "switchboard.allowed_hosts"},
        {"a browser Origin with the good token",
         postHead("/v1/messages", host,
                  bearer(GatewayHarness::kToken) + "Origin: https://evil.example\r\nExpect: 100-continue\r\n", k20MB),
         "HTTP/1.1 403", "switchboard.allowed_origins"},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        RawConnection client(gateway.port());
        REQUIRE(client.connected());
        client.send(c.head); // the head only: the body is never sent
        REQUIRE(client.waitFor([&] { return !client.responses().isEmpty(); }));
        const QByteArray answer = client.responses().first();
        INFO(answer.toStdString());
        CHECK(answer.startsWith(c.status));
        CHECK(answer.contains(c.mentions));
        CHECK(answer.contains("Connection: close"));
        CHECK(answer.contains("request-id: req_sb"));
        CHECK_FALSE(client.received().contains("100 Continue"));
        // What the client still sends is not read as a request; the connection closes.
        client.send(QByteArray(64 * 1024, 'x'));
        CHECK(client.waitFor([&] { return client.closed(); }, 5000));
        CHECK(client.responses().size() == 1);
    }
    // Recorded like any refusal.
    REQUIRE(waitUntil([&] { return gateway.records().size() >= 5; }));
    CHECK(gateway.records().at(0).status == 401);
    CHECK(gateway.records().at(0).method == QStringLiteral("POST"));
    CHECK(gateway.records().at(0).path == QStringLiteral("/v1/messages"));
    CHECK(gateway.records().at(0).errorType == QStringLiteral("authentication_error"));
    CHECK(gateway.records().at(3).status == 403);

    // The good token still works on the same server, with 100-continue as before.
    RawConnection good(gateway.port());
    REQUIRE(good.connected());
    const QByteArray body = messagesBody();
    good.send(postHead("/v1/messages", host, bearer(GatewayHarness::kToken) + "Expect: 100-continue\r\n", body.size()));
    REQUIRE(good.waitFor([&] { return good.received().contains("100 Continue"); }));
    good.send(body);
    REQUIRE(good.waitFor([&] { return good.responses().size() == 2; }, 10000));
    CHECK(good.responses().at(1).startsWith("HTTP/1.1 200"));
    CHECK(good.responses().at(1).contains("\"type\":\"message\""));
    CHECK_FALSE(good.closed());
    CHECK(ollama.turnCount() == 1);
}

TEST_CASE("a head-time refusal on /v1/chat/completions is in OpenAI's shape")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    RawConnection client(gateway.port());
    REQUIRE(client.connected());
    client.send(postHead("/v1/chat/completions", "127.0.0.1", bearer("wrong"), k50MB));
    REQUIRE(client.waitFor([&] { return !client.responses().isEmpty(); }));
    const QByteArray answer = client.responses().first();
    INFO(answer.toStdString());
    CHECK(answer.startsWith("HTTP/1.1 401"));
    const QJsonObject error = QJsonDocument::fromJson(answer.mid(answer.indexOf("\r\n\r\n") + 4)).object();
    CHECK(error.value(QStringLiteral("error"))
              .toObject()
              .value(QStringLiteral("message"))
              .toString()
              .contains(QStringLiteral("missing or invalid token")));
    CHECK_FALSE(error.contains(QStringLiteral("type"))); // Anthropic's shape has a top-level type
}

TEST_CASE("token and config changes reach the head check")
{
    FakeOllama ollama;
    const ConfigLoadResult loaded =
        ConfigLoader::loadText(ollamaGroupConfig(ollama.baseUrl()), QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    GatewayConfig config = loaded.config;
    config.usageEnabled = false;
    config.host = QStringLiteral("127.0.0.1");
    GatewayServer server(config, {QStringLiteral("old-token")});
    const Expected<void, QString> listening = server.listenOn(QStringLiteral("127.0.0.1"), 0);
    REQUIRE(listening.hasValue());
    const QByteArray body = messagesBody();
    const auto statusOf = [&](const QByteArray &host, const QByteArray &token) {
        RawConnection client(server.serverPort());
        if (!client.connected())
            return QByteArray();
        client.send(postHead("/v1/messages", host, bearer(token), body.size()) + body);
        client.waitFor([&] { return !client.responses().isEmpty(); }, 10000);
        return client.responses().value(0).left(12);
    };

    CHECK(statusOf("127.0.0.1", "old-token") == "HTTP/1.1 200");
    server.setTokens({QStringLiteral("new-token")});
    CHECK(statusOf("127.0.0.1", "old-token") == "HTTP/1.1 401");
    CHECK(statusOf("127.0.0.1", "new-token") == "HTTP/1.1 200");

    CHECK(statusOf("gateway.lan", "new-token") == "HTTP/1.1 403");
    config.allowedHosts = {QStringLiteral("gateway.lan")};
    server.applyConfig(config);
    CHECK(statusOf("gateway.lan", "new-token") == "HTTP/1.1 200");
    CHECK(ollama.turnCount() == 3);
}

TEST_CASE("malformed request lines and header lines get 400 and a close, never a hang")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray auth = bearer(GatewayHarness::kToken);
    struct Case
    {
        const char *name;
        QByteArray bytes; // sent as is; the client then waits
        const char *mentions;
    };
    const Case cases[] = {
        {"a request line of one word", "GARBAGE\r\n", "malformed request line"},
        {"no HTTP version", "GET /v1/models\r\n", "malformed request line"},
        {"an unknown HTTP version", "GET /v1/models HTTP/9.9\r\n", "unsupported HTTP version"},
        {"not HTTP at all", "HELLO THERE FRIEND HOW ARE YOU\r\n", "malformed request line"},
        {"a space too many", "GET  /v1/models HTTP/1.1\r\n", "malformed request line"},
        {"a header line without a colon",
         "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "this line has no colon\r\n",
         "header line 3 has no colon"},
        {"a header line without a colon before Host", "GET /v1/models HTTP/1.1\r\nX-Broken\r\nHost: 127.0.0.1\r\n\r\n",
         "header line 1 has no colon"},
        {"whitespace before the colon",
         "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Content-Length : 5\r\n\r\n", "malformed name"},
        {"a folded header line", "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n folded: on\r\n\r\n", "is folded"},
        {"two Host headers", "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n" + auth + "\r\n",
         "one Host header"},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        RawConnection client(gateway.port());
        REQUIRE(client.connected());
        client.send(c.bytes);
        // Well inside the 10 s head deadline, which would otherwise be the only way out.
        CHECK(client.waitFor([&] { return client.closed(); }, 5000));
        INFO(client.received().toStdString());
        REQUIRE(client.responses().size() == 1);
        CHECK(client.responses().first().startsWith("HTTP/1.1 400"));
        CHECK(client.responses().first().contains("invalid_request_error"));
        CHECK(client.responses().first().contains(c.mentions));
    }
    // Well-formed requests are unaffected, an empty line before the request line included.
    RawConnection client(gateway.port());
    REQUIRE(client.connected());
    client.send("\r\nGET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "anthropic-version: 2023-06-01\r\n\r\n");
    REQUIRE(client.waitFor([&] { return !client.responses().isEmpty(); }));
    CHECK(client.responses().first().startsWith("HTTP/1.1 200"));
    CHECK(ollama.turnCount() == 0);
}

TEST_CASE("pipelined requests in one write are answered in order, each complete")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray auth = bearer(GatewayHarness::kToken);
    const QByteArray body = messagesBody();
    const QByteArray models = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n";
    // The last one asks to close: the connection closes after all three answers, not before.
    const QByteArray liveness = "GET /health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    const QByteArray message = postHead("/v1/messages", "127.0.0.1", auth, body.size()) + body;
    RawConnection client(gateway.port());
    REQUIRE(client.connected());
    // A slow proxied answer first, two immediate ones after it: the order is the requests'.
    client.send(message + models + liveness);
    const bool closed = client.waitFor([&] { return client.closed(); }, 10000);
    INFO(client.received().toStdString());
    REQUIRE(closed);
    const QList<QByteArray> answers = client.responses();
    INFO(client.received().toStdString());
    REQUIRE(answers.size() == 3);
    CHECK(answers.at(0).startsWith("HTTP/1.1 200"));
    CHECK(answers.at(0).contains("\"type\":\"message\""));
    CHECK(answers.at(1).startsWith("HTTP/1.1 200"));
    CHECK(answers.at(1).contains("\"object\":\"list\""));
    CHECK(answers.at(2).startsWith("HTTP/1.1 200"));
    CHECK(answers.at(2).contains("I'm alive!"));
    CHECK(answers.at(2).contains("Connection: close"));
    CHECK(client.received().endsWith("\"I'm alive!\"")); // nothing after the last answer
}

TEST_CASE("pipelined streams keep their order and each ends properly")
{
    FakeOllama ollama;
    FakeTurn slow = FakeTurn::withText(QString(20, QLatin1Char('s')));
    slow.textPieces = 5;
    ollama.setTurn(slow);
    ollama.setChunkDelay(40);
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray auth = bearer(GatewayHarness::kToken);
    const QByteArray body =
        QJsonDocument(claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true)).toJson(QJsonDocument::Compact);
    const QByteArray stream = postHead("/v1/messages", "127.0.0.1", auth, body.size()) + body;
    const QByteArray models = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n";
    RawConnection client(gateway.port());
    REQUIRE(client.connected());
    client.send(stream + stream + models);
    REQUIRE(client.waitFor([&] { return client.responses().size() >= 3; }, 15000));
    const QList<QByteArray> answers = client.responses();
    REQUIRE(answers.size() == 3);
    for (int i = 0; i < 2; ++i) {
        INFO(answers.at(i).toStdString());
        CHECK(answers.at(i).startsWith("HTTP/1.1 200"));
        CHECK(answers.at(i).count("event: message_start") == 1);
        CHECK(answers.at(i).count("event: message_stop") == 1);
        CHECK(answers.at(i).endsWith("\r\n0\r\n\r\n"));
    }
    CHECK(answers.at(2).contains("\"object\":\"list\""));
    CHECK(ollama.turnCount() == 2);
}

TEST_CASE("a pipelined head behind another request is checked too: its body is never buffered")
{
    FakeOllama ollama;
    GatewayHarness gateway(ollamaGroupConfig(ollama.baseUrl()));
    REQUIRE(gateway.started());
    const QByteArray models =
        "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer(GatewayHarness::kToken) + "\r\n";
    struct Case
    {
        const char *name;
        QByteArray second;
    };
    const Case cases[] = {
        {"a wrong token on 20 MB", postHead("/v1/messages", "127.0.0.1", bearer("wrong"), k20MB)},
        {"a body over the limit", postHead("/v1/messages", "127.0.0.1", bearer(GatewayHarness::kToken), k50MB)},
        {"two framings", "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer(GatewayHarness::kToken) +
                             "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        RawConnection client(gateway.port());
        REQUIRE(client.connected());
        // Without the check the first is answered and the second waits for its body (the
        // body timeout is 60 s); with it the connection goes at once, the second unanswered.
        client.send(models + c.second + QByteArray(1024, 'x'));
        CHECK(client.waitFor([&] { return client.closed(); }, 5000));
        CHECK_FALSE(client.received().contains("100 Continue"));
        CHECK(client.responses().size() <= 1);
    }
    // The gateway serves the next client as before.
    CHECK(gateway.get(QStringLiteral("/v1/models")).status == 200);
}

TEST_CASE("listening fails with the reason in words: a taken port, a host that is not an address")
{
    const ConfigLoadResult loaded =
        ConfigLoader::loadText(ollamaGroupConfig(QStringLiteral("http://127.0.0.1:9")), QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    GatewayConfig config = loaded.config;
    config.usageEnabled = false;

    GatewayServer first(config, {QStringLiteral("t")});
    REQUIRE(first.listenOn(QStringLiteral("127.0.0.1"), 0).hasValue());
    const quint16 taken = first.serverPort();
    REQUIRE(taken != 0);

    GatewayServer second(config, {QStringLiteral("t")});
    const Expected<void, QString> clash = second.listenOn(QStringLiteral("127.0.0.1"), taken);
    REQUIRE_FALSE(clash.hasValue());
    CHECK(clash.error().contains(QStringLiteral("port %1 on 127.0.0.1 is already in use").arg(taken)));
    CHECK(clash.error().contains(QStringLiteral("--port")));
    CHECK(second.serverPort() == 0);

    GatewayServer third(config, {QStringLiteral("t")});
    const Expected<void, QString> named = third.listenOn(QStringLiteral("gateway.example"), 0);
    REQUIRE_FALSE(named.hasValue());
    CHECK(named.error() == QStringLiteral("cannot listen on \"gateway.example\": not an IP address (use 127.0.0.1)"));
}
