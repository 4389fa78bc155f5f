#include "OpenAiRequestCodec.h"

#include "protocol/JsonFieldReader.h"
#include "protocol/JsonWriter.h"
#include "protocol/RequestSize.h"

#include "protocol/FieldPath.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <deque>
#include <limits>

namespace sb {

namespace {

const QLatin1String kRole("role");
const QLatin1String kContent("content");
const QLatin1String kType("type");
const QLatin1String kText("text");

// ---- decoding -------------------------------------------------------------------------

void decodeImageUrl(const QString &url, ContentPart &part)
{
    part.kind = ContentPart::Kind::Image;
    // data:<media type>;base64,<payload>
    if (url.startsWith(QLatin1String("data:"))) {
        const qsizetype comma = url.indexOf(QLatin1Char(','));
        const qsizetype marker = url.lastIndexOf(QLatin1String(";base64"), comma);
        if (comma > 0 && marker > 0) {
            part.mediaType = url.mid(5, marker - 5);
            part.imageData = url.mid(comma + 1);
            return;
        }
    }
    part.imageUrl = url;
}

// Text-only content (system, developer, tool): a string or an array of text parts.
Expected<void, ApiError> decodeTextContent(const QJsonValue &content, const FieldPath &path,
                                           std::vector<ContentPart> &out)
{
    if (content.isString()) {
        out.push_back(ContentPart::makeText(content.toString()));
        return {};
    }
    if (content.isNull() || content.isUndefined())
        return {};
    if (!content.isArray())
        return unexpected(path.wrongType("a string or an array of content parts"));
    const QJsonArray parts = content.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const FieldPath partPath(path, i);
        const QJsonObject part = parts.at(i).toObject();
        const QString type = part.value(kType).toString();
        if (type != kText && type != QLatin1String("refusal"))
            return unexpected(partPath.error(QStringLiteral("unsupported content part type \"%1\" here").arg(type)));
        const QJsonValue text = part.value(type == kText ? kText : QLatin1String("refusal"));
        if (!text.isString())
            return unexpected(FieldPath(partPath, type == kText ? "text" : "refusal").wrongType("a string"));
        out.push_back(ContentPart::makeText(text.toString()));
    }
    return {};
}

Expected<void, ApiError> decodeUserContent(const QJsonValue &content, const FieldPath &path,
                                           std::vector<ContentPart> &out)
{
    if (content.isUndefined() || content.isNull())
        return unexpected(path.missing());
    if (content.isString()) {
        out.push_back(ContentPart::makeText(content.toString()));
        return {};
    }
    if (!content.isArray())
        return unexpected(path.wrongType("a string or an array of content parts"));
    const QJsonArray parts = content.toArray();
    out.reserve(out.size() + size_t(parts.size()));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const FieldPath partPath(path, i);
        if (!parts.at(i).isObject())
            return unexpected(partPath.wrongType("an object"));
        const QJsonObject part = parts.at(i).toObject();
        const QString type = part.value(kType).toString();
        if (type == kText) {
            const QJsonValue text = part.value(kText);
            if (!text.isString())
                return unexpected(FieldPath(partPath, "text").wrongType("a string"));
            out.push_back(ContentPart::makeText(text.toString()));
        } else if (type == QLatin1String("image_url")) {
            const QJsonValue image = part.value(QLatin1String("image_url"));
            const QString url =
                image.isString() ? image.toString() : image.toObject().value(QLatin1String("url")).toString();
            if (url.isEmpty())
                return unexpected(FieldPath(FieldPath(partPath, "image_url"), "url").missing());
            ContentPart imagePart;
            decodeImageUrl(url, imagePart);
            out.push_back(std::move(imagePart));
        } else {
            return unexpected(partPath.error(QStringLiteral("unsupported content part type \"%1\"").arg(type)));
        }
    }
    return {};
}

