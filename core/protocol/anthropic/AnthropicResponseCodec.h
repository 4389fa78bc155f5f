#pragma once

#include "Expected.h"

#include "protocol/ApiError.h"
#include "protocol/Response.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace sb {

// Non-streaming Anthropic message bodies ⇄ the canonical Response.
class AnthropicResponseCodec final
{
public:
    // A message body for an Anthropic client (and the response cache), written straight to bytes.
    static QByteArray encodeBytes(const Response &response);
    // The same body as an object (encodeBytes parsed back), for tests.
    static QJsonObject encode(const Response &response);
    // An upstream's answer. A `{"type":"error"}` body yields its error; content blocks this
    // gateway cannot represent (server tool results …) are skipped.
    static Expected<void, ApiError> decode(const QJsonObject &body, Response &out);
};

} // namespace sb
