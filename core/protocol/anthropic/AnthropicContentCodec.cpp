#include "AnthropicContentCodec.h"

#include <QJsonDocument>

namespace sb {

namespace {

Expected<void, ApiError> readString(const QJsonObject &object, const char *key, const FieldPath &parent, QString &out,
                                    bool required)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        if (required)
            return unexpected(FieldPath(parent, key).missing());
        return {};
    }
    if (!value.isString())
        return unexpected(FieldPath(parent, key).wrongType("a string"));
    out = value.toString();
    return {};
}

Expected<void, ApiError> decodeImage(const QJsonObject &block, const FieldPath &path, ContentPart &out)
{
    out.kind = ContentPart::Kind::Image;
    const FieldPath sourcePath(path, "source");
    const QJsonValue sourceValue = block.value(QLatin1String("source"));
    if (sourceValue.isUndefined())
        return unexpected(sourcePath.missing());
    if (!sourceValue.isObject())
        return unexpected(sourcePath.wrongType("an object"));
    const QJsonObject source = sourceValue.toObject();
    const QString type = source.value(QLatin1String("type")).toString();
    if (type == QLatin1String("base64")) {
        if (auto error = readString(source, "media_type", sourcePath, out.mediaType, true); !error.hasValue())
            return error;
        return readString(source, "data", sourcePath, out.imageData, true);
    }
    if (type == QLatin1String("url"))
        return readString(source, "url", sourcePath, out.imageUrl, true);
    return unexpected(
        FieldPath(sourcePath, "type").error(QStringLiteral("unsupported image source type \"%1\"").arg(type)));
}

Expected<void, ApiError> decodeToolResult(const QJsonObject &block, const FieldPath &path, ContentPart &out)
{
    out.kind = ContentPart::Kind::ToolResult;
    if (auto error = readString(block, "tool_use_id", path, out.toolId, true); !error.hasValue())
        return error;
    const QJsonValue isError = block.value(QLatin1String("is_error"));
    if (!isError.isUndefined() && !isError.isNull()) {
        if (!isError.isBool())
            return unexpected(FieldPath(path, "is_error").wrongType("a boolean"));
        out.isError = isError.toBool();
    }

    const FieldPath contentPath(path, "content");
    const QJsonValue content = block.value(QLatin1String("content"));
    if (content.isUndefined() || content.isNull())
        return {};
    if (content.isString()) {
        out.resultParts.push_back(ContentPart::makeText(content.toString()));
        return {};
    }
    if (!content.isArray())
        return unexpected(contentPath.wrongType("a string or an array of content blocks"));
    const QJsonArray blocks = content.toArray();
    out.resultParts.reserve(size_t(blocks.size()));
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const FieldPath blockPath(contentPath, i);
        if (!blocks.at(i).isObject())
            return unexpected(blockPath.wrongType("an object"));
        const QJsonObject inner = blocks.at(i).toObject();
        const QString type = inner.value(QLatin1String("type")).toString();
        ContentPart part;
        if (type == QLatin1String("text")) {
            if (auto error = readString(inner, "text", blockPath, part.text, true); !error.hasValue())
                return error;
        } else if (type == QLatin1String("image")) {
            if (auto error = decodeImage(inner, blockPath, part); !error.hasValue())
                return error;
        } else if (type == QLatin1String("tool_reference")) {
            // ToolSearch answers with references to deferred tools; upstreams without tool
            // search only need to know which tool became available.
            part.text = QStringLiteral("Tool available: ") + inner.value(QLatin1String("tool_name")).toString();
        } else {
            return unexpected(
                blockPath.error(QStringLiteral("unsupported content block type \"%1\" in a tool_result").arg(type)));
        }
        out.resultParts.push_back(std::move(part));
    }
    return {};
}

} // namespace

Expected<void, ApiError> AnthropicContentCodec::decodeContent(const QJsonValue &content, const FieldPath &path,
                                                              std::vector<ContentPart> &out)
{
    if (content.isString()) {
        out.push_back(ContentPart::makeText(content.toString()));
        return {};
    }
    if (content.isUndefined() || content.isNull())
        return unexpected(path.missing());
    if (!content.isArray())
        return unexpected(path.wrongType("a string or an array of content blocks"));
    const QJsonArray blocks = content.toArray();
    out.reserve(out.size() + size_t(blocks.size()));
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const FieldPath blockPath(path, i);
        if (!blocks.at(i).isObject())
            return unexpected(blockPath.wrongType("an object"));
        ContentPart part;
        if (auto error = decodeBlock(blocks.at(i).toObject(), blockPath, part); !error.hasValue())
            return error;
        out.push_back(std::move(part));
    }
    return {};
}