Expected<void, ApiError> decodeToolCalls(const QJsonValue &value, const FieldPath &path, std::vector<ContentPart> &out)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        return unexpected(path.wrongType("an array"));
    const QJsonArray calls = value.toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const FieldPath callPath(path, i);
        const QJsonObject call = calls.at(i).toObject();
        const QJsonValue id = call.value(QLatin1String("id"));
        if (!id.isString() || id.toString().isEmpty())
            return unexpected(FieldPath(callPath, "id").missing());
        const FieldPath functionPath(callPath, "function");
        const QJsonObject function = call.value(QLatin1String("function")).toObject();
        const QJsonValue name = function.value(QLatin1String("name"));
        if (!name.isString() || name.toString().isEmpty())
            return unexpected(FieldPath(functionPath, "name").missing());
        const FieldPath argumentsPath(functionPath, "arguments");
        const QJsonValue arguments = function.value(QLatin1String("arguments"));
        QJsonObject input;
        if (arguments.isObject()) {
            input = arguments.toObject(); // lenient: some clients send the object itself
        } else if (arguments.isString()) {
            const QByteArray json = arguments.toString().toUtf8().trimmed();
            if (!json.isEmpty()) {
                QJsonParseError parseError;
                const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
                if (!document.isObject())
                    return unexpected(argumentsPath.error(
                        QStringLiteral("must be a JSON object encoded as a string (%1)")
                            .arg(parseError.error == QJsonParseError::NoError ? QStringLiteral("not an object")
                                                                              : parseError.errorString())));
                input = document.object();
            }
        } else if (!arguments.isUndefined() && !arguments.isNull()) {
            return unexpected(argumentsPath.wrongType("a string"));
        }
        out.push_back(ContentPart::makeToolUse(id.toString(), name.toString(), input));
    }
    return {};
}

Expected<void, ApiError> decodeMessages(const QJsonValue &value, const FieldPath &path, Request &out)
{
    if (value.isUndefined() || value.isNull())
        return unexpected(path.missing());
    if (!value.isArray())
        return unexpected(path.wrongType("an array"));
    const QJsonArray messages = value.toArray();
    out.messages.reserve(size_t(messages.size()));
    bool lastWasTool = false;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const FieldPath messagePath(path, i);
        if (!messages.at(i).isObject())
            return unexpected(messagePath.wrongType("an object"));
        const QJsonObject object = messages.at(i).toObject();
        const QString role = object.value(kRole).toString();
        const FieldPath contentPath(messagePath, "content");
        const QJsonValue content = object.value(kContent);
        const bool isTool = role == QLatin1String("tool");

        if (role == QLatin1String("system") || role == QLatin1String("developer")) {
            if (out.messages.empty()) {
                if (auto error = decodeTextContent(content, contentPath, out.system); !error.hasValue())
                    return error;
                lastWasTool = false;
                continue;
            }
            Message message;
            message.role = Message::Role::System;
            if (auto error = decodeTextContent(content, contentPath, message.content); !error.hasValue())
                return error;
            out.messages.push_back(std::move(message));
        } else if (role == QLatin1String("user")) {
            Message message;
            message.role = Message::Role::User;
            if (auto error = decodeUserContent(content, contentPath, message.content); !error.hasValue())
                return error;
            out.messages.push_back(std::move(message));
        } else if (role == QLatin1String("assistant")) {
            Message message;
            message.role = Message::Role::Assistant;
            const QJsonValue reasoning = object.value(QLatin1String("reasoning_content"));
            if (reasoning.isString() && !reasoning.toString().isEmpty())
                message.content.push_back(ContentPart::makeThinking(reasoning.toString()));
            std::vector<ContentPart> text;
            if (auto error = decodeTextContent(content, contentPath, text); !error.hasValue())
                return error;
            for (ContentPart &part : text) {
                if (!part.text.isEmpty())
                    message.content.push_back(std::move(part));
            }
            if (auto error = decodeToolCalls(object.value(QLatin1String("tool_calls")),
                                             FieldPath(messagePath, "tool_calls"), message.content);
                !error.hasValue())
                return error;
            if (!message.content.empty())
                out.messages.push_back(std::move(message));
        } else if (isTool) {
            const QJsonValue callId = object.value(QLatin1String("tool_call_id"));
            if (!callId.isString() || callId.toString().isEmpty())
                return unexpected(FieldPath(messagePath, "tool_call_id").missing());
            ContentPart result;
            result.kind = ContentPart::Kind::ToolResult;
            result.toolId = callId.toString();
            if (auto error = decodeTextContent(content, contentPath, result.resultParts); !error.hasValue())
                return error;
            if (!lastWasTool) {
                Message message;
                message.role = Message::Role::User;
                out.messages.push_back(std::move(message));
            }
            out.messages.back().content.push_back(std::move(result));
        } else if (role.isEmpty()) {
            return unexpected(FieldPath(messagePath, "role").missing());
        } else {
            return unexpected(
                FieldPath(messagePath, "role").error(QStringLiteral("unsupported role \"%1\"").arg(role)));
        }
        lastWasTool = isTool;
    }
    return {};
}

