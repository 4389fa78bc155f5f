#pragma once

#include "protocol/ApiError.h"

#include <QByteArray>

namespace sb {

// OpenAI-style error bodies: {"error":{"message","type","param","code"}}.
class OpenAiErrorCodec final
{
public:
    static QByteArray encode(const ApiError &error);
    // An upstream's error answer: OpenAI's shape, vLLM's {"object":"error","message"…},
    // {"error":"text"} (llama.cpp, LM Studio), FastAPI's {"detail"…} or plain text.
    static ApiError decode(int httpStatus, const QByteArray &body);
    // The OpenAI `type` and `code` for a canonical (Anthropic-named) error type.
    static QString openAiType(const QString &canonicalType);
    static QString openAiCode(const QString &canonicalType);
};

} // namespace sb
