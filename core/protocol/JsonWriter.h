#pragma once

#include "JsonStringWriter.h"

#include <QByteArray>
#include <QLatin1String>
#include <QString>
#include <QStringList>

#include <vector>

namespace sb {

// Writes compact JSON straight into a byte buffer: values, objects and arrays in the order
// they are written, with the commas and colons between them. For bodies on the request path,
// where building a QJsonObject and then serializing it cost more than the bytes themselves.
// The caller writes a well-formed sequence (a key before every value inside an object).
class JsonWriter final
{
public:
    explicit JsonWriter(QByteArray &out) : m_out(out) {}

    JsonWriter &beginObject() { return open('{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray() { return open('['); }
    JsonWriter &endArray() { return close(']'); }
    // An object key; `name` needs no escaping (ASCII letters, digits, '_').
    JsonWriter &key(QLatin1String name);
    JsonWriter &string(const QString &text);
    JsonWriter &string(QLatin1String text);
    // An array of strings.
    JsonWriter &strings(const QStringList &items);
    JsonWriter &number(qint64 value);
    // Shortest round-trip form, as QJsonDocument writes it; NaN and infinities as null.
    JsonWriter &number(double value);
    JsonWriter &boolean(bool value);
    JsonWriter &null();
    // A value that is already JSON text (e.g. a schema serialized once), copied as it is.
    JsonWriter &raw(const QByteArray &json);

private:
    void beforeValue();
    JsonWriter &open(char bracket);
    JsonWriter &close(char bracket);

    QByteArray &m_out;
    std::vector<bool> m_firstInScope; // per open object/array: nothing written in it yet
    bool m_afterKey = false;
};

} // namespace sb
