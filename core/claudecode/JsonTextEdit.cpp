#include "JsonTextEdit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <memory>
#include <vector>

namespace sb {

namespace {

// A value's place in the text; an object also knows its members' places.
struct Span
{
    qsizetype begin = 0;
    qsizetype end = 0; // one past the value's last byte
    bool isObject = false;
    struct Member
    {
        QString key;
        qsizetype begin = 0; // the key's opening quote
        qsizetype end = 0;   // one past the value
        std::unique_ptr<Span> value;
    };
    std::vector<Member> members;
    bool duplicateKeys = false;
};

class Scanner
{
public:
    explicit Scanner(const QByteArray &text) : m_text(text) {}

    std::unique_ptr<Span> document()
    {
        skipSpace();
        auto root = value(0);
        skipSpace();
        if (!root || m_pos != m_text.size() || !root->isObject)
            return nullptr;
        return root;
    }

private:
    static constexpr int kMaxDepth = 512;

    std::unique_ptr<Span> value(int depth)
    {
        if (depth > kMaxDepth || m_pos >= m_text.size())
            return nullptr;
        auto span = std::make_unique<Span>();
        span->begin = m_pos;
        const char c = m_text.at(m_pos);
        if (c == '{') {
            span->isObject = true;
            ++m_pos;
            skipSpace();
            if (peek() == '}') {
                ++m_pos;
                span->end = m_pos;
                return span;
            }
            QSet<QString> seen;
            for (;;) {
                skipSpace();
                Span::Member member;
                member.begin = m_pos;
                const std::optional<QString> key = string();
                if (!key)
                    return nullptr;
                member.key = *key;
                if (seen.contains(member.key))
                    span->duplicateKeys = true;
                seen.insert(member.key);
                skipSpace();
                if (peek() != ':')
                    return nullptr;
                ++m_pos;
                skipSpace();
                member.value = value(depth + 1);
                if (!member.value)
                    return nullptr;
                member.end = m_pos;
                if (member.value->duplicateKeys)
                    span->duplicateKeys = true;
                span->members.push_back(std::move(member));
                skipSpace();
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                if (peek() != '}')
                    return nullptr;
                ++m_pos;
                break;
            }
        } else if (c == '[') {
            ++m_pos;
            skipSpace();
            if (peek() == ']') {
                ++m_pos;
            } else {
                for (;;) {
                    skipSpace();
                    auto item = value(depth + 1);
                    if (!item)
                        return nullptr;
                    if (item->duplicateKeys)
                        span->duplicateKeys = true;
                    skipSpace();
                    if (peek() == ',') {
                        ++m_pos;
                        continue;
                    }
                    if (peek() != ']')
                        return nullptr;
                    ++m_pos;
                    break;
                }
            }
        } else if (c == '"') {
            if (!string())
                return nullptr;
        } else {
            // A number or a literal: its extent is enough, Qt judges its validity.
            while (m_pos < m_text.size() && !isDelimiter(m_text.at(m_pos)))
                ++m_pos;
            if (m_pos == span->begin)
                return nullptr;
        }
        span->end = m_pos;
        return span;
    }

    std::optional<QString> string()
    {
        if (peek() != '"')
            return std::nullopt;
        const qsizetype start = m_pos++;
        bool escaped = false;
        while (m_pos < m_text.size()) {
            const char c = m_text.at(m_pos++);
            if (c == '\\') {
                escaped = true;
                if (m_pos < m_text.size())
                    ++m_pos;
                continue;
            }
            if (c == '"') {
                const QByteArray raw = m_text.mid(start, m_pos - start);
                if (!escaped)
                    return QString::fromUtf8(raw.mid(1, raw.size() - 2));
                // Qt decodes the escapes, so keys compare as Qt's parse has them.
                const QJsonDocument decoded = QJsonDocument::fromJson("[" + raw + "]");
                if (!decoded.isArray() || !decoded.array().at(0).isString())
                    return std::nullopt;
                return decoded.array().at(0).toString();
            }
        }
        return std::nullopt;
    }

    static bool isDelimiter(char c)
    {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':';
    }
    char peek() const { return m_pos < m_text.size() ? m_text.at(m_pos) : '\0'; }
    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text.at(m_pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    const QByteArray &m_text;
    qsizetype m_pos = 0;
};

// The indentation of the line `pos` is on.
QByteArray lineIndent(const QByteArray &text, qsizetype pos)
{
    qsizetype start = pos;
    while (start > 0 && text.at(start - 1) != '\n')
        --start;
    qsizetype end = start;
    while (end < text.size() && (text.at(end) == ' ' || text.at(end) == '\t'))
        ++end;
    return text.mid(start, end - start);
}

class Writer
{
public:
    Writer(const QByteArray &text, QByteArray unit) : m_text(text), m_unit(std::move(unit)) {}

