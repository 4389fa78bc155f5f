#include "AnthropicRequestCodec.h"

#include "AnthropicContentCodec.h"
#include "protocol/FieldPath.h"
#include "protocol/JsonFieldReader.h"
#include "protocol/JsonWriter.h"
#include "protocol/RequestSize.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace sb {

namespace {

Expected<void, ApiError> decodeSystem(const QJsonValue &value, const FieldPath &path, Request &out)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (value.isString()) {
        if (!value.toString().isEmpty())
            out.system.push_back(ContentPart::makeText(value.toString()));
        return {};
    }
    if (!value.isArray())
        return unexpected(path.wrongType("a string or an array of text blocks"));
    const QJsonArray blocks = value.toArray();
    out.system.reserve(size_t(blocks.size()));
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const FieldPath blockPath(path, i);
        const QJsonObject block = blocks.at(i).toObject();
        if (!blocks.at(i).isObject() || block.value(QLatin1String("type")).toString() != QLatin1String("text"))
            return unexpected(blockPath.error(QStringLiteral("system blocks must be text blocks")));
        const QJsonValue text = block.value(QLatin1String("text"));
        if (!text.isString())
            return unexpected(FieldPath(blockPath, "text").wrongType("a string"));
        out.system.push_back(ContentPart::makeText(text.toString()));
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
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const FieldPath messagePath(path, i);
        if (!messages.at(i).isObject())
            return unexpected(messagePath.wrongType("an object"));
        const QJsonObject object = messages.at(i).toObject();
        Message message;
        const QString role = object.value(QLatin1String("role")).toString();
        if (role == QLatin1String("user"))
            message.role = Message::Role::User;
        else if (role == QLatin1String("assistant"))
            message.role = Message::Role::Assistant;
        else if (role == QLatin1String("system"))
            message.role = Message::Role::System;
        else if (role.isEmpty())
            return unexpected(FieldPath(messagePath, "role").missing());
        else
            return unexpected(FieldPath(messagePath, "role").error(QStringLiteral("unknown role \"%1\"").arg(role)));
        if (auto error = AnthropicContentCodec::decodeContent(object.value(QLatin1String("content")),
                                                              FieldPath(messagePath, "content"), message.content);
            !error.hasValue())
            return error;
        // A call without a name cannot be executed or answered by any upstream, and
        // OpenAI-compatible servers refuse the whole request over it: say so, naming the field.
        for (qsizetype block = 0; block < qsizetype(message.content.size()); ++block) {
            const ContentPart &part = message.content[size_t(block)];
            if (part.kind == ContentPart::Kind::ToolUse && part.toolName.isEmpty())
                return unexpected(FieldPath(FieldPath(FieldPath(messagePath, "content"), block), "name")
                                      .error(QStringLiteral("a tool_use block needs a non-empty name")));
        }
        out.messages.push_back(std::move(message));
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
    out.tools.reserve(size_t(tools.size()));
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const FieldPath toolPath(path, i);
        if (!tools.at(i).isObject())
            return unexpected(toolPath.wrongType("an object"));
        const QJsonObject object = tools.at(i).toObject();
        const QJsonValue schema = object.value(QLatin1String("input_schema"));
        const QString type = object.value(QLatin1String("type")).toString();
        // Server tools (web_search_…, code_execution_…) run at Anthropic; no other upstream
        // can execute them.
        if (!type.isEmpty() && type != QLatin1String("custom") && schema.isUndefined())
            continue;
        Tool tool;
        const QJsonValue name = object.value(QLatin1String("name"));
        if (!name.isString() || name.toString().isEmpty())
            return unexpected(FieldPath(toolPath, "name").missing());
        tool.name = name.toString();
        const QJsonValue description = object.value(QLatin1String("description"));
        if (!description.isUndefined() && !description.isNull() && !description.isString())
            return unexpected(FieldPath(toolPath, "description").wrongType("a string"));
        tool.description = description.toString();
        if (schema.isUndefined() || schema.isNull())
            return unexpected(FieldPath(toolPath, "input_schema").missing());
        if (!schema.isObject())
            return unexpected(FieldPath(toolPath, "input_schema").wrongType("an object"));
        tool.inputSchema = schema.toObject();
        out.tools.push_back(std::move(tool));
    }
    return {};
}

