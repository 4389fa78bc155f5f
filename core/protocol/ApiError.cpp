#include "ApiError.h"

#include <QRegularExpression>

namespace sb {

ApiError ApiError::invalidRequest(const QString &message)
{
    return {400, QStringLiteral("invalid_request_error"), message, -1, std::nullopt};
}

ApiError ApiError::authentication(const QString &message)
{
    return {401, QStringLiteral("authentication_error"), message, -1, std::nullopt};
}

ApiError ApiError::permission(const QString &message)
{
    return {403, QStringLiteral("permission_error"), message, -1, std::nullopt};
}

ApiError ApiError::notFound(const QString &message)
{
    return {404, QStringLiteral("not_found_error"), message, -1, std::nullopt};
}

ApiError ApiError::methodNotAllowed(const QString &message)
{
    return {405, QStringLiteral("invalid_request_error"), message, -1, std::nullopt};
}

ApiError ApiError::requestTooLarge(const QString &message)
{
    return {413, QStringLiteral("request_too_large"), message, -1, std::nullopt};
}

ApiError ApiError::rateLimited(const QString &message, int retryAfterSeconds)
{
    return {429, QStringLiteral("rate_limit_error"), message, retryAfterSeconds, std::nullopt};
}

ApiError ApiError::overloaded(const QString &message, int retryAfterSeconds)
{
    return {529, QStringLiteral("overloaded_error"), message, retryAfterSeconds, std::nullopt};
}

ApiError ApiError::badGateway(const QString &message)
{
    return {502, QStringLiteral("api_error"), message, -1, std::nullopt};
}

ApiError ApiError::gatewayTimeout(const QString &message)
{
    return {504, QStringLiteral("timeout_error"), message, -1, std::nullopt};
}

ApiError ApiError::headRefused(int httpStatus, const QString &message)
{
    return {httpStatus,
            httpStatus == 413 ? QStringLiteral("request_too_large") : QStringLiteral("invalid_request_error"), message,
            -1, std::nullopt};
}

ApiError ApiError::upstream(int httpStatus, const QString &message)
{
    QString type;
    switch (httpStatus) {
    case 400: type = QStringLiteral("invalid_request_error"); break;
    case 401: type = QStringLiteral("authentication_error"); break;
    case 403: type = QStringLiteral("permission_error"); break;
    case 404: type = QStringLiteral("not_found_error"); break;
    case 413: type = QStringLiteral("request_too_large"); break;
    case 429: type = QStringLiteral("rate_limit_error"); break;
    case 503:
    case 529: type = QStringLiteral("overloaded_error"); break;
    case 504: type = QStringLiteral("timeout_error"); break;
    default: type = QStringLiteral("api_error"); break;
    }
    return {httpStatus, type, message, -1, std::nullopt};
}

int ApiError::statusForType(const QString &type)
{
    struct Entry
    {
        const char *type;
        int status;
    };
    static constexpr Entry kStatuses[] = {
        {"invalid_request_error", 400},
        {"authentication_error", 401},
        {"permission_error", 403},
        {"not_found_error", 404},
        {"request_too_large", 413},
        {"rate_limit_error", 429},
        {"api_error", 500},
        {"timeout_error", 504},
        {"overloaded_error", 529},
    };
    for (const Entry &entry : kStatuses) {
        if (type == QLatin1String(entry.type))
            return entry.status;
    }
    return 500;
}

ApiError ApiError::fromType(const QString &type, const QString &message)
{
    return {statusForType(type), type.isEmpty() ? QStringLiteral("api_error") : type, message, -1, std::nullopt};
}

ApiError ApiError::truncatedStream()
{
    return badGateway(QStringLiteral("upstream stream ended before it was complete"));
}

ApiError ApiError::promptTooLong(qint64 promptTokens, qint64 contextLimit)
{
    ApiError error = invalidRequest(
        QStringLiteral("prompt is too long: %1 tokens > %2 maximum").arg(promptTokens).arg(contextLimit));
    error.contextOverflow = ContextOverflow{promptTokens, contextLimit};
    return error;
}

std::optional<ContextOverflow> ApiError::parseContextOverflow(const QString &message)
{
    const QString lower = message.toLower();
    static const QRegularExpression anthropic(
        QStringLiteral(R"(prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+))"));
    if (const QRegularExpressionMatch match = anthropic.match(lower); match.hasMatch())
        return ContextOverflow{match.captured(1).toLongLong(), match.captured(2).toLongLong()};
    if (lower.contains(QLatin1String("prompt is too long")))
        return ContextOverflow{};
    // OpenAI: "This model's maximum context length is 8192 tokens. However, your messages
    // resulted in 9000 tokens." vLLM: "... However, you requested 9000 tokens (8000 in the
    // messages, 1000 in the completion)."
    static const QRegularExpression limit(QStringLiteral(R"(maximum context length is (\d+))"));
    static const QRegularExpression prompt(
        QStringLiteral(R"((?:resulted in|requested) (\d+) tokens(?: \((\d+) in the messages)?)"));
    const QRegularExpressionMatch limitMatch = limit.match(lower);
    if (!limitMatch.hasMatch() && !lower.contains(QLatin1String("context_length_exceeded")) &&
        !lower.contains(QLatin1String("context length")) && !lower.contains(QLatin1String("context window")) &&
        !lower.contains(QLatin1String("context size")))
        return std::nullopt;
    ContextOverflow overflow;
    if (limitMatch.hasMatch())
        overflow.contextLimit = limitMatch.captured(1).toLongLong();
    if (const QRegularExpressionMatch promptMatch = prompt.match(lower); promptMatch.hasMatch())
        overflow.promptTokens =
            (promptMatch.capturedLength(2) > 0 ? promptMatch.captured(2) : promptMatch.captured(1)).toLongLong();
    return overflow;
}

} // namespace sb