Expected<void, ApiError> decodeTools(const QJsonValue &value, const FieldPath &path, Request &out)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        return unexpected(path.wrongType("an array"));
    const QJsonArray tools = value.toArray();
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const FieldPath toolPath(path, i);
        const QJsonObject object = tools.at(i).toObject();
        const QString type = object.value(kType).toString();
        if (type != QLatin1String("function"))
            return unexpected(
                FieldPath(toolPath, "type").error(QStringLiteral("unsupported tool type \"%1\"").arg(type)));
        const FieldPath functionPath(toolPath, "function");
        const QJsonObject function = object.value(QLatin1String("function")).toObject();
        Tool tool;
        tool.name = function.value(QLatin1String("name")).toString();
        if (tool.name.isEmpty())
            return unexpected(FieldPath(functionPath, "name").missing());
        tool.description = function.value(QLatin1String("description")).toString();
        const QJsonValue parameters = function.value(QLatin1String("parameters"));
        if (parameters.isObject())
            tool.inputSchema = parameters.toObject();
        else if (parameters.isUndefined() || parameters.isNull())
            tool.inputSchema = QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                           {QStringLiteral("properties"), QJsonObject()}};
        else
            return unexpected(FieldPath(functionPath, "parameters").wrongType("an object"));
        out.tools.push_back(std::move(tool));
    }
    return {};
}

Expected<void, ApiError> decodeToolChoice(const QJsonValue &value, const FieldPath &path, Request &out)
{
    if (value.isUndefined() || value.isNull())
        return {};
    ToolChoice choice;
    if (value.isString()) {
        const QString mode = value.toString();
        if (mode == QLatin1String("auto"))
            choice.mode = ToolChoice::Mode::Auto;
        else if (mode == QLatin1String("required"))
            choice.mode = ToolChoice::Mode::Any;
        else if (mode == QLatin1String("none"))
            choice.mode = ToolChoice::Mode::None;
        else
            return unexpected(path.error(QStringLiteral("unknown tool_choice \"%1\"").arg(mode)));
    } else if (value.isObject()) {
        const QString name =
            value.toObject().value(QLatin1String("function")).toObject().value(QLatin1String("name")).toString();
        if (name.isEmpty())
            return unexpected(FieldPath(FieldPath(path, "function"), "name").missing());
        choice.mode = ToolChoice::Mode::Tool;
        choice.name = name;
    } else {
        return unexpected(path.wrongType("a string or an object"));
    }
    out.toolChoice = choice;
    return {};
}

// ---- encoding -------------------------------------------------------------------------
// Straight to bytes (JsonWriter): a Claude Code turn is 50-300 KB, and building a QJsonObject
// of it and then serializing that was a third of the gateway's time per request.

QString dataUri(const ContentPart &image)
{
    if (!image.imageUrl.isEmpty())
        return image.imageUrl;
    return QStringLiteral("data:") + image.mediaType + QStringLiteral(";base64,") + image.imageData;
}

