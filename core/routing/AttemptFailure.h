#pragma once

namespace sb {

// Why an attempt failed, as the router's health bookkeeping sees it.
enum class AttemptFailure {
    Connect,         // refused, unreachable, TLS, connect timeout
    Timeout,         // no first byte / idle / total timeout
    RateLimited,     // upstream 429
    Overloaded,      // upstream 503/529
    ServerError,     // upstream 5xx
    ContextExceeded, // upstream said the prompt is too long
    ClientError      // upstream 4xx that another deployment would answer the same way
};

} // namespace sb
