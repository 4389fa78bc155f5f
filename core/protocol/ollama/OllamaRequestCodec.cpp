#include "OllamaRequestCodec.h"

#include <QHash>
#include <QJsonArray>

namespace sb {

namespace {

QJsonObject message(const char *role, const QString &content)
{
    return QJsonObject{{QStringLiteral("role"), QLatin1String(role)}, {QStringLiteral("content"), content}};
}

// Ollama takes base64 only; a URL image cannot be fetched by it and is named in the text instead.
void appendImage(const ContentPart &image, QJsonArray &images, QString &text)
{
    if (!image.imageData.isEmpty()) {
        images.append(image.imageData);
        return;
    }
    if (!text.isEmpty())
        text += QStringLiteral("\n\n");
    text += QStringLiteral("[image: ") + image.imageUrl + QLatin1Char(']');
}

void encodeUser(const Message &source, const QHash<QString, QString> &toolNames, QJsonArray &messages)
{
    QString text;
    QJsonArray images;
    for (const ContentPart &part : source.content) {
        switch (part.kind) {
        case ContentPart::Kind::ToolResult: {
            QString result = part.resultText();
            if (part.isError)
                result.prepend(QStringLiteral("Error: "));
            QJsonObject tool = message("tool", result);
            const QString name = toolNames.value(part.toolId);
            if (!name.isEmpty())
                tool.insert(QLatin1String("tool_name"), name);
            messages.append(tool);
            for (const ContentPart &inner : part.resultParts) {
                if (inner.kind == ContentPart::Kind::Image)
                    appendImage(inner, images, text);
            }
            break;
        }
        case ContentPart::Kind::Text:
            if (!text.isEmpty())
                text += QStringLiteral("\n\n");
            text += part.text;
            break;
        case ContentPart::Kind::Image: appendImage(part, images, text); break;
        default: break;
        }
    }
    if (text.isEmpty() && images.isEmpty())
        return;
    QJsonObject user = message("user", text);
    if (!images.isEmpty())
        user.insert(QLatin1String("images"), images);
    messages.append(user);
}

void encodeAssistant(const Message &source, QHash<QString, QString> &toolNames, QJsonArray &messages)
{
    QString text;
    QString thinking;
    QJsonArray toolCalls;
    for (const ContentPart &part : source.content) {
        if (part.kind == ContentPart::Kind::Text) {
            if (!text.isEmpty())
                text += QStringLiteral("\n\n");
            text += part.text;
        } else if (part.kind == ContentPart::Kind::Thinking) {
            thinking += part.text;
        } else if (part.kind == ContentPart::Kind::ToolUse) {
            toolNames.insert(part.toolId, part.toolName);
            toolCalls.append(
                QJsonObject{{QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), part.toolName},
                                                                     {QStringLiteral("arguments"), part.toolInput}}}});
        }
    }
    if (text.isEmpty() && toolCalls.isEmpty() && thinking.isEmpty())
        return;
    QJsonObject assistant = message("assistant", text);
    if (!thinking.isEmpty())
        assistant.insert(QLatin1String("thinking"), thinking);
    if (!toolCalls.isEmpty())
        assistant.insert(QLatin1String("tool_calls"), toolCalls);
    messages.append(assistant);
}

} // namespace

QJsonObject OllamaRequestCodec::encode(const Request &request, const OllamaOptions &options)
{
    QJsonArray messages;
    const QString system = joinedText(request.system, true);
    if (!system.isEmpty())
        messages.append(message("system", system));
    QHash<QString, QString> toolNames; // tool_use id → name: Ollama matches results by name
    for (const Message &source : request.messages) {
        switch (source.role) {
        case Message::Role::System: {
            const QString text = joinedText(source.content, true);
            if (!text.isEmpty())
                messages.append(message("system", text));
            break;
        }
        case Message::Role::User: encodeUser(source, toolNames, messages); break;
        case Message::Role::Assistant: encodeAssistant(source, toolNames, messages); break;
        }
    }

    QJsonObject body;
    body.insert(QLatin1String("model"), request.model);
    body.insert(QLatin1String("messages"), messages);

    const bool toolsOff = request.toolChoice && request.toolChoice->mode == ToolChoice::Mode::None;
    if (!request.tools.empty() && !toolsOff) {
        QJsonArray tools;
        for (const Tool &tool : request.tools) {
            tools.append(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("function")},
                {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), tool.name},
                                                         {QStringLiteral("description"), tool.description},
                                                         {QStringLiteral("parameters"), tool.inputSchema}}}});
        }
        body.insert(QLatin1String("tools"), tools);
    }
    body.insert(QLatin1String("stream"), request.stream);

    QJsonObject modelOptions;
    if (options.numCtx > 0)
        modelOptions.insert(QLatin1String("num_ctx"), options.numCtx);
    if (request.maxTokens > 0)
        modelOptions.insert(QLatin1String("num_predict"), request.maxTokens);
    if (request.temperature)
        modelOptions.insert(QLatin1String("temperature"), *request.temperature);
    if (request.topP)
        modelOptions.insert(QLatin1String("top_p"), *request.topP);
    if (request.topK)
        modelOptions.insert(QLatin1String("top_k"), *request.topK);
    if (!request.stopSequences.isEmpty())
        modelOptions.insert(QLatin1String("stop"), QJsonArray::fromStringList(request.stopSequences));
    body.insert(QLatin1String("options"), modelOptions);

    if (!options.keepAlive.isEmpty()) {
        // A bare number means seconds and must be sent as a number: Ollama parses strings as
        // Go durations, which need a unit.
        bool isNumber = false;
        const qint64 seconds = options.keepAlive.toLongLong(&isNumber);
        body.insert(QLatin1String("keep_alive"), isNumber ? QJsonValue(seconds) : QJsonValue(options.keepAlive));
    }
    if (options.think)
        body.insert(QLatin1String("think"), *options.think);
    return body;
}

} // namespace sb
