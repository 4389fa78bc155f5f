#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace sb {

// Rewrites the text of a JSON object file so it holds `target`, changing only what differs:
// every member whose value is unchanged keeps its bytes (numbers Qt would reformat — 2^53+1,
// `1.0`, `-0`, `1e3` — string escapes, key order, whitespace), members that changed get new
// text, and an object only gets its separators rewritten when a member is added or removed.
// Pure: bytes in, bytes out. Fails (and the caller writes the whole object as before) when
// the text is not one JSON object, holds a duplicate key, or the result would not read back
// as `target`.
class JsonTextEdit final
{
public:
    static Expected<QByteArray, QString> rewrite(const QByteArray &original, const QJsonObject &target);
};

} // namespace sb
