#include "StreamEvent.h"

namespace sb {

StreamEvent StreamEvent::messageStart(const QString &id, const QString &model, const Usage &usage)
{
    StreamEvent event;
    event.type = Type::MessageStart;
    event.messageId = id;
    event.model = model;
    event.usage = usage;
    return event;
}

StreamEvent StreamEvent::blockStart(int index, BlockKind kind, const QString &toolId, const QString &toolName)
{
    StreamEvent event;
    event.type = Type::BlockStart;
    event.index = index;
    event.blockKind = kind;
    event.toolId = toolId;
    event.toolName = toolName;
    return event;
}

StreamEvent StreamEvent::delta(Type type, int index, const QString &text)
{
    StreamEvent event;
    event.type = type;
    event.index = index;
    event.text = text;
    return event;
}

StreamEvent StreamEvent::blockStop(int index)
{
    StreamEvent event;
    event.type = Type::BlockStop;
    event.index = index;
    return event;
}

StreamEvent StreamEvent::messageDelta(StopReason reason, const Usage &usage, const QString &stopSequence)
{
    StreamEvent event;
    event.type = Type::MessageDelta;
    event.stopReason = reason;
    event.usage = usage;
    event.stopSequence = stopSequence;
    return event;
}

StreamEvent StreamEvent::messageStop()
{
    StreamEvent event;
    event.type = Type::MessageStop;
    return event;
}

StreamEvent StreamEvent::ping()
{
    return StreamEvent{};
}

StreamEvent StreamEvent::failure(const ApiError &error)
{
    StreamEvent event;
    event.type = Type::Error;
    event.error = error;
    return event;
}

} // namespace sb
