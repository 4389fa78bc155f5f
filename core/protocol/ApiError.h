#pragma once

#include <QString>

#include <optional>

namespace sb {

// A prompt that does not fit the model's context: the numbers each dialect words its own way.
struct ContextOverflow
{
    qint64 promptTokens = -1; // -1: not known
    qint64 contextLimit = -1;
};

// An error in the canonical model. `type` uses Anthropic's names
// (invalid_request_error, authentication_error, permission_error, not_found_error,
// request_too_large, rate_limit_error, api_error, overloaded_error, timeout_error);
// each dialect's encoder maps it to its own shape.
struct ApiError
{
    int httpStatus = 500;
    QString type = QStringLiteral("api_error");
    QString message;
    int retryAfterSeconds = -1; // >= 0: sent as the retry-after header
    // Set when the prompt is too long for the context. Anthropic's wording is then exactly
    // "prompt is too long: N tokens > M maximum" (Claude Code matches it whole and compacts);
    // OpenAI's encoder sends context_length_exceeded in its own words.
    std::optional<ContextOverflow> contextOverflow;

    // The one way to make each kind of error (status and type always agree).
    static ApiError invalidRequest(const QString &message);                         // 400
    static ApiError authentication(const QString &message);                         // 401
    static ApiError permission(const QString &message);                             // 403
    static ApiError notFound(const QString &message);                               // 404
    static ApiError methodNotAllowed(const QString &message);                       // 405
    static ApiError requestTooLarge(const QString &message);                        // 413
    static ApiError rateLimited(const QString &message, int retryAfterSeconds);     // 429
    static ApiError overloaded(const QString &message, int retryAfterSeconds = -1); // 529
    static ApiError badGateway(const QString &message);                             // 502 api_error
    static ApiError gatewayTimeout(const QString &message);                         // 504 timeout_error
    // A refusal of the request head by the connection guard (400, 411, 413, 431).
    static ApiError headRefused(int httpStatus, const QString &message);
    static ApiError upstream(int httpStatus, const QString &message);
    // An error whose Anthropic type is known (an SSE error event, an error body): the status
    // that type is sent with (overloaded_error → 529 …; unknown types → 500).
    static ApiError fromType(const QString &type, const QString &message);
    static int statusForType(const QString &type);
    // An upstream body that ended before its final event (502 api_error).
    static ApiError truncatedStream();
    // 400 invalid_request_error for a prompt of `promptTokens` over a context of `contextLimit`.
    static ApiError promptTooLong(qint64 promptTokens, qint64 contextLimit);
    // The numbers of a context overflow in an upstream's error text, in the wordings of
    // Anthropic ("prompt is too long: N tokens > M maximum"), OpenAI and vLLM ("maximum context
    // length is M tokens. However, you requested N tokens"); nullopt when the text does not say
    // the prompt is too long. A number the text does not give is -1.
    static std::optional<ContextOverflow> parseContextOverflow(const QString &message);
};

} // namespace sb
