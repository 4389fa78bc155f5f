#pragma once

#include "Expected.h"

#include "protocol/ApiError.h"
#include "protocol/Codec.h"
#include "protocol/Request.h"
#include "protocol/Response.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace sb {

// The API a client speaks to the gateway.
enum class ClientDialect { Anthropic, OpenAi };

// The codecs of one client dialect, so the gateway handles every dialect through one table
// instead of branching on it: decode the client's request, encode the answer (whole, as a
// stream, or as an error) in the client's own shape.
struct DialectCodecs
{
    ClientDialect dialect;
    Expected<void, ApiError> (*decodeRequest)(const QJsonObject &body, Request &out);
    QByteArray (*encodeResponse)(const Response &response); // the whole answer's body
    // `requestId` goes into the body where the dialect carries one (Anthropic's request_id).
    QByteArray (*encodeError)(const ApiError &error, const QString &requestId);
    // The encoder for a streamed answer to `requestBody` (OpenAI reads
    // stream_options.include_usage from it); `clientModel` is the model the client asked for.
    std::unique_ptr<StreamEncoder> (*makeStreamEncoder)(const QString &clientModel, const QJsonObject &requestBody);

    static const DialectCodecs &of(ClientDialect dialect);
};

} // namespace sb
