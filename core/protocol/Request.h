#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace sb {

// One piece of a message's content, in the canonical model every codec decodes to and
// encodes from. Only the fields of its kind are meaningful.
struct ContentPart
{
    enum class Kind { Text, Image, ToolUse, ToolResult, Thinking, RedactedThinking };

    Kind kind = Kind::Text;
    QString text;                         // Text; Thinking (the reasoning text)
    QString signature;                    // Thinking: opaque signature from Anthropic (kept for round trips)
    QString mediaType;                    // Image: "image/png" …
    QString imageData;                    // Image: base64 payload (kept encoded; codecs only move it)
    QString imageUrl;                     // Image: a URL source instead of base64
    QString toolId;                       // ToolUse: its id; ToolResult: the tool_use_id it answers
    QString toolName;                     // ToolUse
    QJsonObject toolInput;                // ToolUse: the parsed arguments
    std::vector<ContentPart> resultParts; // ToolResult: its content (text and image parts)
    bool isError = false;                 // ToolResult
    QString redactedData;                 // RedactedThinking: opaque data

    static ContentPart makeText(const QString &text);
    static ContentPart makeThinking(const QString &text, const QString &signature = {});
    static ContentPart makeToolUse(const QString &id, const QString &name, const QJsonObject &input);
    static ContentPart makeToolResult(const QString &toolUseId, const QString &text, bool isError);

    // The plain text of a ToolResult (its text parts joined by "\n").
    QString resultText() const;
    // A Text part holding Claude Code's per-request "x-anthropic-billing-header:" line. Its
    // suffix changes every request, so translators to local upstreams drop it to keep their
    // prompt prefix cacheable.
    bool isBillingHeader() const;
};

// The text parts of `parts` joined by blank lines; optionally without Claude Code's billing
// line, which changes every request and only defeats an upstream's prompt cache.
QString joinedText(const std::vector<ContentPart> &parts, bool skipBillingHeader = false);

struct Message
{
    // System entries inside `messages` are legal in Claude Code's requests; they keep their
    // place in the conversation.
    enum class Role { User, Assistant, System };

    Role role = Role::User;
    std::vector<ContentPart> content;
};

struct Tool
{
    QString name;
    QString description;
    QJsonObject inputSchema;
};

struct ToolChoice
{
    enum class Mode { Auto, Any, Tool, None };
    Mode mode = Mode::Auto;
    QString name;                 // Mode::Tool
    bool disableParallel = false; // Anthropic disable_parallel_tool_use / OpenAI parallel_tool_calls=false
};

struct ThinkingConfig
{
    enum class Mode { Off, Enabled, Adaptive };
    Mode mode = Mode::Off;
    int budgetTokens = 0;
};

// The canonical request: what the client asked for, independent of dialect.
struct Request
{
    QString model;
    std::vector<ContentPart> system; // text parts of the top-level system prompt, in order
    std::vector<Message> messages;
    std::vector<Tool> tools;
    std::optional<ToolChoice> toolChoice;
    int maxTokens = 0; // 0: not given
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<int> topK;
    QStringList stopSequences;
    bool stream = false;
    bool includeUsage = false; // OpenAI clients: stream_options.include_usage
    ThinkingConfig thinking;
    QString userId; // metadata.user_id (Anthropic) / user (OpenAI)

    // The whole system prompt as one string: top-level parts joined by "\n\n".
    QString systemText() const;
    // Whether a role:system entry stands inside `messages` (Claude Code sends some).
    bool hasSystemEntries() const;
};

// Moves each role:system entry of `messages` into the adjacent user turn: the next one (after
// its tool results, which must stay first), else the previous one; with no user turn at all it
// becomes one. The chat templates of many local models (Mistral, Llama on vLLM) refuse a
// system message that is not the first.
void foldSystemEntriesIntoUserTurns(Request &request);

} // namespace sb
