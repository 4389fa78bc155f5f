#pragma once

#include "Expected.h"

#include "protocol/ApiError.h"
#include "protocol/Response.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace sb {

// Non-streaming chat.completion bodies ⇄ the canonical Response.
class OpenAiResponseCodec final
{
public:
    // A chat.completion body for an OpenAI client, written straight to bytes.
    static QByteArray encodeBytes(const Response &response);
    // The same body as an object (encodeBytes parsed back), for tests.
    static QJsonObject encode(const Response &response);
    // An upstream's answer. `reasoning_content` / `reasoning`, or a leading
    // `<think>…</think>` in the content, becomes a thinking part.
    static Expected<void, ApiError> decode(const QJsonObject &body, Response &out);

    // "chatcmpl-…" for a canonical message id ("msg_…" or an upstream's own id).
    static QString completionId(const QString &messageId);
    // A tool call's id when the upstream sent none (OpenAI clients, and our own decoder, refuse
    // an empty one): derived from the completion id and the block index, so it is unique per
    // answer and the same in a stream's chunks and a cached replay.
    static QString fallbackToolCallId(const QString &completionId, int blockIndex);
    // OpenAI finish_reason ⇄ canonical stop reason.
    static QString finishReason(StopReason reason);
    static StopReason stopReason(const QString &finishReason);
    // An OpenAI `usage` object in canonical terms (cache reads apart from input, as Anthropic
    // counts them; absurd numbers clamped and marked). Shared with the stream decoder.
    static Usage usage(const QJsonObject &usage);
};

} // namespace sb
