// The provider adapters as pure functions: the request each one builds, how each reads a
// failed answer or a broken connection, and which can count tokens exactly.
#include "upstream/UpstreamAdapter.h"
#include "FailureOf.h"
#include "protocol/Dialect.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb;
using namespace sb::test;

namespace {

Deployment deploymentOf(Provider provider, const QString &apiBase, const QString &model)
{
    Deployment d;
    d.id = QStringLiteral("d1");
    d.modelName = QStringLiteral("main");
    d.provider = provider;
    d.model = model;
    d.upstreamModel = model.section(QLatin1Char('/'), 1);
    d.apiBase = QUrl(apiBase);
    return d;
}

QJsonObject clientBody()
{
    return QJsonObject{
        {QStringLiteral("model"), QStringLiteral("claude-sonnet-4-5")},
        {QStringLiteral("max_tokens"), 32000},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("hi")}}}},
        {QStringLiteral("context_management"), QJsonObject{{QStringLiteral("edits"), QJsonArray{}}}},
    };
}

QJsonObject bodyOf(const HttpRequest &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

} // namespace

TEST_CASE("each provider has its adapter, named as records name it")
{
    CHECK(UpstreamAdapter::of(Provider::Ollama).name() == QStringLiteral("ollama"));
    CHECK(UpstreamAdapter::of(Provider::OpenAiCompatible).name() == QStringLiteral("openai"));
    CHECK(UpstreamAdapter::of(Provider::Anthropic).name() == QStringLiteral("anthropic"));
    CHECK(UpstreamAdapter::of(Provider::Anthropic).passesThrough(ClientDialect::Anthropic));
    CHECK_FALSE(UpstreamAdapter::of(Provider::Anthropic).passesThrough(ClientDialect::OpenAi));
    CHECK_FALSE(UpstreamAdapter::of(Provider::Ollama).passesThrough(ClientDialect::Anthropic));
    CHECK_FALSE(UpstreamAdapter::of(Provider::OpenAiCompatible).passesThrough(ClientDialect::Anthropic));
}

TEST_CASE("adapters build each upstream's request: URL, headers, body")
{
    const QJsonObject client = clientBody();
    Request canonical;
    REQUIRE_FALSE(failureOf(AnthropicRequestCodec::decode(client, canonical)));
    canonical.stream = true;

    SECTION("Anthropic pass-through changes only the model and forwards the client's headers")
    {
        Deployment d = deploymentOf(Provider::Anthropic, QStringLiteral("https://api.anthropic.com/"),
                                    QStringLiteral("anthropic/claude-opus-4-1"));
        d.apiKey = QStringLiteral("sk-up");
        UpstreamCall call;
        call.clientBody = &client;
        call.stream = true;
        call.anthropicBeta = "context-management-2025-06-27";
        const HttpRequest request = UpstreamAdapter::of(Provider::Anthropic).buildRequest(d, call);
        CHECK(request.url == QUrl(QStringLiteral("https://api.anthropic.com/v1/messages")));
        CHECK(headerValue(request.headers, "x-api-key") == "sk-up");
        CHECK(headerValue(request.headers, "anthropic-version") == "2023-06-01");
        CHECK(headerValue(request.headers, "anthropic-beta") == "context-management-2025-06-27");
        CHECK(headerValue(request.headers, "accept").startsWith("text/event-stream"));
        QJsonObject expected = client;
        expected.insert(QStringLiteral("model"), QStringLiteral("claude-opus-4-1"));
        CHECK(bodyOf(request) == expected);
    }
    SECTION("OpenAI-compatible: /chat/completions with a Bearer key")
    {
        Deployment d = deploymentOf(Provider::OpenAiCompatible, QStringLiteral("http://127.0.0.1:8000/v1"),
                                    QStringLiteral("hosted_vllm/qwen"));
        d.apiKey = QStringLiteral("k");
        canonical.model = d.upstreamModel;
        UpstreamCall call;
        call.clientBody = &client;
        call.request = &canonical;
        call.stream = true;
        const HttpRequest request = UpstreamAdapter::of(Provider::OpenAiCompatible).buildRequest(d, call);
        CHECK(request.url == QUrl(QStringLiteral("http://127.0.0.1:8000/v1/chat/completions")));
        CHECK(headerValue(request.headers, "authorization") == "Bearer k");
        CHECK(bodyOf(request).value(QStringLiteral("model")).toString() == QStringLiteral("qwen"));
        CHECK(bodyOf(request).value(QStringLiteral("stream")).toBool());
        CHECK_FALSE(bodyOf(request).contains(QStringLiteral("context_management")));
    }
    SECTION("Ollama: /api/chat with num_ctx, 32768 unless the deployment sets it")
    {
        Deployment d =
            deploymentOf(Provider::Ollama, QStringLiteral("http://127.0.0.1:11434"), QStringLiteral("ollama/qwen"));
        d.keepAlive = QStringLiteral("30m");
        canonical.model = d.upstreamModel;
        UpstreamCall call;
        call.clientBody = &client;
        call.request = &canonical;
        const HttpRequest request = UpstreamAdapter::of(Provider::Ollama).buildRequest(d, call);
        CHECK(request.url == QUrl(QStringLiteral("http://127.0.0.1:11434/api/chat")));
        CHECK(headerValue(request.headers, "authorization").isEmpty());
        const QJsonObject body = bodyOf(request);
        CHECK(body.value(QStringLiteral("options")).toObject().value(QStringLiteral("num_ctx")).toInt() == 32768);
        CHECK(body.value(QStringLiteral("keep_alive")).toString() == QStringLiteral("30m"));
        d.contextLength = 65536;
        CHECK(bodyOf(UpstreamAdapter::of(Provider::Ollama).buildRequest(d, call))
                  .value(QStringLiteral("options"))
                  .toObject()
                  .value(QStringLiteral("num_ctx"))
                  .toInt() == 65536);
    }
}

