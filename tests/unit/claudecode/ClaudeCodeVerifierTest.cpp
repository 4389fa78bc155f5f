#include "claudecode/ClaudeCodeVerifier.h"
#include "ClaudeCodeTestHome.h"
#include "FakeHttpServer.h"

using namespace sb;
using sb::test::FakeHttpServer;
using sb::test::FakeReply;
using sb::test::RecordedRequest;

TEST_CASE("Verify over HTTP: a real round trip through a gateway", "[claudecode][verify]")
{
    FakeHttpServer gateway;
    REQUIRE(gateway.isListening());
    gateway.setHandler("POST", "/v1/messages", [](const RecordedRequest &request) {
        if (request.header("authorization") != "Bearer sb-good")
            return FakeReply::json(
                401, R"({"type":"error","error":{"type":"authentication_error","message":"invalid token"}})");
        return FakeReply::json(200, R"({"id":"msg_1","type":"message","role":"assistant","model":"qwen3-coder:30b",
            "content":[{"type":"text","text":"pong"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":1}})");
    });

    ClaudeCodeVerifier::Options options;
    options.baseUrl = gateway.baseUrl() + QStringLiteral("/v1");
    options.token = QStringLiteral("sb-good");
    options.timeoutMs = 10000;
    const VerifyOutcome ok = ClaudeCodeVerifier::verify(options);
    INFO(ok.detail.toStdString());
    CHECK(ok.ok);
    CHECK(ok.method == QStringLiteral("http"));
    CHECK(ok.detail.contains(QStringLiteral("pong")));
    REQUIRE(gateway.requests().size() == 1);
    CHECK(gateway.requests().first().path == "/v1/messages?beta=true");
    CHECK(gateway.requests().first().header("anthropic-version") == "2023-06-01");

    options.token = QStringLiteral("sb-stale");
    const VerifyOutcome refused = ClaudeCodeVerifier::verify(options);
    CHECK_FALSE(refused.ok);
    CHECK(refused.advice.contains(QStringLiteral("switchboard claude connect")));
    CHECK(refused.advice.contains(QStringLiteral("invalid token")));
}

TEST_CASE("Verify explains a gateway that is not running", "[claudecode][verify]")
{
    FakeHttpServer gateway;
    REQUIRE(gateway.isListening());
    gateway.close();
    ClaudeCodeVerifier::Options options;
    options.baseUrl = gateway.baseUrl();
    options.token = QStringLiteral("sb-x");
    options.timeoutMs = 10000;
    const VerifyOutcome outcome = ClaudeCodeVerifier::verify(options);
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.advice.contains(QStringLiteral("start the gateway")));
}

TEST_CASE("Failure explanations name the fix", "[claudecode][verify]")
{
    const QString url = QStringLiteral("http://127.0.0.1:4000");
    CHECK(ClaudeCodeVerifier::explainHttpFailure(
              404, {}, R"({"type":"error","error":{"type":"not_found_error","message":"no model x"}})", url,
              QStringLiteral("x"))
              .contains(QStringLiteral("model_list")));
    CHECK(
        ClaudeCodeVerifier::explainHttpFailure(529, {}, {}, url, QStringLiteral("x")).contains(QStringLiteral("busy")));
    CHECK(ClaudeCodeVerifier::explainHttpFailure(502, {}, R"({"error":"ollama down"})", url, QStringLiteral("x"))
              .contains(QStringLiteral("ollama down")));
    CHECK(ClaudeCodeVerifier::explainHttpFailure(0, QStringLiteral("Operation timed out"), {}, url, QStringLiteral("x"))
              .contains(QStringLiteral("try again")));
}
