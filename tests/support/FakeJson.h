#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

class QJsonObject;

namespace sb::test {

// Writes one JSON object with its keys in the order they are added. The fakes need that:
// real servers emit fields in a fixed order ("type" first for Anthropic, "model" first for
// Ollama), and QJsonObject would sort them alphabetically.
class FakeJson final
{
public:
    FakeJson &str(const char *key, const QString &value);
    FakeJson &str(const char *key, const QByteArray &utf8);
    FakeJson &num(const char *key, qint64 value);
    FakeJson &boolean(const char *key, bool value);
    FakeJson &null(const char *key);
    FakeJson &raw(const char *key, const QByteArray &json);
    FakeJson &obj(const char *key, const FakeJson &value);

    QByteArray bytes() const;

    // A JSON string literal, quoted, with non-ASCII characters kept as raw UTF-8.
    static QByteArray quote(const QString &value);
    static QByteArray quote(const QByteArray &utf8);
    // "[a,b,c]" from already-serialised elements.
    static QByteArray array(const QList<QByteArray> &elements);
    static QByteArray compact(const QJsonObject &object);

private:
    void key(const char *key);

    QByteArray m_body;
};

} // namespace sb::test
