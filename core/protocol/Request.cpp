#include "Request.h"

namespace sb {

ContentPart ContentPart::makeText(const QString &text)
{
    ContentPart part;
    part.kind = Kind::Text;
    part.text = text;
    return part;
}

ContentPart ContentPart::makeThinking(const QString &text, const QString &signature)
{
    ContentPart part;
    part.kind = Kind::Thinking;
    part.text = text;
    part.signature = signature;
    return part;
}

ContentPart ContentPart::makeToolUse(const QString &id, const QString &name, const QJsonObject &input)
{
    ContentPart part;
    part.kind = Kind::ToolUse;
    part.toolId = id;
    part.toolName = name;
    part.toolInput = input;
    return part;
}

ContentPart ContentPart::makeToolResult(const QString &toolUseId, const QString &text, bool isError)
{
    ContentPart part;
    part.kind = Kind::ToolResult;
    part.toolId = toolUseId;
    part.isError = isError;
    part.resultParts.push_back(makeText(text));
    return part;
}

QString ContentPart::resultText() const
{
    QString joined;
    for (const ContentPart &part : resultParts) {
        if (part.kind != Kind::Text)
            continue;
        if (!joined.isEmpty())
            joined += QLatin1Char('\n');
        joined += part.text;
    }
    return joined;
}

bool ContentPart::isBillingHeader() const
{
    return kind == Kind::Text && text.startsWith(QLatin1String("x-anthropic-billing-header:"));
}

QString joinedText(const std::vector<ContentPart> &parts, bool skipBillingHeader)
{
    QString text;
    for (const ContentPart &part : parts) {
        if (part.kind != ContentPart::Kind::Text || (skipBillingHeader && part.isBillingHeader()))
            continue;
        if (!text.isEmpty())
            text += QStringLiteral("\n\n");
        text += part.text;
    }
    return text;
}

QString Request::systemText() const
{
    return joinedText(system);
}

bool Request::hasSystemEntries() const
{
    for (const Message &message : messages) {
        if (message.role == Message::Role::System)
            return true;
    }
    return false;
}

void foldSystemEntriesIntoUserTurns(Request &request)
{
    std::vector<Message> &messages = request.messages;
    for (size_t i = 0; i < messages.size();) {
        if (messages[i].role != Message::Role::System) {
            ++i;
            continue;
        }
        std::vector<ContentPart> parts;
        for (const ContentPart &part : messages[i].content) {
            if (part.kind == ContentPart::Kind::Text && !part.text.isEmpty())
                parts.push_back(part);
        }
        size_t next = i + 1;
        while (next < messages.size() && messages[next].role == Message::Role::System)
            ++next;
        if (next < messages.size() && messages[next].role == Message::Role::User) {
            std::vector<ContentPart> &content = messages[next].content;
            auto at = content.begin();
            while (at != content.end() && at->kind == ContentPart::Kind::ToolResult)
                ++at;
            content.insert(at, parts.begin(), parts.end());
            messages.erase(messages.begin() + qsizetype(i));
        } else if (i > 0 && messages[i - 1].role == Message::Role::User) {
            std::vector<ContentPart> &content = messages[i - 1].content;
            content.insert(content.end(), parts.begin(), parts.end());
            messages.erase(messages.begin() + qsizetype(i));
        } else {
            messages[i].role = Message::Role::User;
            messages[i].content = parts;
            ++i;
        }
    }
}

} // namespace sb
