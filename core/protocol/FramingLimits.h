#pragma once

#include "ApiError.h"

#include <QtGlobal>

namespace sb {

// The longest single line (SSE) or record (NDJSON) an upstream stream may send before its line
// break. The largest legitimate one is a whole tool call in one event (llama.cpp, Ollama and
// some OpenAI-compatible servers send arguments unsplit): a model's whole output is at most
// ~128k tokens ≈ 0.5 MiB of JSON, so 8 MiB is far above anything real, while an upstream that
// never sends a newline is stopped before it can make the gateway buffer hundreds of MiB.
constexpr qsizetype kMaxUpstreamLineBytes = 8 * 1024 * 1024;

// What the client gets (as its dialect's mid-stream error) when an upstream passes that limit.
inline ApiError upstreamLineTooLong(qsizetype limitBytes = kMaxUpstreamLineBytes)
{
    return ApiError::badGateway(
        QStringLiteral("upstream sent a stream line longer than %1 KiB without a line break; the stream was stopped")
            .arg(limitBytes / 1024));
}

} // namespace sb
