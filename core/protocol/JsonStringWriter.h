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
    // Appends a compile-time JSON fragment (keys, punctuation) without measuring it.
    template<qsizetype N> static void appendLiteral(QByteArray &out, const char (&text)[N]) { out.append(text, N - 1); }
    // Appends an integer in decimal, without a temporary string.
    static void appendNumber(QByteArray &out, qint64 value);
};

} // namespace sb
