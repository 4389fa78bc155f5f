#pragma once

#include "protocol/ApiError.h"

#include <QByteArray>
#include <QString>

namespace sb {

// Anthropic error bodies: {"type":"error","error":{"type","message"},"request_id"}.
class AnthropicErrorCodec final
{
public:
    static QByteArray encode(const ApiError &error, const QString &requestId);
    // An upstream's error answer. Bodies that are not Anthropic-shaped (a proxy's HTML page,
    // plain text) still give a readable message; the status decides the type then.
    static ApiError decode(int httpStatus, const QByteArray &body);
};

} // namespace sb
