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
    // An error whose Anthropic type is known (an SSE error event, an error body): the status
    // that type is sent with (overloaded_error → 529 …; unknown types → 500).
    static ApiError fromType(const QString &type, const QString &message);
    static int statusForType(const QString &type);
    // An upstream body that ended before its final event (502 api_error).
    static ApiError truncatedStream();
};

} // namespace sb
