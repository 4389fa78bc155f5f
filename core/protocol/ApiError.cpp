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

} // namespace sb
