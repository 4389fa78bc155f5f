#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

namespace sb {

// Edits of a YAML text that touch only the characters of what changes, so comments, key order,
// quoting and every key Switchboard does not know stay byte for byte. Paths may step into
// lists: "model_list[1].litellm_params.api_base". No loading, no files: ConfigEditor::commitText
// checks and writes the result.
class YamlTextEdit final
{
public:
    // The scalar at `keyPath` replaced (the user's quoting kept), or added with the parents
    // missing under the deepest mapping that exists.
    static Expected<QByteArray, QString> setScalar(const QByteArray &yaml, const QString &keyPath,
                                                   const QVariant &value);
    // The line of the one-line `key: value` at `keyPath` removed; a key that is not there
    // changes nothing.
    static Expected<QByteArray, QString> removeKey(const QByteArray &yaml, const QString &keyPath);
    // Spaces before a line's first character; whether a line holds YAML (not blank, not a comment).
    static int indentOf(const QByteArray &line);
    static bool isContentLine(const QByteArray &line);
    // A YAML scalar for `value`: numbers and booleans bare, strings bare when safe, else quoted.
    static QString scalarText(const QVariant &value);
};

} // namespace sb
