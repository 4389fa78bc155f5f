#include "JsonSplice.h"

#include "JsonStringWriter.h"

#include <cstring>

#include <vector>

namespace sb {

namespace {

constexpr qsizetype kMaxKeys = 64;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Walks valid JSON text without building anything. Strings are crossed with memchr (the
// bulk of a Claude Code body is prompt text), so the scan costs far less than a parse.
class Scanner
{
public:
    explicit Scanner(const QByteArray &text) : m_begin(text.constData()), m_at(m_begin), m_end(m_begin + text.size()) {}

    qsizetype position() const { return m_at - m_begin; }
    bool atEnd() const { return m_at >= m_end; }
    void skipSpace()
    {
        while (m_at < m_end && isSpace(*m_at))
            ++m_at;
    }
    bool take(char c)
    {
        if (m_at >= m_end || *m_at != c)
            return false;
        ++m_at;
        return true;
    }
    // A string from its opening quote; `escaped` says whether it held a backslash.
    bool skipString(bool *escaped = nullptr)
    {
        if (!take('"'))
            return false;
        const char *end = closingQuote(m_at, m_end);
        if (!end)
            return false;
        if (escaped)
            *escaped = std::memchr(m_at, '\\', size_t(end - m_at)) != nullptr;
        m_at = end + 1;
        return true;
    }
    // Any value: a string, an object or array (brackets counted, strings crossed), or a
    // number or literal (up to the next delimiter).
    bool skipValue()
    {
        if (m_at >= m_end)
            return false;
        const char first = *m_at;
        if (first == '"')
            return skipString();
        if (first == '{' || first == '[') {
            const char *p = m_at;
            const char *const end = m_end;
            qsizetype depth = 0;
            while (p < end) {
                const char c = *p;
                if (c == '"') {
                    p = closingQuote(p + 1, end);
                    if (!p)
                        return false;
                } else if (c == '{' || c == '[') {
                    ++depth;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    m_at = p + 1;
                    return true;
                }
                ++p;
            }
            return false;
        }
        const char *start = m_at;
        while (m_at < m_end && *m_at != ',' && *m_at != '}' && *m_at != ']' && !isSpace(*m_at))
            ++m_at;
        return m_at > start;
    }

private:
    // The quote that ends the string whose text starts at `from`: the first one not escaped,
    // i.e. not preceded by an odd run of backslashes.
    static const char *closingQuote(const char *from, const char *end)
    {
        const char *p = from;
        while (p < end) {
            const char *quote = static_cast<const char *>(std::memchr(p, '"', size_t(end - p)));
            if (!quote)
                return nullptr;
            qsizetype backslashes = 0;
            for (const char *b = quote; b > from && b[-1] == '\\'; --b)
                ++backslashes;
            if (backslashes % 2 == 0)
                return quote;
            p = quote + 1;
        }
        return nullptr;
    }

    const char *m_begin;
    const char *m_at;
    const char *m_end;
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
            // than Qt did; the general path keeps one. Requests have a dozen top-level keys;
            // past kMaxKeys the pairwise check would cost more than a parse, so the general
            // path takes those too.
            if (qsizetype(keys.size()) >= kMaxKeys)
                return std::nullopt;
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