TEST_CASE("adapters judge failed answers: what the client hears and what the router does")
{
    const Deployment ollama =
        deploymentOf(Provider::Ollama, QStringLiteral("http://127.0.0.1:11434"), QStringLiteral("ollama/qwen"));
    const Deployment vllm = deploymentOf(Provider::OpenAiCompatible, QStringLiteral("http://127.0.0.1:8000/v1"),
                                         QStringLiteral("hosted_vllm/qwen"));
    const UpstreamAdapter &ollamaAdapter = UpstreamAdapter::of(Provider::Ollama);
    const UpstreamAdapter &openAi = UpstreamAdapter::of(Provider::OpenAiCompatible);

    UpstreamVerdict verdict =
        ollamaAdapter.judgeAnswer(ollama, 404, {}, R"({"error":"model 'qwen' not found"})", false, 10);
    CHECK(verdict.failure == AttemptFailure::ClientError);
    CHECK(verdict.error.httpStatus == 404);
    CHECK(verdict.error.message.startsWith(
        QStringLiteral("Ollama at 127.0.0.1:11434 answered 404: model 'qwen' not found")));
    CHECK(verdict.error.message.endsWith(QStringLiteral(" — run `ollama pull qwen`")));

    verdict = openAi.judgeAnswer(vllm, 429, {{"Retry-After", "7"}}, R"({"error":{"message":"slow"}})", false, 10);
    CHECK(verdict.failure == AttemptFailure::RateLimited);
    CHECK(verdict.error.retryAfterSeconds == 7);
    verdict = openAi.judgeAnswer(vllm, 429, {}, R"({"error":{"message":"slow"}})", false, 10);
    CHECK(verdict.error.retryAfterSeconds == 1);

    verdict = openAi.judgeAnswer(vllm, 503, {}, "busy", false, 10);
    CHECK(verdict.failure == AttemptFailure::Overloaded);
    CHECK(verdict.error.httpStatus == 529);
    CHECK(verdict.error.type == QStringLiteral("overloaded_error"));

    CHECK(openAi.judgeAnswer(vllm, 504, {}, "late", false, 10).failure == AttemptFailure::Timeout);
    CHECK(openAi.judgeAnswer(vllm, 500, {}, "boom", false, 10).failure == AttemptFailure::ServerError);

    const QByteArray overflow =
        R"({"object":"error","message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.","type":"BadRequestError","code":400})";
    verdict = openAi.judgeAnswer(vllm, 400, {}, overflow, false, 10);
    CHECK(verdict.failure == AttemptFailure::ContextExceeded);
    CHECK(verdict.error.message == QStringLiteral("prompt is too long: 9001 tokens > 8192 maximum"));

    // Relayed answers keep the upstream's own words.
    const Deployment claude = deploymentOf(Provider::Anthropic, QStringLiteral("https://api.anthropic.com"),
                                           QStringLiteral("anthropic/claude-opus-4-1"));
    verdict =
        UpstreamAdapter::of(Provider::Anthropic)
            .judgeAnswer(claude, 400, {},
                         R"({"type":"error","error":{"type":"invalid_request_error","message":"bad beta"}})", true, 10);
    CHECK(verdict.failure == AttemptFailure::ClientError);
    CHECK(verdict.error.message == QStringLiteral("bad beta"));
}

