#pragma once

#include "Expected.h"

#include "protocol/ApiError.h"
#include "protocol/Request.h"

#include <QJsonObject>

#include <optional>

namespace sb {

struct OpenAiEncodeOptions
{
    int maxTokensCap = 0; // > 0: the deployment's output limit; max_tokens never exceeds it
};

// OpenAI chat-completions request bodies ⇄ the canonical Request.
class OpenAiRequestCodec final
{
public:
    // A client's /v1/chat/completions body → canonical. Leading system/developer messages
    // become the system prompt, later ones stay in place; consecutive tool messages become
    // one user message of tool_results. Errors are 400s naming the field path.
    static Expected<void, ApiError> decode(const QJsonObject &body, Request &out);
    // Canonical → an upstream body (vLLM, LM Studio, llama.cpp, OpenAI). Claude Code's
    // per-request billing line is dropped so local prefix caches keep hitting; thinking in
    // the history is dropped (these servers cannot verify it); top_k is not sent.
    // The body as compact JSON bytes, written straight from the canonical Request (what
    // goes upstream); encode() is the same body parsed, for callers that inspect it.
    static QByteArray encodeBytes(const Request &request, const OpenAiEncodeOptions &options = {});
    static QJsonObject encode(const Request &request, const OpenAiEncodeOptions &options = {});
};

} // namespace sb
