#include "Dialect.h"

#include "protocol/anthropic/AnthropicErrorCodec.h"
#include "protocol/anthropic/AnthropicRequestCodec.h"
#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "protocol/anthropic/AnthropicSseEncoder.h"
#include "protocol/openai/OpenAiErrorCodec.h"
#include "protocol/openai/OpenAiRequestCodec.h"
#include "protocol/openai/OpenAiResponseCodec.h"
#include "protocol/openai/OpenAiSseEncoder.h"

namespace sb {

namespace {

const DialectCodecs kAnthropic{
    ClientDialect::Anthropic,
    &AnthropicRequestCodec::decode,
    &AnthropicResponseCodec::encodeBytes,
    &AnthropicErrorCodec::encode,
    [](const QString &, const QJsonObject &) -> std::unique_ptr<StreamEncoder> {
        return std::make_unique<AnthropicSseEncoder>();
    },
};

const DialectCodecs kOpenAi{
    ClientDialect::OpenAi,
    [](const QJsonObject &body, Request &out) { return OpenAiRequestCodec::decode(body, out); },
    &OpenAiResponseCodec::encodeBytes,
    [](const ApiError &error, const QString &) { return OpenAiErrorCodec::encode(error); },
    [](const QString &clientModel, const QJsonObject &requestBody) -> std::unique_ptr<StreamEncoder> {
        const bool includeUsage = requestBody.value(QLatin1String("stream_options"))
                                      .toObject()
                                      .value(QLatin1String("include_usage"))
                                      .toBool(false);
        return std::make_unique<OpenAiSseEncoder>(clientModel, includeUsage);
    },
};

} // namespace

const DialectCodecs &DialectCodecs::of(ClientDialect dialect)
{
    return dialect == ClientDialect::OpenAi ? kOpenAi : kAnthropic;
}

} // namespace sb
