#pragma once

#include "Expected.h"

#include "protocol/ApiError.h"
#include "protocol/Request.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace sb {

// Anthropic Messages request bodies ⇄ the canonical Request.
class AnthropicRequestCodec final
{
public:
    // max_tokens for an encoded request whose client gave none (Anthropic requires it).
    static constexpr int kDefaultMaxTokens = 8192;

    // A client's /v1/messages body → canonical. Accepts everything Claude Code sends;
    // features no translator can use (context_management, output_config, service_tier …) are
    // ignored. Errors are 400 invalid_request_error naming the field path.
    static Expected<void, ApiError> decode(const QJsonObject &body, Request &out);
    // Canonical → a body for an Anthropic-format upstream (when the client spoke another
    // dialect). System entries inside the conversation are folded into `system`, in order.
    static QByteArray encodeBytes(const Request &request);
    // The same body as an object (encodeBytes parsed back), for tests and non-hot callers.
    static QJsonObject encode(const Request &request);
};

} // namespace sb
