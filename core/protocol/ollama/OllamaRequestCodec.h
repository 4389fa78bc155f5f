#pragma once

#include "protocol/Request.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace sb {

// Per-deployment settings for Ollama's native API. num_ctx is fixed per deployment because
// changing it makes Ollama reload the model.
struct OllamaOptions
{
    int numCtx = 32768;
    QString keepAlive;         // "5m", "-1", "0" …; empty: Ollama's default
    std::optional<bool> think; // unset: let the model decide
};

// Canonical Request → an Ollama /api/chat body.
class OllamaRequestCodec final
{
public:
    // The body as bytes, written directly (the request path's form).
    static QByteArray encodeBytes(const Request &request, const OllamaOptions &options);
    // The same body as an object (encodeBytes parsed back), for tests and non-hot callers.
    static QJsonObject encode(const Request &request, const OllamaOptions &options);
};

} // namespace sb
