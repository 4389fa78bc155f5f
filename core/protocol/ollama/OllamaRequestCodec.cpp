#include "OllamaRequestCodec.h"

#include "protocol/JsonWriter.h"
#include "protocol/RequestSize.h"

#include <QHash>
#include <QJsonDocument>

namespace sb {

namespace {

const QLatin1String kRole("role");
const QLatin1String kContent("content");

// Opens a message object with its role and content; the caller adds any other keys and
// closes it.
JsonWriter &beginMessage(JsonWriter &json, const char *role, const QString &content)
{
    return json.beginObject().key(kRole).string(QLatin1String(role)).key(kContent).string(content);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Ollama takes base64 only; a URL image cannot be fetched by it and is named in the text instead.
void appendImage(const ContentPart &image, std::vector<const QString *> &images, QString &text)
{
    if (!image.imageData.isEmpty()) {
        images.push_back(&image.imageData);
        return;
    }
    if (!text.isEmpty())
        text += QStringLiteral("\n\n");
    text += QStringLiteral("[image: ") + image.imageUrl + QLatin1Char(']');
}

void encodeUser(const Message &source, const QHash<QString, QString> &toolNames, JsonWriter &json)
{
    QString text;
    std::vector<const QString *> images; // base64 payloads, in order
    for (const ContentPart &part : source.content) {
        switch (part.kind) {
        case ContentPart::Kind::ToolResult: {
            QString result = part.resultText();
            if (part.isError)
                result.prepend(QStringLiteral("Error: "));
            beginMessage(json, "tool", result);
            const QString name = toolNames.value(part.toolId);
            if (!name.isEmpty())
                json.key(QLatin1String("tool_name")).string(name);
            json.endObject();
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
    if (text.isEmpty() && images.empty())
        return;
    beginMessage(json, "user", text);
    if (!images.empty()) {
        json.key(QLatin1String("images")).beginArray();
        for (const QString *image : images)
            json.string(*image);
        json.endArray();
    }
    json.endObject();
}

void encodeAssistant(const Message &source, QHash<QString, QString> &toolNames, JsonWriter &json)
{
    QString text;
    QString thinking;
    std::vector<const ContentPart *> toolCalls;
    for (const ContentPart &part : source.content) {
        if (part.kind == ContentPart::Kind::Text) {
            if (!text.isEmpty())
                text += QStringLiteral("\n\n");
            text += part.text;
        } else if (part.kind == ContentPart::Kind::Thinking) {
            thinking += part.text;
        } else if (part.kind == ContentPart::Kind::ToolUse) {
            toolNames.insert(part.toolId, part.toolName);
            toolCalls.push_back(&part);
        }
    }
    if (text.isEmpty() && toolCalls.empty() && thinking.isEmpty())
        return;
    beginMessage(json, "assistant", text);
    if (!thinking.isEmpty())
        json.key(QLatin1String("thinking")).string(thinking);
    if (!toolCalls.empty()) {
        json.key(QLatin1String("tool_calls")).beginArray();
        for (const ContentPart *call : toolCalls) {
            json.beginObject().key(QLatin1String("function")).beginObject();
            json.key(QLatin1String("name")).string(call->toolName);
            json.key(QLatin1String("arguments")).raw(compact(call->toolInput));
            json.endObject().endObject();
        }
        json.endArray();
    }
    json.endObject();
}

} // namespace

QJsonObject OllamaRequestCodec::encode(const Request &request, const OllamaOptions &options)
{
    return QJsonDocument::fromJson(encodeBytes(request, options)).object();
}

QByteArray OllamaRequestCodec::encodeBytes(const Request &request, const OllamaOptions &options)
{
    QByteArray out;
    out.reserve(approximateTextUnits(request) + 16 * 1024); // one allocation for the usual (ASCII) body
    JsonWriter json(out);
    json.beginObject().key(QLatin1String("model")).string(request.model);
    json.key(QLatin1String("messages")).beginArray();
    const QString system = joinedText(request.system, true);
    if (!system.isEmpty())
        beginMessage(json, "system", system).endObject();
    QHash<QString, QString> toolNames; // tool_use id → name: Ollama matches results by name
    for (const Message &source : request.messages) {
        switch (source.role) {
        case Message::Role::System: {
            const QString text = joinedText(source.content, true);
            if (!text.isEmpty())
                beginMessage(json, "system", text).endObject();
            break;
        }
        case Message::Role::User: encodeUser(source, toolNames, json); break;
        case Message::Role::Assistant: encodeAssistant(source, toolNames, json); break;
        }
    }
    json.endArray();

    const bool toolsOff = request.toolChoice && request.toolChoice->mode == ToolChoice::Mode::None;
    if (!request.tools.empty() && !toolsOff) {
        json.key(QLatin1String("tools")).beginArray();
        for (const Tool &tool : request.tools) {
            json.beginObject().key(QLatin1String("type")).string(QLatin1String("function"));
            json.key(QLatin1String("function")).beginObject().key(QLatin1String("name")).string(tool.name);
            json.key(QLatin1String("description")).string(tool.description);
            json.key(QLatin1String("parameters")).raw(compact(tool.inputSchema));
            json.endObject().endObject();
        }
        json.endArray();
    }
    json.key(QLatin1String("stream")).boolean(request.stream);

    json.key(QLatin1String("options")).beginObject();
    if (options.numCtx > 0)
        json.key(QLatin1String("num_ctx")).number(qint64(options.numCtx));
    if (request.maxTokens > 0)
        json.key(QLatin1String("num_predict")).number(qint64(request.maxTokens));
    if (request.temperature)
        json.key(QLatin1String("temperature")).number(*request.temperature);
    if (request.topP)
        json.key(QLatin1String("top_p")).number(*request.topP);
    if (request.topK)
        json.key(QLatin1String("top_k")).number(qint64(*request.topK));
    if (!request.stopSequences.isEmpty())
        json.key(QLatin1String("stop")).strings(request.stopSequences);
    json.endObject();

    if (!options.keepAlive.isEmpty()) {
        // A bare number means seconds and must be sent as a number: Ollama parses strings as
        // Go durations, which need a unit.
        bool isNumber = false;
        const qint64 seconds = options.keepAlive.toLongLong(&isNumber);
        json.key(QLatin1String("keep_alive"));
        if (isNumber)
            json.number(seconds);
        else
            json.string(options.keepAlive);
    }
    if (options.think)
        json.key(QLatin1String("think")).boolean(*options.think);
    json.endObject();
    return out;
}

} // namespace sb