void writeImagePart(JsonWriter &json, const ContentPart &image)
{
    json.beginObject().key(kType).string(QLatin1String("image_url"));
    json.key(QLatin1String("image_url")).beginObject().key(QLatin1String("url")).string(dataUri(image)).endObject();
    json.endObject();
}

// {"role": role, "content": …}, the content written by `content`.
template<typename Content> void writeMessage(JsonWriter &json, const char *role, Content content)
{
    json.beginObject().key(kRole).string(QLatin1String(role)).key(kContent);
    content();
    json.endObject();
}

// Text and images of a user turn: a plain string when there are no images (the form every
// local chat template handles), otherwise an array of parts.
void writeUserContent(JsonWriter &json, const std::vector<const ContentPart *> &parts)
{
    bool hasImage = false;
    for (const ContentPart *part : parts)
        hasImage = hasImage || part->kind == ContentPart::Kind::Image;
    if (!hasImage) {
        QString text;
        for (const ContentPart *part : parts) {
            if (!text.isEmpty())
                text += QStringLiteral("\n\n");
            text += part->text;
        }
        json.string(text);
        return;
    }
    json.beginArray();
    for (const ContentPart *part : parts) {
        if (part->kind == ContentPart::Kind::Image)
            writeImagePart(json, *part);
        else
            json.beginObject().key(kType).string(kText).key(kText).string(part->text).endObject();
    }
    json.endArray();
}

// OpenAI-compatible servers (and our own decoder) refuse a tool call or tool message without
// an id. An Anthropic client may send `"id": ""`; such a call gets an id derived from its
// position (stable across retries, so a server's prefix cache still hits), and an empty
// tool_use_id in the next user turn takes the unclaimed generated ids in order, so the result
// still answers its call.
QString positionalToolId(qsizetype messageIndex, qsizetype blockIndex)
{
    return QStringLiteral("call_sb%1_%2").arg(messageIndex).arg(blockIndex);
}

void encodeUser(const Message &source, qsizetype messageIndex, std::deque<QString> &unclaimedIds, JsonWriter &json)
{
    std::vector<const ContentPart *> rest;
    for (qsizetype blockIndex = 0; blockIndex < qsizetype(source.content.size()); ++blockIndex) {
        const ContentPart &part = source.content[size_t(blockIndex)];
        if (part.kind == ContentPart::Kind::ToolResult) {
            QString text = part.resultText();
            if (part.isError)
                text.prepend(QStringLiteral("Error: "));
            QString callId = part.toolId;
            if (callId.isEmpty() && !unclaimedIds.empty()) {
                callId = unclaimedIds.front();
                unclaimedIds.pop_front();
            } else if (callId.isEmpty()) {
                callId = positionalToolId(messageIndex, blockIndex);
            }
            json.beginObject().key(kRole).string(QLatin1String("tool")).key(kContent).string(text);
            json.key(QLatin1String("tool_call_id")).string(callId).endObject();
            // Tool messages carry text only: images from results follow as a user message.
            for (const ContentPart &inner : part.resultParts) {
                if (inner.kind == ContentPart::Kind::Image)
                    rest.push_back(&inner);
            }
        } else if (part.kind == ContentPart::Kind::Text || part.kind == ContentPart::Kind::Image) {
            rest.push_back(&part);
        }
    }
    if (!rest.empty())
        writeMessage(json, "user", [&] { writeUserContent(json, rest); });
}

