#include "ApiError.h"

namespace sb {

ApiError ApiError::invalidRequest(const QString &message)
{
    return {400, QStringLiteral("invalid_request_error"), message, -1};
}

ApiError ApiError::notFound(const QString &message)
{
    return {404, QStringLiteral("not_found_error"), message, -1};
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
    return {httpStatus, type, message, -1};
}

int ApiError::statusForType(const QString &type)
{
    struct Entry
    {
        const char *type;
        int status;
    };
    static constexpr Entry kStatuses[] = {
        {"invalid_request_error", 400}, {"authentication_error", 401}, {"permission_error", 403},
        {"not_found_error", 404},       {"request_too_large", 413},    {"rate_limit_error", 429},
        {"api_error", 500},             {"timeout_error", 504},        {"overloaded_error", 529},
    };
    for (const Entry &entry : kStatuses) {
        if (type == QLatin1String(entry.type))
            return entry.status;
    }
    return 500;
}

ApiError ApiError::fromType(const QString &type, const QString &message)
{
    return {statusForType(type), type.isEmpty() ? QStringLiteral("api_error") : type, message, -1};
}

ApiError ApiError::truncatedStream()
{
    return {502, QStringLiteral("api_error"),
            QStringLiteral("upstream stream ended before it was complete"), -1};
}

} // namespace sb