Expected<void, ApiError> decodeToolChoice(const QJsonValue &value, const FieldPath &path, Request &out)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        return unexpected(path.wrongType("an object"));
    const QJsonObject object = value.toObject();
    ToolChoice choice;
    const QString type = object.value(QLatin1String("type")).toString();
    if (type == QLatin1String("auto")) {
        choice.mode = ToolChoice::Mode::Auto;
    } else if (type == QLatin1String("any")) {
        choice.mode = ToolChoice::Mode::Any;
    } else if (type == QLatin1String("none")) {
        choice.mode = ToolChoice::Mode::None;
    } else if (type == QLatin1String("tool")) {
        choice.mode = ToolChoice::Mode::Tool;
        const QJsonValue name = object.value(QLatin1String("name"));
        if (!name.isString() || name.toString().isEmpty())
            return unexpected(FieldPath(path, "name").missing());
        choice.name = name.toString();
    } else {
        return unexpected(FieldPath(path, "type").error(QStringLiteral("unknown tool_choice type \"%1\"").arg(type)));
    }
    const QJsonValue disable = object.value(QLatin1String("disable_parallel_tool_use"));
    if (!disable.isUndefined() && !disable.isNull()) {
        if (!disable.isBool())
            return unexpected(FieldPath(path, "disable_parallel_tool_use").wrongType("a boolean"));
        choice.disableParallel = disable.toBool();
    }
    out.toolChoice = choice;
    return {};
}

Expected<void, ApiError> decodeThinking(const QJsonValue &value, const FieldPath &path, Request &out)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        return unexpected(path.wrongType("an object"));
    const QJsonObject object = value.toObject();
    const QString type = object.value(QLatin1String("type")).toString();
    if (type == QLatin1String("enabled")) {
        out.thinking.mode = ThinkingConfig::Mode::Enabled;
        const QJsonValue budget = object.value(QLatin1String("budget_tokens"));
        if (!budget.isUndefined() && !budget.isNull()) {
            if (auto error =
                    JsonFieldReader::integer(budget, FieldPath(path, "budget_tokens"), out.thinking.budgetTokens);
                !error.hasValue())
                return error;
        }
    } else if (type == QLatin1String("adaptive")) {
        out.thinking.mode = ThinkingConfig::Mode::Adaptive;
    } else if (type == QLatin1String("disabled")) {
        out.thinking.mode = ThinkingConfig::Mode::Off;
    } else {
        return unexpected(FieldPath(path, "type").error(QStringLiteral("unknown thinking type \"%1\"").arg(type)));
    }
    return {};
}

} // namespace

Expected<void, ApiError> AnthropicRequestCodec::decode(const QJsonObject &body, Request &out)
{
    const FieldPath root;

    if (auto error = JsonFieldReader::requiredString(body, "model", root, out.model); !error.hasValue())
        return error;

    if (auto error = decodeSystem(body.value(QLatin1String("system")), FieldPath(root, "system"), out);
        !error.hasValue())
        return error;
    if (auto error = decodeMessages(body.value(QLatin1String("messages")), FieldPath(root, "messages"), out);
        !error.hasValue())
        return error;
    if (auto error = decodeTools(body.value(QLatin1String("tools")), FieldPath(root, "tools"), out); !error.hasValue())
        return error;
    if (auto error = decodeToolChoice(body.value(QLatin1String("tool_choice")), FieldPath(root, "tool_choice"), out);
        !error.hasValue())
        return error;

    // Required by Anthropic for /v1/messages, but count_tokens bodies carry none: absent means 0.
    const QJsonValue maxTokens = body.value(QLatin1String("max_tokens"));
    if (!maxTokens.isUndefined() && !maxTokens.isNull()) {
        if (auto error = JsonFieldReader::positiveInteger(maxTokens, FieldPath(root, "max_tokens"), out.maxTokens);
            !error.hasValue())
            return error;
    }

    if (auto error = JsonFieldReader::optionalNumber(body, "temperature", root, out.temperature); !error.hasValue())
        return error;
    if (auto error = JsonFieldReader::optionalNumber(body, "top_p", root, out.topP); !error.hasValue())
        return error;
    const QJsonValue topK = body.value(QLatin1String("top_k"));
    if (!topK.isUndefined() && !topK.isNull()) {
        int value = 0;
        if (auto error = JsonFieldReader::integer(topK, FieldPath(root, "top_k"), value); !error.hasValue())
            return error;
        out.topK = value;
    }

    const QJsonValue stops = body.value(QLatin1String("stop_sequences"));
    if (!stops.isUndefined() && !stops.isNull()) {
        const FieldPath path(root, "stop_sequences");
        if (!stops.isArray())
            return unexpected(path.wrongType("an array of strings"));
        const QJsonArray array = stops.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                return unexpected(FieldPath(path, i).wrongType("a string"));
            out.stopSequences.append(array.at(i).toString());
        }
    }

    const QJsonValue stream = body.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull()) {
        if (!stream.isBool())
            return unexpected(FieldPath(root, "stream").wrongType("a boolean"));
        out.stream = stream.toBool();
    }

    if (auto error = decodeThinking(body.value(QLatin1String("thinking")), FieldPath(root, "thinking"), out);
        !error.hasValue())
        return error;

    const QJsonValue metadata = body.value(QLatin1String("metadata"));
    if (metadata.isObject()) {
        const QJsonValue userId = metadata.toObject().value(QLatin1String("user_id"));
        if (!userId.isUndefined() && !userId.isNull()) {
            if (!userId.isString())
                return unexpected(FieldPath(FieldPath(root, "metadata"), "user_id").wrongType("a string"));
            out.userId = userId.toString();
        }
    } else if (!metadata.isUndefined() && !metadata.isNull()) {
        return unexpected(FieldPath(root, "metadata").wrongType("an object"));
    }
    return {};
}

