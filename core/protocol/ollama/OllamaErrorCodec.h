#pragma once

#include "protocol/ApiError.h"

#include <QByteArray>

namespace sb {

// Ollama's error bodies ({"error":"…"}) → canonical errors.
class OllamaErrorCodec final
{
public:
    // A missing model becomes 404 not_found_error whatever status Ollama used, with a hint
    // to pull it; other errors keep their status.
    static ApiError decode(int httpStatus, const QByteArray &body);
};

} // namespace sb
