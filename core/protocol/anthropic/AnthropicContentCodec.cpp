#include "AnthropicContentCodec.h"

namespace sb {

namespace {

std::optional<ApiError> readString(const QJsonObject &object, const char *key, const FieldPath &parent, QString &out,
                                   bool required)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        if (required)
            return FieldPath(parent, key).missing();
        return std::nullopt;
    }
    if (!value.isString())
        return FieldPath(parent, key).wrongType("a string");
    out = value.toString();
    return std::nullopt;
}

std::optional<ApiError> decodeImage(const QJsonObject &block, const FieldPath &path, ContentPart &out)
{
    out.kind = ContentPart::Kind::Image;
    const FieldPath sourcePath(path, "source");
    const QJsonValue sourceValue = block.value(QLatin1String("source"));
    if (sourceValue.isUndefined())
        return sourcePath.missing();
    if (!sourceValue.isObject())
        return sourcePath.wrongType("an object");
    const QJsonObject source = sourceValue.toObject();
    const QString type = source.value(QLatin1String("type")).toString();
    if (type == QLatin1String("base64")) {
        if (auto error = readString(source, "media_type", sourcePath, out.mediaType, true))
            return error;
        return readString(source, "data", sourcePath, out.imageData, true);
    }
    if (type == QLatin1String("url"))
        return readString(source, "url", sourcePath, out.imageUrl, true);
    return FieldPath(sourcePath, "type").error(QStringLiteral("unsupported image source type \"%1\"").arg(type));
}

std::optional<ApiError> decodeToolResult(const QJsonObject &block, const FieldPath &path, ContentPart &out)
{
    out.kind = ContentPart::Kind::ToolResult;
    if (auto error = readString(block, "tool_use_id", path, out.toolId, true))
        return error;
    const QJsonValue isError = block.value(QLatin1String("is_error"));
    if (!isError.isUndefined() && !isError.isNull()) {
        if (!isError.isBool())
            return FieldPath(path, "is_error").wrongType("a boolean");
        out.isError = isError.toBool();
    }

    const FieldPath contentPath(path, "content");
    const QJsonValue content = block.value(QLatin1String("content"));
    if (content.isUndefined() || content.isNull())
        return std::nullopt;
    if (content.isString()) {
        out.resultParts.push_back(ContentPart::makeText(content.toString()));
        return std::nullopt;
    }
    if (!content.isArray())
        return contentPath.wrongType("a string or an array of content blocks");
    const QJsonArray blocks = content.toArray();
    out.resultParts.reserve(size_t(blocks.size()));
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const FieldPath blockPath(contentPath, i);
        if (!blocks.at(i).isObject())
            return blockPath.wrongType("an object");
        const QJsonObject inner = blocks.at(i).toObject();
        const QString type = inner.value(QLatin1String("type")).toString();
        ContentPart part;
        if (type == QLatin1String("text")) {
            if (auto error = readString(inner, "text", blockPath, part.text, true))
                return error;
        } else if (type == QLatin1String("image")) {
            if (auto error = decodeImage(inner, blockPath, part))
                return error;
        } else if (type == QLatin1String("tool_reference")) {
            // ToolSearch answers with references to deferred tools; upstreams without tool
            // search only need to know which tool became available.
            part.text = QStringLiteral("Tool available: ") + inner.value(QLatin1String("tool_name")).toString();
        } else {
            return blockPath.error(QStringLiteral("unsupported content block type \"%1\" in a tool_result").arg(type));
        }
        out.resultParts.push_back(std::move(part));
    }
    return std::nullopt;
}

} // namespace

std::optional<ApiError> AnthropicContentCodec::decodeContent(const QJsonValue &content, const FieldPath &path,
                                                             std::vector<ContentPart> &out)
{
    if (content.isString()) {
        out.push_back(ContentPart::makeText(content.toString()));
        return std::nullopt;
    }
    if (content.isUndefined() || content.isNull())
        return path.missing();
    if (!content.isArray())
        return path.wrongType("a string or an array of content blocks");
    const QJsonArray blocks = content.toArray();
    out.reserve(out.size() + size_t(blocks.size()));
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const FieldPath blockPath(path, i);
        if (!blocks.at(i).isObject())
            return blockPath.wrongType("an object");
        ContentPart part;
        if (auto error = decodeBlock(blocks.at(i).toObject(), blockPath, part))
            return error;
        out.push_back(std::move(part));
    }
    return std::nullopt;
}