void encodeAssistant(const Message &source, qsizetype messageIndex, std::deque<QString> &unclaimedIds, JsonWriter &json)
{
    unclaimedIds.clear();
    QString text;
    std::vector<std::pair<const ContentPart *, QString>> toolCalls; // with their ids
    for (qsizetype blockIndex = 0; blockIndex < qsizetype(source.content.size()); ++blockIndex) {
        const ContentPart &part = source.content[size_t(blockIndex)];
        if (part.kind == ContentPart::Kind::Text) {
            if (!text.isEmpty())
                text += QStringLiteral("\n\n");
            text += part.text;
        } else if (part.kind == ContentPart::Kind::ToolUse) {
            QString callId = part.toolId;
            if (callId.isEmpty()) {
                callId = positionalToolId(messageIndex, blockIndex);
                unclaimedIds.push_back(callId);
            }
            toolCalls.emplace_back(&part, callId);
        }
    }
    if (text.isEmpty() && toolCalls.empty())
        return; // a turn that only held thinking
    json.beginObject().key(kRole).string(QLatin1String("assistant")).key(kContent);
    if (text.isEmpty())
        json.null();
    else
        json.string(text);
    if (!toolCalls.empty()) {
        json.key(QLatin1String("tool_calls")).beginArray();
        for (const auto &[part, callId] : toolCalls) {
            const QString arguments = QString::fromUtf8(QJsonDocument(part->toolInput).toJson(QJsonDocument::Compact));
            json.beginObject().key(QLatin1String("id")).string(callId).key(kType).string(QLatin1String("function"));
            json.key(QLatin1String("function")).beginObject().key(QLatin1String("name")).string(part->toolName);
            json.key(QLatin1String("arguments")).string(arguments).endObject();
            json.endObject();
        }
        json.endArray();
    }
    json.endObject();
}

} // namespace

Expected<void, ApiError> OpenAiRequestCodec::decode(const QJsonObject &body, Request &out)
{
    const FieldPath root;
    if (auto error = JsonFieldReader::requiredString(body, "model", root, out.model); !error.hasValue())
        return error;

    if (auto error = decodeMessages(body.value(QLatin1String("messages")), FieldPath(root, "messages"), out);
        !error.hasValue())
        return error;
    if (auto error = decodeTools(body.value(QLatin1String("tools")), FieldPath(root, "tools"), out); !error.hasValue())
        return error;
    if (auto error = decodeToolChoice(body.value(QLatin1String("tool_choice")), FieldPath(root, "tool_choice"), out);
        !error.hasValue())
        return error;

    const QJsonValue parallel = body.value(QLatin1String("parallel_tool_calls"));
    if (!parallel.isUndefined() && !parallel.isNull()) {
        if (!parallel.isBool())
            return unexpected(FieldPath(root, "parallel_tool_calls").wrongType("a boolean"));
        if (!parallel.toBool()) {
            if (!out.toolChoice)
                out.toolChoice = ToolChoice{};
            out.toolChoice->disableParallel = true;
        }
    }

    const QJsonValue n = body.value(QLatin1String("n"));
    if (!n.isUndefined() && !n.isNull() && n.toDouble() != 1.0)
        return unexpected(FieldPath(root, "n").error(QStringLiteral("only n=1 is supported")));

    for (const char *key : {"max_completion_tokens", "max_tokens"}) {
        const QJsonValue value = body.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            continue;
        if (auto error = JsonFieldReader::positiveInteger(value, FieldPath(root, key), out.maxTokens);
            !error.hasValue())
            return error;
        break;
    }

    if (auto error = JsonFieldReader::optionalNumber(body, "temperature", root, out.temperature); !error.hasValue())
        return error;
    if (auto error = JsonFieldReader::optionalNumber(body, "top_p", root, out.topP); !error.hasValue())
        return error;

    const QJsonValue stop = body.value(QLatin1String("stop"));
    if (stop.isString()) {
        out.stopSequences.append(stop.toString());
    } else if (stop.isArray()) {
        const QJsonArray array = stop.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                return unexpected(FieldPath(FieldPath(root, "stop"), i).wrongType("a string"));
            out.stopSequences.append(array.at(i).toString());
        }
    } else if (!stop.isUndefined() && !stop.isNull()) {
        return unexpected(FieldPath(root, "stop").wrongType("a string or an array of strings"));
    }

    const QJsonValue stream = body.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull()) {
        if (!stream.isBool())
            return unexpected(FieldPath(root, "stream").wrongType("a boolean"));
        out.stream = stream.toBool();
    }
    out.includeUsage =
        body.value(QLatin1String("stream_options")).toObject().value(QLatin1String("include_usage")).toBool();

    const QJsonValue user = body.value(QLatin1String("user"));
    if (user.isString())
        out.userId = user.toString();
    return {};
}

