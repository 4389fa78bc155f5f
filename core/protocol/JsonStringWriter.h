#pragma once

#include <QByteArray>
#include <QString>

namespace sb {

// Writes JSON string literals straight into a byte buffer, for the stream encoders' hot path
// where building a QJsonDocument per event would cost more than the event itself.
class JsonStringWriter final
{
public:
    // Appends `text` as a quoted, escaped JSON string in UTF-8. Lone surrogates become U+FFFD.
    static void append(QByteArray &out, const QString &text);
    // Appends `text` unquoted but escaped, for callers that build a string from pieces.
    static void appendEscaped(QByteArray &out, const QString &text);
};

} // namespace sb
