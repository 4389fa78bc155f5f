#pragma once

#include "protocol/Request.h"

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
    static QJsonObject encode(const Request &request, const OllamaOptions &options);
};

} // namespace sb