QJsonObject AnthropicRequestCodec::encode(const Request &request)
{
    return QJsonDocument::fromJson(encodeBytes(request)).object();
}

QByteArray AnthropicRequestCodec::encodeBytes(const Request &request)
{
    QByteArray out;
    out.reserve(approximateTextUnits(request) + 16 * 1024); // one allocation for the usual (ASCII) body
    JsonWriter json(out);
    json.beginObject().key(QLatin1String("model")).string(request.model);

    // The top-level system parts, then the text of system entries inside the conversation, in
    // order: Anthropic takes system text only at the top.
    std::vector<const ContentPart *> system;
    for (const ContentPart &part : request.system)
        system.push_back(&part);
    for (const Message &message : request.messages) {
        if (message.role != Message::Role::System)
            continue;
        for (const ContentPart &part : message.content) {
            if (part.kind == ContentPart::Kind::Text)
                system.push_back(&part);
        }
    }
    if (!system.empty()) {
        json.key(QLatin1String("system")).beginArray();
        for (const ContentPart *part : system)
            AnthropicContentCodec::writePart(json, *part);
        json.endArray();
    }

    json.key(QLatin1String("messages")).beginArray();
    for (const Message &message : request.messages) {
        if (message.role == Message::Role::System)
            continue;
        json.beginObject().key(QLatin1String("role"));
        json.string(message.role == Message::Role::Assistant ? QLatin1String("assistant") : QLatin1String("user"));
        json.key(QLatin1String("content"));
        AnthropicContentCodec::writeParts(json, message.content);
        json.endObject();
    }
    json.endArray();
    json.key(QLatin1String("max_tokens")).number(qint64(request.maxTokens > 0 ? request.maxTokens : kDefaultMaxTokens));

    if (!request.tools.empty()) {
        json.key(QLatin1String("tools")).beginArray();
        for (const Tool &tool : request.tools) {
            json.beginObject().key(QLatin1String("name")).string(tool.name);
            if (!tool.description.isEmpty())
                json.key(QLatin1String("description")).string(tool.description);
            json.key(QLatin1String("input_schema")).raw(QJsonDocument(tool.inputSchema).toJson(QJsonDocument::Compact));
            json.endObject();
        }
        json.endArray();
    }
    if (request.toolChoice) {
        const ToolChoice &choice = *request.toolChoice;
        json.key(QLatin1String("tool_choice")).beginObject().key(QLatin1String("type"));
        switch (choice.mode) {
        case ToolChoice::Mode::Auto: json.string(QLatin1String("auto")); break;
        case ToolChoice::Mode::Any: json.string(QLatin1String("any")); break;
        case ToolChoice::Mode::None: json.string(QLatin1String("none")); break;
        case ToolChoice::Mode::Tool:
            json.string(QLatin1String("tool")).key(QLatin1String("name")).string(choice.name);
            break;
        }
        if (choice.disableParallel && choice.mode != ToolChoice::Mode::None)
            json.key(QLatin1String("disable_parallel_tool_use")).boolean(true);
        json.endObject();
    }

    if (request.temperature)
        json.key(QLatin1String("temperature")).number(*request.temperature);
    if (request.topP)
        json.key(QLatin1String("top_p")).number(*request.topP);
    if (request.topK)
        json.key(QLatin1String("top_k")).number(qint64(*request.topK));
    if (!request.stopSequences.isEmpty())
        json.key(QLatin1String("stop_sequences")).strings(request.stopSequences);
    if (request.stream)
        json.key(QLatin1String("stream")).boolean(true);

    if (request.thinking.mode == ThinkingConfig::Mode::Enabled) {
        // Anthropic rejects budgets below 1024 tokens.
        json.key(QLatin1String("thinking")).beginObject().key(QLatin1String("type")).string(QLatin1String("enabled"));
        json.key(QLatin1String("budget_tokens")).number(qint64(std::max(1024, request.thinking.budgetTokens)));
        json.endObject();
    } else if (request.thinking.mode == ThinkingConfig::Mode::Adaptive) {
        json.key(QLatin1String("thinking")).beginObject().key(QLatin1String("type")).string(QLatin1String("adaptive"));
        json.endObject();
    }
    if (!request.userId.isEmpty()) {
        json.key(QLatin1String("metadata")).beginObject().key(QLatin1String("user_id")).string(request.userId);
        json.endObject();
    }
    json.endObject();
    return out;
}

} // namespace sb
