#pragma once

#include "StreamEvent.h"

#include <QByteArray>

namespace sb {

// Upstream bytes → canonical events, in Anthropic order. Pure and synchronous: the caller
// feeds whatever bytes arrived (split anywhere, even inside a UTF-8 sequence) and gets the
// events they complete. Decoders of dialects without blocks (OpenAI, Ollama) open and close
// blocks themselves so the output is a valid Anthropic event sequence.
class StreamDecoder
{
public:
    virtual ~StreamDecoder() = default;
    virtual void feed(const char *data, qsizetype size, StreamEvents &out) = 0;
    void feed(const QByteArray &bytes, StreamEvents &out) { feed(bytes.constData(), bytes.size(), out); }
    // The upstream body ended. A stream that ended before its final event yields an Error
    // event (never a silently truncated answer).
    virtual void finish(StreamEvents &out) = 0;
    // True once the upstream's final event has been decoded.
    virtual bool isComplete() const = 0;
    // True when the Error the decoder gave was the upstream's own error event (relayed bytes
    // already carry it), not one it made for a malformed or cut stream.
    virtual bool errorCameFromUpstream() const { return false; }
};

// Canonical events → bytes for the client, in the client's dialect.
class StreamEncoder
{
public:
    virtual ~StreamEncoder() = default;
    virtual void encode(const StreamEvent &event, QByteArray &out) = 0;
};

} // namespace sb
