#include "JsonWriter.h"

#include <QLocale>

#include <cmath>

namespace sb {

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_firstInScope.empty()) {
        if (!m_firstInScope.back())
            m_out.append(',');
        m_firstInScope.back() = false;
    }
}

JsonWriter &JsonWriter::open(char bracket)
{
    beforeValue();
    m_out.append(bracket);
    m_firstInScope.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::close(char bracket)
{
    m_out.append(bracket);
    m_firstInScope.pop_back();
    return *this;
}

JsonWriter &JsonWriter::key(QLatin1String name)
{
    beforeValue();
    m_out.append('"');
    m_out.append(name.data(), name.size());
    m_out.append("\":", 2);
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::string(const QString &text)
{
    beforeValue();
    JsonStringWriter::append(m_out, text);
    return *this;
}

JsonWriter &JsonWriter::string(QLatin1String text)
{
    return string(QString(text));
}

JsonWriter &JsonWriter::strings(const QStringList &items)
{
    beginArray();
    for (const QString &item : items)
        string(item);
    return endArray();
}

JsonWriter &JsonWriter::number(qint64 value)
{
    beforeValue();
    JsonStringWriter::appendNumber(m_out, value);
    return *this;
}

JsonWriter &JsonWriter::number(double value)
{
    beforeValue();
    if (!std::isfinite(value))
        m_out.append("null", 4);
    else
        m_out.append(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
    return *this;
}

JsonWriter &JsonWriter::boolean(bool value)
{
    beforeValue();
    if (value)
        m_out.append("true", 4);
    else
        m_out.append("false", 5);
    return *this;
}

JsonWriter &JsonWriter::null()
{
    beforeValue();
    m_out.append("null", 4);
    return *this;
}

JsonWriter &JsonWriter::raw(const QByteArray &json)
{
    beforeValue();
    m_out.append(json);
    return *this;
}

} // namespace sb