    // The text of `target` at the place of `span` (whose parse is `current`).
    QByteArray object(const Span &span, const QJsonObject &current, const QJsonObject &target)
    {
        const QByteArray indent = lineIndent(m_text, span.begin);
        bool membersChanged = false;
        for (const Span::Member &member : span.members) {
            if (!target.contains(member.key))
                membersChanged = true;
        }
        for (auto it = target.begin(); it != target.end(); ++it) {
            if (!current.contains(it.key()))
                membersChanged = true;
        }
        if (!membersChanged) {
            // Same keys: each changed value is replaced in place, the rest stays as it is.
            QByteArray out;
            qsizetype at = span.begin;
            for (const Span::Member &member : span.members) {
                const Span &value = *member.value;
                out += m_text.mid(at, value.begin - at);
                out += memberValue(value, current.value(member.key), target.value(member.key));
                at = value.end;
            }
            out += m_text.mid(at, span.end - at);
            return out;
        }
        // Members added or removed: kept members keep their own text; separators follow the
        // object's existing layout.
        QList<QByteArray> pieces;
        for (const Span::Member &member : span.members) {
            if (!target.contains(member.key))
                continue;
            const Span &value = *member.value;
            pieces.append(m_text.mid(member.begin, value.begin - member.begin) +
                          memberValue(value, current.value(member.key), target.value(member.key)));
        }
        const QByteArray memberIndent = indent + m_unit;
        for (auto it = target.begin(); it != target.end(); ++it) {
            if (current.contains(it.key()))
                continue;
            pieces.append(scalarText(QJsonValue(it.key())) + ": " + fresh(it.value(), memberIndent));
        }
        QByteArray leading = "\n" + memberIndent;
        QByteArray separator = ",\n" + memberIndent;
        QByteArray trailing = "\n" + indent;
        if (!span.members.empty()) {
            const Span::Member &first = span.members.front();
            const Span::Member &last = span.members.back();
            leading = m_text.mid(span.begin + 1, first.begin - span.begin - 1);
            trailing = m_text.mid(last.end, span.end - 1 - last.end);
            if (span.members.size() >= 2) {
                const Span::Member &second = span.members.at(1);
                separator = m_text.mid(first.end, second.begin - first.end);
            } else {
                separator = "," + leading;
            }
            if (leading.isEmpty() && trailing.isEmpty()) // {"a":1} written tight
                separator = ",";
        }
        if (pieces.isEmpty())
            return "{}";
        QByteArray out = "{" + leading;
        for (int i = 0; i < pieces.size(); ++i) {
            if (i > 0)
                out += separator;
            out += pieces.at(i);
        }
        out += trailing + "}";
        return out;
    }

private:
    QByteArray memberValue(const Span &value, const QJsonValue &current, const QJsonValue &target)
    {
        if (current == target)
            return m_text.mid(value.begin, value.end - value.begin);
        if (value.isObject && current.isObject() && target.isObject())
            return object(value, current.toObject(), target.toObject());
        return fresh(target, lineIndent(m_text, value.begin));
    }

    static QByteArray scalarText(const QJsonValue &value)
    {
        const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        return array.mid(1, array.size() - 2);
    }

    // New text for a value starting on a line indented by `indent`, in the file's indent unit.
    QByteArray fresh(const QJsonValue &value, const QByteArray &indent) const
    {
        if (!value.isObject() && !value.isArray())
            return scalarText(value);
        const QByteArray indented = value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented)
                                                     : QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented);
        QByteArray out;
        const QList<QByteArray> lines = indented.trimmed().split('\n');
        for (int i = 0; i < lines.size(); ++i) {
            QByteArray line = lines.at(i);
            int level = 0;
            while (line.startsWith("    ")) { // Qt indents by four spaces
                line.remove(0, 4);
                ++level;
            }
            if (i > 0)
                out += "\n" + indent + m_unit.repeated(level);
            out += line;
        }
        return out;
    }

    const QByteArray &m_text;
    QByteArray m_unit;
};

} // namespace

Expected<QByteArray, QString> JsonTextEdit::rewrite(const QByteArray &original, const QJsonObject &target)
{
    QJsonParseError parseError{};
    const QJsonDocument current = QJsonDocument::fromJson(original, &parseError);
    if (parseError.error != QJsonParseError::NoError || !current.isObject())
        return unexpected(QStringLiteral("the text is not one JSON object"));
    const std::unique_ptr<Span> root = Scanner(original).document();
    if (!root)
        return unexpected(QStringLiteral("the text could not be scanned"));
    if (root->duplicateKeys)
        return unexpected(QStringLiteral("the text repeats a key"));
    // The file's own indent unit: how far its first member sits in from the root's line.
    QByteArray unit = "  ";
    if (!root->members.empty()) {
        const QByteArray first = lineIndent(original, root->members.front().begin);
        const QByteArray base = lineIndent(original, root->begin);
        if (first.size() > base.size() && first.startsWith(base))
            unit = first.mid(base.size());
    }
    Writer writer(original, unit);
    QByteArray out =
        original.left(root->begin) + writer.object(*root, current.object(), target) + original.mid(root->end);
    const QJsonDocument check = QJsonDocument::fromJson(out, &parseError);
    if (parseError.error != QJsonParseError::NoError || !check.isObject() || check.object() != target)
        return unexpected(QStringLiteral("the edited text does not read back as the settings"));
    return out;
}

} // namespace sb
