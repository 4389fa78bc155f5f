// FakeOllama against Ollama's native API.
#include "FakeOllama.h"
#include "RawHttpClient.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb::test;

namespace {

const QByteArray Prefix = R"({"model":"qwen3:8b","created_at":"2025-01-01T00:00:00.000000Z","message":)";

QJsonObject bodyOf(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

FakeTurn richTurn()
{
    FakeTurn turn;
    turn.thinking = QStringLiteral("hmm");
    turn.text = QStringLiteral("caf\u00e9");
    turn.textPieces = 2;
    turn.inputTokens = 20;
    turn.outputTokens = 5;
    FakeToolCall call;
    call.name = QStringLiteral("get_weather");
    call.arguments = QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}, {QStringLiteral("days"), 2}};
    turn.toolCalls.append(call);
    return turn;
}

const QByteArray Stats =
    R"("done_reason":"stop","done":true,"total_duration":75000000,"load_duration":5000000,)"
    R"("prompt_eval_count":20,"prompt_eval_duration":20000000,"eval_count":5,"eval_duration":50000000})";

} // namespace

TEST_CASE("FakeOllama streams NDJSON lines exactly", "[fakes][ollama]")
{
    FakeOllama fake;
    fake.setTurn(richTurn());
    // No "stream" key: Ollama streams by default.
    const auto r = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"qwen3:8b","messages":[]})");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("content-type") == "application/x-ndjson");
    CHECK(r->header("transfer-encoding") == "chunked");
    const QList<QByteArray> expected = {
        Prefix + R"({"role":"assistant","content":"","thinking":"h"},"done":false})" + "\n",
        Prefix + R"({"role":"assistant","content":"","thinking":"mm"},"done":false})" + "\n",
        Prefix + R"({"role":"assistant","content":"ca"},"done":false})" + "\n",
        Prefix + "{\"role\":\"assistant\",\"content\":\"f\xC3\xA9\"},\"done\":false}\n",
        Prefix +
            R"({"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris","days":2}}}]},"done":false})" +
            "\n",
        Prefix + R"({"role":"assistant","content":""},)" + Stats + "\n",
    };
    CHECK(r->chunks == expected);
    // The arguments are a JSON object, not a string.
    const QJsonObject toolLine = QJsonDocument::fromJson(r->chunks.at(4)).object();
    CHECK(toolLine.value(QStringLiteral("message"))
              .toObject()
              .value(QStringLiteral("tool_calls"))
              .toArray()
              .at(0)
              .toObject()
              .value(QStringLiteral("function"))
              .toObject()
              .value(QStringLiteral("arguments"))
              .isObject());
}

TEST_CASE("FakeOllama answers stream:false with one object", "[fakes][ollama]")
{
    FakeOllama fake;
    fake.setTurn(richTurn());
    const auto r = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"qwen3:8b","stream":false})");
    REQUIRE(r);
    CHECK(r->header("content-type") == "application/json; charset=utf-8");
    CHECK(r->body == Prefix +
                         "{\"role\":\"assistant\",\"content\":\"caf\xC3\xA9\",\"thinking\":\"hmm\",\"tool_calls\":"
                         R"([{"function":{"name":"get_weather","arguments":{"city":"Paris","days":2}}}]},)" +
                         Stats);
}

TEST_CASE("FakeOllama leaves thinking out when think is false, and reports length", "[fakes][ollama]")
{
    FakeOllama fake;
    FakeTurn turn = richTurn();
    turn.toolCalls.clear();
    turn.stopReason = QStringLiteral("max_tokens");
    fake.setTurn(turn);
    const auto r = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"qwen3:8b","think":false})");
    REQUIRE(r);
    CHECK_FALSE(r->body.contains("thinking"));
    REQUIRE(r->chunks.size() == 3);
    CHECK(QJsonDocument::fromJson(r->chunks.last()).object().value(QStringLiteral("done_reason")).toString() ==
          QStringLiteral("length"));
}

