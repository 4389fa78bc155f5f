#pragma once

#include <QString>

namespace sb {

// An error message can quote an upstream's answer or a request header, and with them a key or
// a token. What the usage room keeps of it (the spend log, the ring behind GET /logs) goes
// through here first, so it still says what went wrong but never holds the secret.
namespace secret_redaction {

// The longest error message kept, in UTF-16 units: an upstream that answers a failure with a
// megabyte of HTML must not grow the spend log by as much.
constexpr qsizetype kMaxErrorMessage = 500;

// `text` with "…" in place of every API key or token: "sk-…" keys (OpenAI; Anthropic's
// "sk-ant-…"), the gateway's own "sb-…" tokens, and what follows "Bearer ", "x-api-key:" or
// "api_key=". The marker before the secret stays, so the text still says which kind it was.
// Never longer than `text`.
QString redactSecrets(const QString &text);

// `message` as the usage room keeps it: secrets masked, then cut to kMaxErrorMessage units
// (ending in "…" when cut). Null stays null, empty stays empty.
QString storedErrorMessage(const QString &message);

} // namespace secret_redaction
} // namespace sb
