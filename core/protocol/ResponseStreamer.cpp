#include "ResponseStreamer.h"

#include "IdGenerator.h"

#include <QJsonDocument>

namespace sb {

StreamEvents ResponseStreamer::toEvents(const Response &response)
{
    StreamEvents events;
    events.reserve(response.content.size() * 4 + 3);

    Usage startUsage = response.usage;
    startUsage.outputTokens = response.usage.outputTokens < 0 ? -1 : std::min<qint64>(1, response.usage.outputTokens);
    events.push_back(StreamEvent::messageStart(response.id.isEmpty() ? IdGenerator::messageId() : response.id,
                                               response.model, startUsage));
    int index = 0;
    for (const ContentPart &part : response.content) {
        switch (part.kind) {
        case ContentPart::Kind::Text:
            events.push_back(StreamEvent::blockStart(index, StreamEvent::BlockKind::Text));
            if (!part.text.isEmpty())
                events.push_back(StreamEvent::delta(StreamEvent::Type::TextDelta, index, part.text));
            break;
        case ContentPart::Kind::Thinking:
            events.push_back(StreamEvent::blockStart(index, StreamEvent::BlockKind::Thinking));
            if (!part.text.isEmpty())
                events.push_back(StreamEvent::delta(StreamEvent::Type::ThinkingDelta, index, part.text));
            if (!part.signature.isEmpty())
                events.push_back(StreamEvent::delta(StreamEvent::Type::SignatureDelta, index, part.signature));
            break;
        case ContentPart::Kind::RedactedThinking: {
            StreamEvent start = StreamEvent::blockStart(index, StreamEvent::BlockKind::RedactedThinking);
            start.text = part.redactedData;
            events.push_back(std::move(start));
            break;
        }
        case ContentPart::Kind::ToolUse:
            events.push_back(
                StreamEvent::blockStart(index, StreamEvent::BlockKind::ToolUse, part.toolId, part.toolName));
            events.push_back(
                StreamEvent::delta(StreamEvent::Type::ToolInputDelta, index,
                                   QString::fromUtf8(QJsonDocument(part.toolInput).toJson(QJsonDocument::Compact))));
            break;
        case ContentPart::Kind::Image:
        case ContentPart::Kind::ToolResult: continue; // not something an assistant answer contains
        }
        events.push_back(StreamEvent::blockStop(index));
        ++index;
    }
    events.push_back(StreamEvent::messageDelta(response.stopReason, response.usage, response.stopSequence));
    events.push_back(StreamEvent::messageStop());
    return events;
}

} // namespace sb
