#include "FakeJson.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sb::test {

void FakeJson::key(const char *key)
{
    if (!m_body.isEmpty())
        m_body += ',';
    m_body += '"';
    m_body += key;
    m_body += "\":";
}

FakeJson &FakeJson::str(const char *k, const QString &value)
{
    key(k);
    m_body += quote(value);
    return *this;
}

FakeJson &FakeJson::str(const char *k, const QByteArray &utf8)
{
    key(k);
    m_body += quote(utf8);
    return *this;
}

FakeJson &FakeJson::num(const char *k, qint64 value)
{
    key(k);
    m_body += QByteArray::number(value);
    return *this;
}

FakeJson &FakeJson::boolean(const char *k, bool value)
{
    key(k);
    m_body += value ? "true" : "false";
    return *this;
}

FakeJson &FakeJson::null(const char *k)
{
    key(k);
    m_body += "null";
    return *this;
}

FakeJson &FakeJson::raw(const char *k, const QByteArray &json)
{
    key(k);
    m_body += json;
    return *this;
}

FakeJson &FakeJson::obj(const char *k, const FakeJson &value)
{
    key(k);
    m_body += value.bytes();
    return *this;
}

QByteArray FakeJson::bytes() const
{
    return '{' + m_body + '}';
}

QByteArray FakeJson::quote(const QString &value)
{
    return quote(value.toUtf8());
}

QByteArray FakeJson::quote(const QByteArray &utf8)
{
    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

QByteArray FakeJson::array(const QList<QByteArray> &elements)
{
    QByteArray out = "[";
    for (qsizetype i = 0; i < elements.size(); ++i) {
        if (i > 0)
            out += ',';
        out += elements.at(i);
    }
    out += ']';
    return out;
}

QByteArray FakeJson::compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace sb::test
