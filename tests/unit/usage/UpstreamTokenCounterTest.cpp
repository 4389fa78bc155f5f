#include "upstream/UpstreamTokenCounter.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace sb;

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/usage/") + QLatin1String(name));
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

QJsonObject json(const QByteArray &bytes)
{
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    REQUIRE(document.isObject());
    return document.object();
}

QByteArray header(const TokenCountRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key == name)
            return value;
    }
    return {};
}

// What Claude Code sends to /v1/messages/count_tokens.
const QByteArray kCountBody =
    R"({"model":"claude-sonnet-4-5","system":[{"type":"text","text":"You are terse."}],)"
    R"("messages":[{"role":"user","content":[{"type":"text","text":"Hello, world!"}]},)"
    R"({"role":"assistant","content":"Hi."},{"role":"user","content":"Count me"}],)"
    R"("tools":[{"name":"Read","description":"Reads a file","input_schema":{"type":"object"}}]})";

} // namespace

TEST_CASE("Anthropic count_tokens request: the body with the upstream model, version and key", "[usage][tokens]")
{
    const auto request = UpstreamTokenCounter::buildRequest(
        TokenCountApi::Anthropic, QStringLiteral("https://api.anthropic.com"),
        QStringLiteral("claude-sonnet-4-5-20250929"), QStringLiteral("sk-ant-test"), kCountBody);
    REQUIRE(request.hasValue());
    CHECK(request->url.toString() == QStringLiteral("https://api.anthropic.com/v1/messages/count_tokens"));
    CHECK(header(*request, "anthropic-version") == QByteArray(UpstreamTokenCounter::kAnthropicVersion));
    CHECK(header(*request, "x-api-key") == QByteArray("sk-ant-test"));
    CHECK(header(*request, "content-type") == QByteArray("application/json"));
    const QJsonObject body = json(request->body);
    CHECK(body.value(QLatin1String("model")).toString() == QStringLiteral("claude-sonnet-4-5-20250929"));
    CHECK(body.value(QLatin1String("messages")) == json(kCountBody).value(QLatin1String("messages")));
    CHECK(body.value(QLatin1String("tools")) == json(kCountBody).value(QLatin1String("tools")));
    // Byte for byte the client's body but for the model, as the pass-through sends it.
    QByteArray expected(kCountBody);
    expected.replace(QByteArray("\"") + json(kCountBody).value(QLatin1String("model")).toString().toUtf8() + "\"",
                     "\"claude-sonnet-4-5-20250929\"");
    CHECK(request->body == expected);

    // An api_base that already ends in /v1 (and a trailing slash) is not doubled.
    const auto v1 =
        UpstreamTokenCounter::buildRequest(TokenCountApi::Anthropic, QStringLiteral("https://proxy.example/v1/"),
                                           QStringLiteral("m"), QString(), kCountBody);
    REQUIRE(v1.hasValue());
    CHECK(v1->url.toString() == QStringLiteral("https://proxy.example/v1/messages/count_tokens"));
    CHECK(header(*v1, "x-api-key").isEmpty());
}

TEST_CASE("vLLM tokenize request: OpenAI-shaped messages beside /v1", "[usage][tokens]")
{
    const auto request =
        UpstreamTokenCounter::buildRequest(TokenCountApi::Vllm, QStringLiteral("http://gpu:8000/v1"),
                                           QStringLiteral("Qwen/Qwen2.5-Coder-7B-Instruct"), QString(), kCountBody);
    REQUIRE(request.hasValue());
    CHECK(request->url.toString() == QStringLiteral("http://gpu:8000/tokenize"));
    CHECK(header(*request, "authorization").isEmpty());
    const QJsonObject body = json(request->body);
    CHECK(body.value(QLatin1String("model")).toString() == QStringLiteral("Qwen/Qwen2.5-Coder-7B-Instruct"));
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    REQUIRE(messages.size() == 4);
    CHECK(messages[0].toObject().value(QLatin1String("role")).toString() == QStringLiteral("system"));
    CHECK(QJsonDocument(messages[0].toObject()).toJson().contains("You are terse."));
    CHECK(messages[1].toObject().value(QLatin1String("role")).toString() == QStringLiteral("user"));
    CHECK(QJsonDocument(messages[1].toObject()).toJson().contains("Hello, world!"));
    CHECK(messages[2].toObject().value(QLatin1String("role")).toString() == QStringLiteral("assistant"));
    CHECK(messages[3].toObject().value(QLatin1String("content")).toString() == QStringLiteral("Count me"));

    const auto keyed = UpstreamTokenCounter::buildRequest(TokenCountApi::Vllm, QStringLiteral("http://gpu:8000"),
                                                          QStringLiteral("m"), QStringLiteral("k"), kCountBody);
    REQUIRE(keyed.hasValue());
    CHECK(keyed->url.toString() == QStringLiteral("http://gpu:8000/tokenize"));
    CHECK(header(*keyed, "authorization") == QByteArray("Bearer k"));
}

