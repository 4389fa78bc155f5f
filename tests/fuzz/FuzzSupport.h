#pragma once

// Shared by the libFuzzer targets: a broken property aborts, which libFuzzer reports as a
// crash with the input that caused it.

#include "protocol/Codec.h"
#include "protocol/StreamEvent.h"
#include "protocol/anthropic/AnthropicSseEncoder.h"

#include <QByteArray>
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace sb::fuzz {

[[noreturn]] inline void violated(const char *property)
{
    std::fprintf(stderr, "fuzz property violated: %s\n", property);
    std::abort();
}

inline void require(bool holds, const char *property)
{
    if (!holds)
        violated(property);
}

// Qt's string and JSON code wants an application object for some locale paths.
inline void ensureApplication()
{
    static int argc = 1;
    static char name[] = "fuzz";
    static char *argv[] = {name, nullptr};
    static QCoreApplication *app = QCoreApplication::instance() ? nullptr : new QCoreApplication(argc, argv);
    (void)app;
}

// The events as Anthropic SSE, with the ids a decoder makes up (random per run) blanked.
inline QByteArray wire(const StreamEvents &events)
{
    AnthropicSseEncoder encoder;
    QByteArray out;
    for (StreamEvent event : events) {
        event.messageId.clear();
        event.toolId.clear();
        encoder.encode(event, out);
    }
    return out;
}

inline void dump(const char *label, const StreamEvents &events)
{
    std::fprintf(stderr, "%s:\n%s\n", label, wire(events).constData());
}

// What every decoder promises: nothing after the final event or an error, deltas only inside
// an open block, and after finish() the stream has ended one way or the other.
inline void checkOrder(const StreamEvents &events, bool finished, bool blocks = true)
{
    bool ended = false;
    int openBlock = -1;
    for (const StreamEvent &event : events) {
        if (event.type == StreamEvent::Type::Ping)
            continue;
        if (!blocks && event.type != StreamEvent::Type::MessageStop && event.type != StreamEvent::Type::Error) {
            if (ended) {
                dump("events", events);
                violated("no event after message_stop or error");
            }
            continue;
        }
        if (ended) {
            dump("events", events);
            violated("no event after message_stop or error");
        }
        switch (event.type) {
        case StreamEvent::Type::MessageStart: require(!event.messageId.isEmpty(), "a message has an id"); break;
        case StreamEvent::Type::BlockStart:
            if (event.blockKind == StreamEvent::BlockKind::ToolUse)
                require(!event.toolId.isEmpty(), "a tool_use block has an id");
            require(openBlock < 0, "a block starts only when the previous one stopped");
            openBlock = event.index;
            break;
        case StreamEvent::Type::TextDelta:
        case StreamEvent::Type::ToolInputDelta:
        case StreamEvent::Type::ThinkingDelta:
        case StreamEvent::Type::SignatureDelta:
            require(openBlock >= 0 && event.index == openBlock, "a delta belongs to the open block");
            break;
        case StreamEvent::Type::BlockStop:
            if (!(openBlock >= 0 && event.index == openBlock)) {
                dump("events", events);
                violated("a block stop closes the open block");
            }
            openBlock = -1;
            break;
        case StreamEvent::Type::MessageStop:
        case StreamEvent::Type::Error: ended = true; break;
        default: break;
        }
    }
    if (finished)
        require(ended, "a finished stream ends with message_stop or an error");
}

// Decodes `data` whole and split in two at a point the input chooses: the events must be the
// same, in a valid order, and the stream must end. `blocks`: the decoder makes the blocks
// itself (OpenAI, Ollama), so their order is its promise; the Anthropic decoder mirrors the
// upstream's own blocks (its bytes are relayed), so only the ending is checked there.
template<typename Decoder> void checkStreamDecoder(const uint8_t *bytes, size_t size, bool blocks = true)
{
    ensureApplication();
    if (size == 0)
        return;
    const qsizetype cut = qsizetype(bytes[0]) * qsizetype(size) / 256;
    const char *data = reinterpret_cast<const char *>(bytes + 1);
    const qsizetype length = qsizetype(size) - 1;

    Decoder whole;
    StreamEvents wholeEvents;
    whole.feed(data, length, wholeEvents);
    whole.finish(wholeEvents);

    Decoder split;
    StreamEvents splitEvents;
    const qsizetype first = std::min(cut, length);
    split.feed(data, first, splitEvents);
    split.feed(data + first, length - first, splitEvents);
    split.finish(splitEvents);

    require(wire(wholeEvents) == wire(splitEvents), "the same events whatever the split");
    checkOrder(wholeEvents, true, blocks);
}

} // namespace sb::fuzz
