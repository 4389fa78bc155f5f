#include "StreamAggregator.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

ContentPart *StreamAggregator::part(int index)
{
    const auto found = m_partByIndex.constFind(index);
    if (found == m_partByIndex.constEnd())
        return nullptr;
    return &m_response.content[*found];
}

void StreamAggregator::add(const StreamEvents &events)
{
    for (const StreamEvent &event : events)
        add(event);
}

void StreamAggregator::add(const StreamEvent &event)
{
    if (m_failed)
        return;
    switch (event.type) {
    case StreamEvent::Type::MessageStart:
        m_response.id = event.messageId;
        m_response.model = event.model;
        m_response.usage = event.usage;
        break;
    case StreamEvent::Type::BlockStart: {
        ContentPart content;
        switch (event.blockKind) {
        case StreamEvent::BlockKind::Text: content.kind = ContentPart::Kind::Text; break;
        case StreamEvent::BlockKind::Thinking: content.kind = ContentPart::Kind::Thinking; break;
        case StreamEvent::BlockKind::RedactedThinking:
            content.kind = ContentPart::Kind::RedactedThinking;
            content.redactedData = event.text;
            break;
        case StreamEvent::BlockKind::ToolUse:
            content.kind = ContentPart::Kind::ToolUse;
            content.toolId = event.toolId;
            content.toolName = event.toolName;
            m_toolInput.insert(event.index, QString());
            break;
        }
        m_partByIndex.insert(event.index, m_response.content.size());
        m_response.content.push_back(std::move(content));
        break;
    }
    case StreamEvent::Type::TextDelta:
    case StreamEvent::Type::ThinkingDelta:
        if (ContentPart *target = part(event.index))
            target->text += event.text;
        break;
    case StreamEvent::Type::SignatureDelta:
        if (ContentPart *target = part(event.index))
            target->signature += event.text;
        break;
    case StreamEvent::Type::ToolInputDelta: {
        const auto found = m_toolInput.find(event.index);
        if (found != m_toolInput.end())
            *found += event.text;
        break;
    }
    case StreamEvent::Type::BlockStop: {
        const auto found = m_toolInput.find(event.index);
        ContentPart *target = part(event.index);
        if (found == m_toolInput.end() || !target)
            break;
        const QString json = found->trimmed();
        m_toolInput.erase(found);
        if (json.isEmpty())
            break; // a tool without arguments
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &parseError);
        if (!document.isObject()) {
            m_failed = true;
            m_error = ApiError::upstream(502, QStringLiteral("upstream sent invalid JSON arguments for tool "
                                                             "\"%1\": %2")
                                                  .arg(target->toolName, parseError.errorString()));
            break;
        }
        target->toolInput = document.object();
        break;
    }
    case StreamEvent::Type::MessageDelta:
        m_response.stopReason = event.stopReason;
        m_response.stopSequence = event.stopSequence;
        if (event.usage.inputTokens >= 0)
            m_response.usage.inputTokens = event.usage.inputTokens;
        if (event.usage.outputTokens >= 0)
            m_response.usage.outputTokens = event.usage.outputTokens;
        if (event.usage.cacheReadTokens > 0)
            m_response.usage.cacheReadTokens = event.usage.cacheReadTokens;
        if (event.usage.cacheWriteTokens > 0)
            m_response.usage.cacheWriteTokens = event.usage.cacheWriteTokens;
        m_response.usage.estimated = m_response.usage.estimated || event.usage.estimated;
        break;
    case StreamEvent::Type::MessageStop: m_complete = true; break;
    case StreamEvent::Type::Ping: break;
    case StreamEvent::Type::Error:
        m_failed = true;
        m_error = event.error;
        break;
    }
}

} // namespace sb
