#pragma once

#include "Expected.h"

#include "protocol/ApiError.h"
#include "protocol/Response.h"

#include <QJsonObject>

#include <optional>

namespace sb {

// A non-streaming Ollama /api/chat answer → the canonical Response.
class OllamaResponseCodec final
{
public:
    static Expected<void, ApiError> decode(const QJsonObject &body, Response &out);
    // done_reason → stop reason; tool calls win over "stop".
    static StopReason stopReason(const QString &doneReason, bool sawToolCalls);
};

} // namespace sb
