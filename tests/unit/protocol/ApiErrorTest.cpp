#include "protocol/ApiError.h"

#include <catch2/catch.hpp>

using sb::ApiError;

TEST_CASE("each ApiError factory pairs its status with the Anthropic type of that status")
{
    struct Case
    {
        ApiError error;
        int status;
        const char *type;
    };
    const QString m = QStringLiteral("why");
    const Case cases[] = {
        {ApiError::invalidRequest(m), 400, "invalid_request_error"},
        {ApiError::authentication(m), 401, "authentication_error"},
        {ApiError::permission(m), 403, "permission_error"},
        {ApiError::notFound(m), 404, "not_found_error"},
        {ApiError::requestTooLarge(m), 413, "request_too_large"},
        {ApiError::rateLimited(m, 7), 429, "rate_limit_error"},
        {ApiError::overloaded(m), 529, "overloaded_error"},
        {ApiError::badGateway(m), 502, "api_error"},
        {ApiError::gatewayTimeout(m), 504, "timeout_error"},
    };
    for (const Case &c : cases) {
        INFO(c.type);
        CHECK(c.error.httpStatus == c.status);
        CHECK(c.error.type == QLatin1String(c.type));
        CHECK(c.error.message == m);
        CHECK_FALSE(c.error.contextOverflow.has_value());
        // An error event that names only the type gets the same status back (502 aside: a
        // gateway's own wording for an api_error, sent as 500 when only the type is known).
        if (c.status != 502)
            CHECK(ApiError::statusForType(c.error.type) == c.status);
    }
    CHECK(ApiError::rateLimited(m, 7).retryAfterSeconds == 7);
    CHECK(ApiError::overloaded(m).retryAfterSeconds == -1);
    CHECK(ApiError::overloaded(m, 3).retryAfterSeconds == 3);
    CHECK(ApiError::methodNotAllowed(m).httpStatus == 405);
    CHECK(ApiError::methodNotAllowed(m).type == QStringLiteral("invalid_request_error"));
}

TEST_CASE("a refused request head is 413 request_too_large or an invalid request with its own status")
{
    CHECK(ApiError::headRefused(413, QStringLiteral("x")).type == QStringLiteral("request_too_large"));
    for (const int status : {400, 411, 431}) {
        const ApiError error = ApiError::headRefused(status, QStringLiteral("x"));
        CHECK(error.httpStatus == status);
        CHECK(error.type == QStringLiteral("invalid_request_error"));
    }
}