Expected<void, ApiError> AnthropicContentCodec::decodeBlock(const QJsonObject &block, const FieldPath &path,
                                                            ContentPart &out)
{
    const QJsonValue typeValue = block.value(QLatin1String("type"));
    if (!typeValue.isString())
        return unexpected(FieldPath(path, "type").missing());
    const QString type = typeValue.toString();

    if (type == QLatin1String("text")) {
        out.kind = ContentPart::Kind::Text;
        return readString(block, "text", path, out.text, true);
    }
    if (type == QLatin1String("tool_use")) {
        out.kind = ContentPart::Kind::ToolUse;
        if (auto error = readString(block, "id", path, out.toolId, true); !error.hasValue())
            return error;
        if (auto error = readString(block, "name", path, out.toolName, true); !error.hasValue())
            return error;
        const QJsonValue input = block.value(QLatin1String("input"));
        if (input.isUndefined() || input.isNull())
            return {};
        if (!input.isObject())
            return unexpected(FieldPath(path, "input").wrongType("an object"));
        out.toolInput = input.toObject();
        return {};
    }
    if (type == QLatin1String("tool_result"))
        return decodeToolResult(block, path, out);
    if (type == QLatin1String("image"))
        return decodeImage(block, path, out);
    if (type == QLatin1String("thinking")) {
        out.kind = ContentPart::Kind::Thinking;
        if (auto error = readString(block, "thinking", path, out.text, true); !error.hasValue())
            return error;
        return readString(block, "signature", path, out.signature, false);
    }
    if (type == QLatin1String("redacted_thinking")) {
        out.kind = ContentPart::Kind::RedactedThinking;
        return readString(block, "data", path, out.redactedData, true);
    }
    return unexpected(path.error(QStringLiteral("unknown content block type \"%1\"").arg(type)));
}

void AnthropicContentCodec::writePart(JsonWriter &json, const ContentPart &part)
{
    const QLatin1String type("type");
    json.beginObject();
    switch (part.kind) {
    case ContentPart::Kind::Text:
        json.key(type).string(QLatin1String("text")).key(QLatin1String("text")).string(part.text);
        break;
    case ContentPart::Kind::Image:
        json.key(type).string(QLatin1String("image")).key(QLatin1String("source")).beginObject();
        if (!part.imageUrl.isEmpty()) {
            json.key(type).string(QLatin1String("url")).key(QLatin1String("url")).string(part.imageUrl);
        } else {
            json.key(type).string(QLatin1String("base64"));
            json.key(QLatin1String("media_type")).string(part.mediaType);
            json.key(QLatin1String("data")).string(part.imageData);
        }
        json.endObject();
        break;
    case ContentPart::Kind::ToolUse:
        json.key(type).string(QLatin1String("tool_use")).key(QLatin1String("id")).string(part.toolId);
        json.key(QLatin1String("name")).string(part.toolName);
        json.key(QLatin1String("input")).raw(QJsonDocument(part.toolInput).toJson(QJsonDocument::Compact));
        break;
    case ContentPart::Kind::ToolResult:
        json.key(type).string(QLatin1String("tool_result")).key(QLatin1String("tool_use_id")).string(part.toolId);
        json.key(QLatin1String("content"));
        if (part.resultParts.size() == 1 && part.resultParts.front().kind == ContentPart::Kind::Text)
            json.string(part.resultParts.front().text);
        else
            writeParts(json, part.resultParts);
        if (part.isError)
            json.key(QLatin1String("is_error")).boolean(true);
        break;
    case ContentPart::Kind::Thinking:
        json.key(type).string(QLatin1String("thinking")).key(QLatin1String("thinking")).string(part.text);
        json.key(QLatin1String("signature")).string(part.signature);
        break;
    case ContentPart::Kind::RedactedThinking:
        json.key(type).string(QLatin1String("redacted_thinking")).key(QLatin1String("data")).string(part.redactedData);
        break;
    }
    json.endObject();
}

void AnthropicContentCodec::writeParts(JsonWriter &json, const std::vector<ContentPart> &parts)
{
    json.beginArray();
    for (const ContentPart &part : parts)
        writePart(json, part);
    json.endArray();
}

} // namespace sb
