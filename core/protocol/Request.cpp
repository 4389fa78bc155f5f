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

} // namespace sb
