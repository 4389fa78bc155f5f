#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace sb {

// The servers that count prompt tokens exactly, each with its own endpoint.
enum class TokenCountApi {
    Anthropic, // POST {api_base}/v1/messages/count_tokens → {"input_tokens": N}
    Vllm,      // POST {api_base minus /v1}/tokenize {"model", "messages"} → {"count": N, "tokens": […]}
    LlamaCpp,  // POST {api_base minus /v1}/tokenize {"content"} → {"tokens": […]}
};

// An HTTP request ready to send.
struct TokenCountRequest
{
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers; // content-type included
    QByteArray body;
};

// Exact prompt token counts from upstreams, as pure functions: the gateway sends the request
// it builds and hands the answer's bytes to parseResponse. `anthropicBody` is the client's
// /v1/messages/count_tokens body (Anthropic Messages shape).
class UpstreamTokenCounter final
{
public:
    // The request, or why none can be built (the body is not an Anthropic Messages body).
    static Expected<TokenCountRequest, QString> buildRequest(TokenCountApi api, const QString &apiBase,
                                                             const QString &upstreamModel, const QString &apiKey,
                                                             const QByteArray &anthropicBody);
    // The count (never negative), or what was wrong with the answer.
    static Expected<qint64, QString> parseResponse(TokenCountApi api, const QByteArray &responseBody);

    // "http://h:8000/v1/" → "http://h:8000" (the /tokenize endpoints sit beside /v1).
    static QString baseWithoutV1(const QString &apiBase);
    static constexpr const char *kAnthropicVersion = "2023-06-01";
};

} // namespace sb