TEST_CASE("FakeOllama serves version, tags and the root probe", "[fakes][ollama]")
{
    FakeOllama fake;
    fake.setVersion(QStringLiteral("0.13.0"));

    const auto version = rawExchange(fake.port(), "GET", "/api/version");
    REQUIRE(version);
    CHECK(version->body == R"({"version":"0.13.0"})");

    const auto root = rawExchange(fake.port(), "GET", "/");
    REQUIRE(root);
    CHECK(root->status == 200);
    CHECK(root->body == "Ollama is running");
    const auto head = rawExchange(fake.port(), "HEAD", "/");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.isEmpty());

    fake.setModels({QStringLiteral("llama3.2"), QStringLiteral("qwen3:8b")});
    const auto tags = rawExchange(fake.port(), "GET", "/api/tags");
    REQUIRE(tags);
    const QJsonArray models = bodyOf(*tags).value(QStringLiteral("models")).toArray();
    REQUIRE(models.size() == 2);
    const QJsonObject first = models.at(0).toObject();
    CHECK(first.value(QStringLiteral("name")).toString() == QStringLiteral("llama3.2:latest"));
    CHECK(first.value(QStringLiteral("model")).toString() == QStringLiteral("llama3.2:latest"));
    CHECK(first.value(QStringLiteral("size")).toDouble() > 0);
    CHECK(first.value(QStringLiteral("details")).toObject().value(QStringLiteral("family")).toString() ==
          QStringLiteral("llama3.2"));
    CHECK(models.at(1).toObject().value(QStringLiteral("name")).toString() == QStringLiteral("qwen3:8b"));

    const auto missing = rawExchange(fake.port(), "GET", "/api/nothing");
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body == "404 page not found");
}

TEST_CASE("FakeOllama errors are {\"error\": ...}", "[fakes][ollama][failure]")
{
    FakeOllama fake;

    SECTION("unknown model once models are set")
    {
        fake.setModels({QStringLiteral("llama3.2")});
        const auto missing = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"mistral"})");
        REQUIRE(missing);
        CHECK(missing->status == 404);
        CHECK(missing->body == R"({"error":"model \"mistral\" not found, try pulling it first"})");
        // "llama3.2" means "llama3.2:latest"
        const auto found = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"llama3.2:latest"})");
        REQUIRE(found);
        CHECK(found->status == 200);
    }

    SECTION("missing model")
    {
        const auto r = rawExchange(fake.port(), "POST", "/api/chat", R"({"messages":[]})");
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(bodyOf(*r).value(QStringLiteral("error")).toString() == QStringLiteral("model is required"));
    }

    SECTION("failNext 500 then success")
    {
        fake.failNext(500, 1, -1, QStringLiteral("out of memory"));
        const auto r = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"x"})");
        REQUIRE(r);
        CHECK(r->status == 500);
        CHECK(r->body == R"({"error":"out of memory"})");
        const auto ok = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"x"})");
        REQUIRE(ok);
        CHECK(ok->status == 200);
    }

    SECTION("an error line mid-stream under HTTP 200")
    {
        fake.errorMidStreamNext(1, QStringLiteral("runner died"));
        const auto r = rawExchange(fake.port(), "POST", "/api/chat", R"({"model":"x"})");
        REQUIRE(r);
        CHECK(r->status == 200);
        REQUIRE(r->chunks.size() == 2);
        CHECK(r->chunks.at(0).contains(R"("done":false)"));
        CHECK(r->chunks.at(1) == "{\"error\":\"runner died\"}\n");
    }
}

TEST_CASE("FakeOllama takes extra routes from elsewhere", "[fakes][ollama]")
{
    FakeOllama fake;
    fake.addRoute("POST", "/api/show", [](const RecordedRequest &r) {
        return FakeReply::json(200, R"({"modelfile":"FROM )" +
                                        r.json().value(QStringLiteral("model")).toString().toUtf8() + "\"}");
    });
    const auto r = rawExchange(fake.port(), "POST", "/api/show", R"({"model":"qwen3:8b"})");
    REQUIRE(r);
    CHECK(r->body == R"({"modelfile":"FROM qwen3:8b"})");
    CHECK(fake.turnCount() == 0);
}
