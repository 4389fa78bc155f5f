#pragma once

#include "Expected.h"

#include "protocol/FieldPath.h"
#include "protocol/JsonWriter.h"
#include "protocol/Request.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>
#include <vector>

namespace sb {

// Anthropic content blocks ⇄ canonical content parts, shared by the request and response
// codecs. cache_control and other per-block extras are accepted and not kept.
class AnthropicContentCodec final
{
public:
    // `content` is a string (one text part) or an array of blocks.
    static Expected<void, ApiError> decodeContent(const QJsonValue &content, const FieldPath &path,
                                                  std::vector<ContentPart> &out);
    static Expected<void, ApiError> decodeBlock(const QJsonObject &block, const FieldPath &path, ContentPart &out);
    // One part as a block, and parts as an array of blocks, written straight to bytes.
    static void writePart(JsonWriter &json, const ContentPart &part);
    static void writeParts(JsonWriter &json, const std::vector<ContentPart> &parts);
};

} // namespace sb
