#pragma once

#include "protocol/BlockSequencer.h"
#include "protocol/Codec.h"
#include "protocol/NdjsonParser.h"
#include "protocol/ThinkTagSplitter.h"

#include <QList>

namespace sb {

// Ollama /api/chat NDJSON → canonical events in Anthropic order. message.thinking becomes a
// thinking block, message.content a text block (leading <think> tags split off), each whole
// tool call one tool_use block with a single input delta. The done:true line ends the
// message; an {"error":…} line (Ollama sends those under HTTP 200) ends it with an Error.
class OllamaNdjsonDecoder final : public StreamDecoder
{
public:
    using StreamDecoder::feed;
    void feed(const char *data, qsizetype size, StreamEvents &out) override;
    void finish(StreamEvents &out) override;
    bool isComplete() const override { return m_complete; }
    // The framing, for tests of its bounds (the line limit, the bytes buffered).
    NdjsonParser &parser() { return m_parser; }

private:
    void handleLine(const QByteArray &line, StreamEvents &out);
    void appendContent(const QString &text, StreamEvents &out);
    void flushText(StreamEvents &out);
    void fail(const ApiError &error, StreamEvents &out);

    NdjsonParser m_parser;
    QList<QByteArray> m_lines;
    std::vector<ThinkSegment> m_segments;
    ThinkTagSplitter m_thinkTags;
    BlockSequencer m_blocks;
    bool m_started = false;
    bool m_complete = false;
    bool m_finishing = false; // decoding what the body ended with: unparsable means cut off
};

} // namespace sb
