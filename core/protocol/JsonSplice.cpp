#include "JsonSplice.h"

#include "JsonStringWriter.h"

#include <vector>

namespace sb {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class Scanner
{
public:
    explicit Scanner(const QByteArray &text) : m_data(text.constData()), m_size(text.size()) {}

    qsizetype position() const { return m_at; }
    bool atEnd() const { return m_at >= m_size; }
    char peek() const { return m_at < m_size ? m_data[m_at] : '\0'; }
    void skipSpace()
    {
        while (m_at < m_size && isSpace(m_data[m_at]))
            ++m_at;
    }
    bool take(char c)
    {
        if (peek() != c)
            return false;
        ++m_at;
        return true;
    }
    // A string from its opening quote; `escaped` says whether it held a backslash.
    bool skipString(bool *escaped = nullptr)
    {
        if (!take('"'))
            return false;
        while (m_at < m_size) {
            const char c = m_data[m_at++];
            if (c == '"')
                return true;
            if (c == '\\') {
                if (escaped)
                    *escaped = true;
                ++m_at; // the escaped character (a \u's digits are plain characters)
            }
        }
        return false;
    }
    // Any value: a string, an object or array (brackets counted, strings skipped), or a
    // number or literal (up to the next delimiter).
    bool skipValue()
    {
        const char first = peek();
        if (first == '"')
            return skipString();
        if (first == '{' || first == '[') {
            qsizetype depth = 0;
            while (m_at < m_size) {
                const char c = m_data[m_at];
                if (c == '"') {
                    if (!skipString())
                        return false;
                    continue;
                }
                ++m_at;
                if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0)
                        return true;
                }
            }
            return false;
        }
        const qsizetype start = m_at;
        while (m_at < m_size) {
            const char c = m_data[m_at];
            if (c == ',' || c == '}' || c == ']' || isSpace(c))
                break;
            ++m_at;
        }
        return m_at > start;
    }

private:
    const char *m_data;
    qsizetype m_size;
    qsizetype m_at = 0;
};

} // namespace

std::optional<QByteArray> withTopLevelString(const QByteArray &object, QLatin1String key, const QString &value)
{
    Scanner scan(object);
    qsizetype valueStart = -1; // [valueStart, valueEnd): the value replaced
    qsizetype valueEnd = -1;
    std::vector<QByteArrayView> keys;
    scan.skipSpace();
    if (!scan.take('{'))
        return std::nullopt;
    scan.skipSpace();
    if (!scan.take('}')) {
        for (;;) {
            scan.skipSpace();
            const qsizetype keyStart = scan.position();
            bool escaped = false;
            if (!scan.skipString(&escaped))
                return std::nullopt;
            if (escaped)
                return std::nullopt; // the key would have to be decoded to be compared
            const QByteArrayView name(object.constData() + keyStart + 1, scan.position() - keyStart - 2);
            // A repeated key would reach the upstream twice, and it may read the other copy
            // than Qt did; the general path keeps one.
            for (const QByteArrayView &seen : keys) {
                if (seen == name)
                    return std::nullopt;
            }
            keys.push_back(name);
            const bool wanted = name == QByteArrayView(key.data(), key.size());
            scan.skipSpace();
            if (!scan.take(':'))
                return std::nullopt;
            scan.skipSpace();
            const qsizetype start = scan.position();
            if (!scan.skipValue())
                return std::nullopt;
            if (wanted) {
                valueStart = start;
                valueEnd = scan.position();
            }
            scan.skipSpace();
            if (scan.take(','))
                continue;
            if (scan.take('}'))
                break;
            return std::nullopt;
        }
    }
    scan.skipSpace();
    if (!scan.atEnd() || valueStart < 0)
        return std::nullopt;

    QByteArray out;
    out.reserve(object.size() + value.size() + 16);
    out.append(object.constData(), valueStart);
    JsonStringWriter::append(out, value);
    out.append(object.constData() + valueEnd, object.size() - valueEnd);
    return out;
}

} // namespace sb
