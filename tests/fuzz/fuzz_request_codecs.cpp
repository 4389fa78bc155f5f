// A client's request body in either dialect (the first byte picks it): the decoder answers a
// request or a described error, and a decoded request survives encode → decode for every
// upstream dialect; encoding what was decoded and decoding it again is stable. The
// pass-through's byte splice of the model agrees with parsing the body and setting it.
#include "FuzzSupport.h"
#include "protocol/JsonSplice.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/ollama/OllamaRequestCodec.h"
#include "protocol/openai/OpenAiRequestCodec.h"

#include <QJsonDocument>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::ensureApplication();
    if (size < 1)
        return 0;
    const bool openAi = data[0] & 1;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    if (!document.isObject())
        return 0;
    if (const std::optional<QByteArray> spliced =
            withTopLevelString(bytes, QLatin1String("model"), QStringLiteral("fuzz\"model"))) {
        QJsonObject expected = document.object();
        expected.insert(QStringLiteral("model"), QStringLiteral("fuzz\"model"));
        fuzz::require(QJsonDocument::fromJson(*spliced).object() == expected,
                      "splicing the model gives what setting it on the parsed body gives");
    }
    Request request;
    const Expected<void, ApiError> decoded = openAi ? OpenAiRequestCodec::decode(document.object(), request)
                                                    : AnthropicRequestCodec::decode(document.object(), request);
    if (!decoded.hasValue()) {
        const ApiError &error = decoded.error();
        fuzz::require(!error.message.isEmpty(), "a refused request says why");
        fuzz::require(error.httpStatus >= 400 && error.httpStatus < 600, "a refusal has an error status");
        return 0;
    }
    // Every upstream body written as bytes parses as a JSON object (encode() is those bytes
    // parsed back; a malformed byte stream would give an empty object).
    fuzz::require(!OpenAiRequestCodec::encode(request).isEmpty(), "the OpenAI body is a JSON object");
    fuzz::require(!OllamaRequestCodec::encode(request, OllamaOptions{}).isEmpty(), "the Ollama body is a JSON object");

    // Round trip through the Anthropic encoding: encode(decode(x)) is a fixed point.
    const QJsonObject once = AnthropicRequestCodec::encode(request);
    Request again;
    fuzz::require(AnthropicRequestCodec::decode(once, again).hasValue(), "an encoded request decodes");
    fuzz::require(AnthropicRequestCodec::encode(again) == once, "encode(decode(encode(r))) == encode(r)");

    // And through the OpenAI encoding, which a decoded OpenAI request must survive too.
    if (openAi) {
        const QJsonObject openAiOnce = OpenAiRequestCodec::encode(request);
        Request back;
        fuzz::require(OpenAiRequestCodec::decode(openAiOnce, back).hasValue(), "an encoded OpenAI request decodes");
        fuzz::require(OpenAiRequestCodec::encode(back) == openAiOnce, "OpenAI encode is stable after a round trip");
    }
    return 0;
}