TEST_CASE("adapters say in words why a connection failed, and what to check")
{
    const Deployment ollama =
        deploymentOf(Provider::Ollama, QStringLiteral("http://127.0.0.1:11434"), QStringLiteral("ollama/qwen"));
    const Deployment vllm = deploymentOf(Provider::OpenAiCompatible, QStringLiteral("http://127.0.0.1:8000/v1"),
                                         QStringLiteral("hosted_vllm/qwen"));
    HttpFailure refused;
    refused.kind = HttpFailure::Kind::ConnectionRefused;
    UpstreamVerdict verdict = UpstreamAdapter::of(Provider::Ollama).judgeFailure(ollama, refused);
    CHECK(verdict.failure == AttemptFailure::Connect);
    CHECK(verdict.error.httpStatus == 502);
    CHECK(verdict.error.message ==
          QStringLiteral("Ollama at 127.0.0.1:11434 refused the connection — is `ollama serve` running?"));
    verdict = UpstreamAdapter::of(Provider::OpenAiCompatible).judgeFailure(vllm, refused);
    CHECK(verdict.error.message.endsWith(QStringLiteral(
        "refused the connection — is the server running and is api_base (http://127.0.0.1:8000/v1) right?")));

    HttpFailure late;
    late.kind = HttpFailure::Kind::FirstByteTimeout;
    late.detail = QStringLiteral("no first byte in 5 s");
    verdict = UpstreamAdapter::of(Provider::OpenAiCompatible).judgeFailure(vllm, late);
    CHECK(verdict.failure == AttemptFailure::Timeout);
    CHECK(verdict.error.httpStatus == 504);
    CHECK(verdict.error.type == QStringLiteral("timeout_error"));
}

TEST_CASE("exact token counts: Anthropic, vLLM and llama.cpp's server, not OpenAI's or Ollama")
{
    CHECK(UpstreamAdapter::of(Provider::Anthropic)
              .tokenCountApi(deploymentOf(Provider::Anthropic, QStringLiteral("https://api.anthropic.com"),
                                          QStringLiteral("anthropic/claude"))) == TokenCountApi::Anthropic);
    const UpstreamAdapter &openAi = UpstreamAdapter::of(Provider::OpenAiCompatible);
    CHECK(openAi.tokenCountApi(deploymentOf(Provider::OpenAiCompatible, QStringLiteral("http://h:8000/v1"),
                                            QStringLiteral("hosted_vllm/q"))) == TokenCountApi::Vllm);
    CHECK(openAi.tokenCountApi(deploymentOf(Provider::OpenAiCompatible, QStringLiteral("http://h:8080/v1"),
                                            QStringLiteral("openai/q"))) == TokenCountApi::LlamaCpp);
    CHECK_FALSE(openAi.tokenCountApi(deploymentOf(
        Provider::OpenAiCompatible, QStringLiteral("https://api.openai.com/v1"), QStringLiteral("openai/gpt-4o"))));
    CHECK_FALSE(UpstreamAdapter::of(Provider::Ollama)
                    .tokenCountApi(
                        deploymentOf(Provider::Ollama, QStringLiteral("http://h:11434"), QStringLiteral("ollama/q"))));
}

TEST_CASE("the dialect table answers each client in its own shape")
{
    const ApiError error = ApiError::invalidRequest(QStringLiteral("bad"));
    const QJsonObject anthropic =
        QJsonDocument::fromJson(DialectCodecs::of(ClientDialect::Anthropic).encodeError(error, QStringLiteral("req_9")))
            .object();
    CHECK(anthropic.value(QStringLiteral("type")).toString() == QStringLiteral("error"));
    CHECK(anthropic.value(QStringLiteral("request_id")).toString() == QStringLiteral("req_9"));
    const QJsonObject openai =
        QJsonDocument::fromJson(DialectCodecs::of(ClientDialect::OpenAi).encodeError(error, QStringLiteral("req_9")))
            .object();
    CHECK(openai.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString() ==
          QStringLiteral("bad"));
    CHECK_FALSE(openai.contains(QStringLiteral("request_id")));

    QByteArray out;
    const QJsonObject streamBody{
        {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}}};
    std::unique_ptr<StreamEncoder> encoder =
        DialectCodecs::of(ClientDialect::OpenAi).makeStreamEncoder(QStringLiteral("gpt"), streamBody);
    Usage usage;
    usage.inputTokens = 3;
    usage.outputTokens = 4;
    encoder->encode(StreamEvent::messageStart(QStringLiteral("msg_1"), QStringLiteral("gpt"), usage), out);
    encoder->encode(StreamEvent::messageDelta(StopReason::EndTurn, usage), out);
    encoder->encode(StreamEvent::messageStop(), out);
    CHECK(out.contains("\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4"));
    CHECK(out.endsWith("data: [DONE]\n\n"));

    Request request;
    CHECK_FALSE(failureOf(DialectCodecs::of(ClientDialect::OpenAi)
                              .decodeRequest(QJsonObject{{QStringLiteral("model"), QStringLiteral("m")},
                                                         {QStringLiteral("messages"), QJsonArray{}}},
                                             request)));
    CHECK(failureOf(DialectCodecs::of(ClientDialect::Anthropic).decodeRequest(QJsonObject{}, request)));
}
