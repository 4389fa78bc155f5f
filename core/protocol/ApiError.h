#pragma once

#include <QString>

namespace sb {

// An error in the canonical model. `type` uses Anthropic's names
// (invalid_request_error, authentication_error, permission_error, not_found_error,
// request_too_large, rate_limit_error, api_error, overloaded_error, timeout_error);
// each dialect's encoder maps it to its own shape.
struct ApiError
{
    int httpStatus = 500;
    QString type = QStringLiteral("api_error");
    QString message;
    int retryAfterSeconds = -1;  // >= 0: sent as the retry-after header

    static ApiError invalidRequest(const QString &message);
    static ApiError notFound(const QString &message);
    static ApiError upstream(int httpStatus, const QString &message);
};

} // namespace sb