QJsonObject OpenAiRequestCodec::encode(const Request &request, const OpenAiEncodeOptions &options)
{
    return QJsonDocument::fromJson(encodeBytes(request, options)).object();
}

QByteArray OpenAiRequestCodec::encodeBytes(const Request &request, const OpenAiEncodeOptions &options)
{
    QByteArray out;
    out.reserve(approximateTextUnits(request) + 16 * 1024); // one allocation for the usual (ASCII) body
    JsonWriter json(out);
    json.beginObject().key(QLatin1String("model")).string(request.model);
    json.key(QLatin1String("messages")).beginArray();
    const QString system = joinedText(request.system, true);
    if (!system.isEmpty())
        writeMessage(json, "system", [&] { json.string(system); });
    std::deque<QString> unclaimedIds; // generated tool-call ids no tool_result has answered yet
    for (qsizetype messageIndex = 0; messageIndex < qsizetype(request.messages.size()); ++messageIndex) {
        const Message &source = request.messages[size_t(messageIndex)];
        switch (source.role) {
        case Message::Role::System: {
            const QString text = joinedText(source.content, true);
            if (!text.isEmpty())
                writeMessage(json, "system", [&] { json.string(text); });
            break;
        }
        case Message::Role::User: encodeUser(source, messageIndex, unclaimedIds, json); break;
        case Message::Role::Assistant: encodeAssistant(source, messageIndex, unclaimedIds, json); break;
        }
    }
    json.endArray();

    int maxTokens = request.maxTokens;
    if (options.maxTokensCap > 0 && (maxTokens <= 0 || maxTokens > options.maxTokensCap))
        maxTokens = options.maxTokensCap;
    if (maxTokens > 0)
        json.key(QLatin1String("max_tokens")).number(qint64(maxTokens));

    if (!request.tools.empty()) {
        json.key(QLatin1String("tools")).beginArray();
        for (const Tool &tool : request.tools) {
            json.beginObject().key(kType).string(QLatin1String("function"));
            json.key(QLatin1String("function")).beginObject().key(QLatin1String("name")).string(tool.name);
            json.key(QLatin1String("parameters")).raw(QJsonDocument(tool.inputSchema).toJson(QJsonDocument::Compact));
            if (!tool.description.isEmpty())
                json.key(QLatin1String("description")).string(tool.description);
            json.endObject().endObject();
        }
        json.endArray();
    }
    if (request.toolChoice) {
        const ToolChoice &choice = *request.toolChoice;
        switch (choice.mode) {
        case ToolChoice::Mode::Auto:
            if (!request.tools.empty())
                json.key(QLatin1String("tool_choice")).string(QLatin1String("auto"));
            break;
        case ToolChoice::Mode::Any: json.key(QLatin1String("tool_choice")).string(QLatin1String("required")); break;
        case ToolChoice::Mode::None: json.key(QLatin1String("tool_choice")).string(QLatin1String("none")); break;
        case ToolChoice::Mode::Tool:
            json.key(QLatin1String("tool_choice")).beginObject().key(kType).string(QLatin1String("function"));
            json.key(QLatin1String("function")).beginObject().key(QLatin1String("name")).string(choice.name);
            json.endObject().endObject();
            break;
        }
        if (choice.disableParallel && !request.tools.empty())
            json.key(QLatin1String("parallel_tool_calls")).boolean(false);
    }

    if (request.temperature)
        json.key(QLatin1String("temperature")).number(*request.temperature);
    if (request.topP)
        json.key(QLatin1String("top_p")).number(*request.topP);
    if (!request.stopSequences.isEmpty())
        json.key(QLatin1String("stop")).strings(request.stopSequences);
    if (request.stream) {
        json.key(QLatin1String("stream")).boolean(true);
        json.key(QLatin1String("stream_options")).beginObject().key(QLatin1String("include_usage")).boolean(true);
        json.endObject();
    }
    json.endObject();
    return out;
}

} // namespace sb
