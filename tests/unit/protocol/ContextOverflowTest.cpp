// A prompt too long for the context: recognised in every upstream's wording, said in each
// client dialect's own.
#include "ProtocolTestSupport.h"
#include "protocol/ApiError.h"
#include "protocol/anthropic/AnthropicErrorCodec.h"
#include "protocol/ollama/OllamaErrorCodec.h"
#include "protocol/openai/OpenAiErrorCodec.h"

#include <QRegularExpression>

using namespace sb;
using namespace sb::test;

TEST_CASE("context overflow: the numbers are read from Anthropic's, OpenAI's and vLLM's wordings")
{
    struct Case
    {
        const char *text;
        qint64 prompt;
        qint64 limit;
    };
    const Case cases[] = {
        {"prompt is too long: 212345 tokens > 200000 maximum", 212345, 200000},
        {"Prompt is too long: 9 tokens > 8 maximum", 9, 8},
        {"This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens. "
         "Please reduce the length of the messages.",
         9001, 8192},
        {"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the "
         "messages, 1000 in the completion). Please reduce the length of the messages or completion.",
         8000, 8192},
        {"This model's maximum context length is 4096 tokens.", -1, 4096},
        {"prompt is too long", -1, -1},
        {"the request exceeds the available context size, try increasing it", -1, -1},
    };
    for (const Case &c : cases) {
        INFO(c.text);
        const std::optional<ContextOverflow> overflow = ApiError::parseContextOverflow(QString::fromUtf8(c.text));
        REQUIRE(overflow);
        CHECK(overflow->promptTokens == c.prompt);
        CHECK(overflow->contextLimit == c.limit);
    }
    for (const char *unrelated : {"model 'x' not found", "max_tokens: 9 > 8, which is the maximum", "rate limited",
                                  "messages: field required"}) {
        INFO(unrelated);
        CHECK_FALSE(ApiError::parseContextOverflow(QString::fromUtf8(unrelated)));
    }
}

TEST_CASE("context overflow: Anthropic's answer is exactly the wording Claude Code matches to compact")
{
    const ApiError error = ApiError::promptTooLong(50123, 32768);
    CHECK(error.httpStatus == 400);
    CHECK(error.type == QStringLiteral("invalid_request_error"));
    const QJsonObject body = parseObject(AnthropicErrorCodec::encode(error, QStringLiteral("req_1")));
    CHECK(body.keys() == QStringList{QStringLiteral("error"), QStringLiteral("request_id"), QStringLiteral("type")});
    const QJsonObject inner = body.value(QStringLiteral("error")).toObject();
    CHECK(inner.keys() == QStringList{QStringLiteral("message"), QStringLiteral("type")});
    const QString message = inner.value(QStringLiteral("message")).toString();
    CHECK(message == QStringLiteral("prompt is too long: 50123 tokens > 32768 maximum"));
    // The pattern Claude Code 2.1.332 tests the whole message against.
    CHECK(QRegularExpression(QStringLiteral(R"(^prompt is too long: \d+ tokens > \d+ maximum$)"))
              .match(message)
              .hasMatch());
}

TEST_CASE("context overflow: OpenAI clients get context_length_exceeded in OpenAI's words")
{
    const QJsonObject error = parseObject(OpenAiErrorCodec::encode(ApiError::promptTooLong(50123, 32768)))
                                  .value(QStringLiteral("error"))
                                  .toObject();
    CHECK(error.value(QStringLiteral("message")).toString() ==
          QStringLiteral("This model's maximum context length is 32768 tokens. However, your messages resulted in "
                         "50123 tokens. Please reduce the length of the messages."));
    CHECK(error.value(QStringLiteral("type")).toString() == QStringLiteral("invalid_request_error"));
    CHECK(error.value(QStringLiteral("param")).toString() == QStringLiteral("messages"));
    CHECK(error.value(QStringLiteral("code")).toString() == QStringLiteral("context_length_exceeded"));
    // The numbers survive a round trip through the OpenAI codec.
    const ApiError back =
        OpenAiErrorCodec::decode(400, OpenAiErrorCodec::encode(ApiError::promptTooLong(50123, 32768)));
    REQUIRE(back.contextOverflow);
    CHECK(back.contextOverflow->promptTokens == 50123);
    CHECK(back.contextOverflow->contextLimit == 32768);
    // Other errors keep a null param and their own code.
    const QJsonObject other = parseObject(OpenAiErrorCodec::encode(ApiError::invalidRequest(QStringLiteral("bad"))))
                                  .value(QStringLiteral("error"))
                                  .toObject();
    CHECK(other.value(QStringLiteral("param")).isNull());
    CHECK(other.value(QStringLiteral("code")).isNull());
}

TEST_CASE("context overflow: upstream error bodies of vLLM, llama.cpp, OpenAI, Anthropic and Ollama")
{
    const ApiError vllm = OpenAiErrorCodec::decode(
        400,
        R"({"object":"error","message":"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400})");
    REQUIRE(vllm.contextOverflow);
    CHECK(vllm.contextOverflow->promptTokens == 8000);
    CHECK(vllm.contextOverflow->contextLimit == 8192);

    const ApiError llama = OpenAiErrorCodec::decode(
        400,
        R"({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":9123,"n_ctx":4096}})");
    REQUIRE(llama.contextOverflow);
    CHECK(llama.contextOverflow->promptTokens == 9123);
    CHECK(llama.contextOverflow->contextLimit == 4096);

    const ApiError openai = OpenAiErrorCodec::decode(
        400,
        R"({"error":{"message":"Your input exceeds the limit.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
    REQUIRE(openai.contextOverflow);
    CHECK(openai.contextOverflow->promptTokens == -1);

    const ApiError anthropic = AnthropicErrorCodec::decode(
        400,
        R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})");
    REQUIRE(anthropic.contextOverflow);
    CHECK(anthropic.contextOverflow->promptTokens == 210000);
    CHECK(anthropic.contextOverflow->contextLimit == 200000);

    CHECK_FALSE(OllamaErrorCodec::decode(404, R"({"error":"model 'x' not found"})").contextOverflow);
    CHECK_FALSE(OpenAiErrorCodec::decode(
                    400, R"({"error":{"message":"messages: field required","type":"invalid_request_error"}})")
                    .contextOverflow);
}