std::optional<ApiError> AnthropicContentCodec::decodeBlock(const QJsonObject &block, const FieldPath &path,
                                                           ContentPart &out)
{
    const QJsonValue typeValue = block.value(QLatin1String("type"));
    if (!typeValue.isString())
        return FieldPath(path, "type").missing();
    const QString type = typeValue.toString();

    if (type == QLatin1String("text")) {
        out.kind = ContentPart::Kind::Text;
        return readString(block, "text", path, out.text, true);
    }
    if (type == QLatin1String("tool_use")) {
        out.kind = ContentPart::Kind::ToolUse;
        if (auto error = readString(block, "id", path, out.toolId, true))
            return error;
        if (auto error = readString(block, "name", path, out.toolName, true))
            return error;
        const QJsonValue input = block.value(QLatin1String("input"));
        if (input.isUndefined() || input.isNull())
            return std::nullopt;
        if (!input.isObject())
            return FieldPath(path, "input").wrongType("an object");
        out.toolInput = input.toObject();
        return std::nullopt;
    }
    if (type == QLatin1String("tool_result"))
        return decodeToolResult(block, path, out);
    if (type == QLatin1String("image"))
        return decodeImage(block, path, out);
    if (type == QLatin1String("thinking")) {
        out.kind = ContentPart::Kind::Thinking;
        if (auto error = readString(block, "thinking", path, out.text, true))
            return error;
        return readString(block, "signature", path, out.signature, false);
    }
    if (type == QLatin1String("redacted_thinking")) {
        out.kind = ContentPart::Kind::RedactedThinking;
        return readString(block, "data", path, out.redactedData, true);
    }
    return path.error(QStringLiteral("unknown content block type \"%1\"").arg(type));
}

QJsonObject AnthropicContentCodec::encodePart(const ContentPart &part)
{
    QJsonObject block;
    switch (part.kind) {
    case ContentPart::Kind::Text:
        block.insert(QLatin1String("type"), QLatin1String("text"));
        block.insert(QLatin1String("text"), part.text);
        break;
    case ContentPart::Kind::Image: {
        QJsonObject source;
        if (!part.imageUrl.isEmpty()) {
            source.insert(QLatin1String("type"), QLatin1String("url"));
            source.insert(QLatin1String("url"), part.imageUrl);
        } else {
            source.insert(QLatin1String("type"), QLatin1String("base64"));
            source.insert(QLatin1String("media_type"), part.mediaType);
            source.insert(QLatin1String("data"), part.imageData);
        }
        block.insert(QLatin1String("type"), QLatin1String("image"));
        block.insert(QLatin1String("source"), source);
        break;
    }
    case ContentPart::Kind::ToolUse:
        block.insert(QLatin1String("type"), QLatin1String("tool_use"));
        block.insert(QLatin1String("id"), part.toolId);
        block.insert(QLatin1String("name"), part.toolName);
        block.insert(QLatin1String("input"), part.toolInput);
        break;
    case ContentPart::Kind::ToolResult:
        block.insert(QLatin1String("type"), QLatin1String("tool_result"));
        block.insert(QLatin1String("tool_use_id"), part.toolId);
        if (part.resultParts.size() == 1 && part.resultParts.front().kind == ContentPart::Kind::Text)
            block.insert(QLatin1String("content"), part.resultParts.front().text);
        else
            block.insert(QLatin1String("content"), encodeParts(part.resultParts));
        if (part.isError)
            block.insert(QLatin1String("is_error"), true);
        break;
    case ContentPart::Kind::Thinking:
        block.insert(QLatin1String("type"), QLatin1String("thinking"));
        block.insert(QLatin1String("thinking"), part.text);
        block.insert(QLatin1String("signature"), part.signature);
        break;
    case ContentPart::Kind::RedactedThinking:
        block.insert(QLatin1String("type"), QLatin1String("redacted_thinking"));
        block.insert(QLatin1String("data"), part.redactedData);
        break;
    }
    return block;
}

QJsonArray AnthropicContentCodec::encodeParts(const std::vector<ContentPart> &parts)
{
    QJsonArray blocks;
    for (const ContentPart &part : parts)
        blocks.append(encodePart(part));
    return blocks;
}

} // namespace sb