TEST_CASE("llama.cpp tokenize request: the prompt text as content", "[usage][tokens]")
{
    const auto request =
        UpstreamTokenCounter::buildRequest(TokenCountApi::LlamaCpp, QStringLiteral("http://127.0.0.1:8080/v1/"),
                                           QStringLiteral("any"), QString(), kCountBody);
    REQUIRE(request.hasValue());
    CHECK(request->url.toString() == QStringLiteral("http://127.0.0.1:8080/tokenize"));
    const QJsonObject body = json(request->body);
    CHECK(body.keys() == QStringList{QStringLiteral("content")});
    const QString content = body.value(QLatin1String("content")).toString();
    CHECK(content.contains(QStringLiteral("You are terse.")));
    CHECK(content.contains(QStringLiteral("Hello, world!")));
    CHECK(content.contains(QStringLiteral("Hi.")));
    CHECK(content.indexOf(QStringLiteral("Hello, world!")) < content.indexOf(QStringLiteral("Count me")));
}

TEST_CASE("Token count requests refuse bodies that are not Messages bodies", "[usage][tokens]")
{
    for (TokenCountApi api : {TokenCountApi::Anthropic, TokenCountApi::Vllm, TokenCountApi::LlamaCpp}) {
        const auto request =
            UpstreamTokenCounter::buildRequest(api, QStringLiteral("http://h"), QStringLiteral("m"), QString(), "[1,2");
        REQUIRE_FALSE(request.hasValue());
        CHECK_FALSE(request.error().isEmpty());
    }
    const auto badMessages = UpstreamTokenCounter::buildRequest(
        TokenCountApi::Vllm, QStringLiteral("http://h"), QStringLiteral("m"), QString(), R"({"messages":"nope"})");
    CHECK_FALSE(badMessages.hasValue());
}

TEST_CASE("Token count answers parse from each server's format", "[usage][tokens]")
{
    Expected<qint64, QString> anthropic =
        UpstreamTokenCounter::parseResponse(TokenCountApi::Anthropic, fixture("anthropic_count_tokens.json"));
    REQUIRE(anthropic.hasValue());
    CHECK(*anthropic == 2095);

    Expected<qint64, QString> vllm =
        UpstreamTokenCounter::parseResponse(TokenCountApi::Vllm, fixture("vllm_tokenize.json"));
    REQUIRE(vllm.hasValue());
    CHECK(*vllm == 7);
    // An older vLLM without `count`: the tokens array's length.
    vllm = UpstreamTokenCounter::parseResponse(TokenCountApi::Vllm, R"({"tokens":[1,2,3],"max_model_len":4096})");
    REQUIRE(vllm.hasValue());
    CHECK(*vllm == 3);

    Expected<qint64, QString> llama =
        UpstreamTokenCounter::parseResponse(TokenCountApi::LlamaCpp, fixture("llamacpp_tokenize.json"));
    REQUIRE(llama.hasValue());
    CHECK(*llama == 7);
    llama = UpstreamTokenCounter::parseResponse(TokenCountApi::LlamaCpp, fixture("llamacpp_tokenize_pieces.json"));
    REQUIRE(llama.hasValue());
    CHECK(*llama == 3);
}

TEST_CASE("Token count answers that carry no count are errors", "[usage][tokens]")
{
    const struct
    {
        TokenCountApi api;
        QByteArray body;
    } cases[] = {
        {TokenCountApi::Anthropic, fixture("anthropic_count_tokens_error.json")},
        {TokenCountApi::Vllm, fixture("vllm_tokenize_error.json")},
        {TokenCountApi::LlamaCpp, fixture("llamacpp_tokenize_error.json")},
        {TokenCountApi::Anthropic, R"({"input_tokens":-3})"},
        {TokenCountApi::Anthropic, R"({"input_tokens":"12"})"},
        {TokenCountApi::Vllm, R"({"count":2.5})"},
        {TokenCountApi::LlamaCpp, R"({"tokens":7})"},
        {TokenCountApi::LlamaCpp, "<html>502 Bad Gateway</html>"},
    };
    for (const auto &c : cases) {
        INFO(c.body.toStdString());
        const Expected<qint64, QString> result = UpstreamTokenCounter::parseResponse(c.api, c.body);
        CHECK_FALSE(result.hasValue());
        CHECK_FALSE(result.error().isEmpty());
    }
    CHECK(UpstreamTokenCounter::parseResponse(TokenCountApi::Anthropic, fixture("anthropic_count_tokens_error.json"))
              .error()
              .contains(QStringLiteral("messages: Field required")));
}
