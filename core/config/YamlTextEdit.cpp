#include "YamlTextEdit.h"

#include "YamlNesting.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <exception>

namespace sb {

namespace {

struct PathStep
{
    QString key;
    int index = -1; // >= 0: a list item of `key`
};

Expected<QList<PathStep>, QString> parsePath(const QString &keyPath)
{
    static const QRegularExpression stepPattern(QStringLiteral("^([A-Za-z0-9_\\-]+)(?:\\[(\\d+)\\])?$"));
    QList<PathStep> steps;
    for (const QString &part : keyPath.split(QLatin1Char('.'))) {
        const QRegularExpressionMatch match = stepPattern.match(part);
        if (!match.hasMatch())
            return unexpected(QStringLiteral("%1 is not a key path this editor understands").arg(keyPath));
        PathStep step;
        step.key = match.captured(1);
        if (match.hasCaptured(2))
            step.index = match.captured(2).toInt();
        steps.append(step);
    }
    return steps;
}

int indentOf(const QByteArray &line)
{
    return YamlTextEdit::indentOf(line);
}

bool isContent(const QByteArray &line)
{
    return YamlTextEdit::isContentLine(line);
}

// The end (exclusive) of the scalar that starts at `column` on `line`.
Expected<int, QString> scalarEnd(const QByteArray &line, int column)
{
    if (column >= line.size())
        return column;
    const char first = line.at(column);
    if (first == '"' || first == '\'') {
        for (int i = column + 1; i < line.size(); ++i) {
            if (first == '"' && line.at(i) == '\\') {
                ++i;
                continue;
            }
            if (line.at(i) == first) {
                if (first == '\'' && i + 1 < line.size() && line.at(i + 1) == '\'') {
                    ++i; // '' inside single quotes
                    continue;
                }
                return i + 1;
            }
        }
        return unexpected(QStringLiteral("the value spans several lines; edit it in the file"));
    }
    if (first == '|' || first == '>' || first == '[' || first == '{')
        return unexpected(QStringLiteral("the value is not a plain one-line value; edit it in the file"));
    int end = line.size();
    const int comment = line.indexOf(" #", column);
    if (comment >= 0)
        end = comment;
    while (end > column && (line.at(end - 1) == ' ' || line.at(end - 1) == '\t' || line.at(end - 1) == '\r'))
        --end;
    return end;
}

} // namespace

int YamlTextEdit::indentOf(const QByteArray &line)
{
    int n = 0;
    while (n < line.size() && line.at(n) == ' ')
        ++n;
    return n;
}

bool YamlTextEdit::isContentLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    return !trimmed.isEmpty() && !trimmed.startsWith('#');
}

QString YamlTextEdit::scalarText(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong: return QString::number(value.toLongLong());
    case QMetaType::Double: return QString::number(value.toDouble());
    case QMetaType::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default: break;
    }
    const QString text = value.toString();
    // Bare only when YAML cannot read it as anything but this string.
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z_./][A-Za-z0-9_./:@\\-]*$"));
    static const QRegularExpression special(QStringLiteral("^(true|false|yes|no|on|off|null|~)$"),
                                            QRegularExpression::CaseInsensitiveOption);
    if (safe.match(text).hasMatch() && !special.match(text).hasMatch())
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

Expected<QByteArray, QString> YamlTextEdit::setScalar(const QByteArray &yaml, const QString &keyPath,
                                                      const QVariant &value)
{
    const auto steps = parsePath(keyPath);
    if (!steps)
        return unexpected(steps.error());
    const auto parsed = loadCheckedYaml(yaml);
    if (!parsed)
        return unexpected(parsed.error());
    YAML::Node root = *parsed;
    if (!root.IsMap())
        return unexpected(QStringLiteral("the config's top level is not a mapping"));

    QList<QByteArray> lines = yaml.split('\n');
    const QByteArray newValue = scalarText(value).toUtf8();

    // Walk down as far as the file goes.
    YAML::Node node = root;
    int depth = 0;
    for (; depth < steps->size(); ++depth) {
        const PathStep &step = steps->at(depth);
        if (!node.IsMap())
            return unexpected(QStringLiteral("%1: a parent of this key is not a mapping").arg(keyPath));
        const YAML::Node child = node[step.key.toStdString()];
        if (!child.IsDefined())
            break;
        if (step.index >= 0) {
            if (!child.IsSequence() || step.index >= int(child.size()))
                return unexpected(QStringLiteral("%1: there is no list item %2").arg(keyPath).arg(step.index));
            node = child[std::size_t(step.index)];
        } else {
            node = child;
        }
    }

    if (depth == steps->size()) {
        // The key exists: replace its value's characters.
        if (!node.IsScalar() && !node.IsNull())
            return unexpected(QStringLiteral("%1 holds a list or mapping, not a single value").arg(keyPath));
        const YAML::Mark mark = node.Mark();
        if (node.IsNull() || mark.line < 0) {
            // "key:" with no value: find the key's line through the parent.
            return unexpected(QStringLiteral("%1 has no value in the file; write one by hand first").arg(keyPath));
        }
        if (mark.line >= lines.size())
            return unexpected(QStringLiteral("%1: cannot find its line").arg(keyPath));
        QByteArray &line = lines[mark.line];
        const auto end = scalarEnd(line, mark.column);
        if (!end)
            return unexpected(QStringLiteral("%1: %2").arg(keyPath, end.error()));
        QByteArray replacement = newValue;
        const char quote = mark.column < line.size() ? line.at(mark.column) : 0;
        if (quote == '"' && !replacement.startsWith('"') && value.typeId() == QMetaType::QString)
            replacement = '"' + replacement + '"'; // keep the user's quoting
        line = line.left(mark.column) + replacement + line.mid(*end);
        return lines.join('\n');
    }

    // Missing from `depth` on: add the keys under the deepest mapping that exists.
    for (int i = depth; i < steps->size(); ++i) {
        if (steps->at(i).index >= 0)
            return unexpected(QStringLiteral("%1: there is no such list item").arg(keyPath));
    }
    int childIndent = 0;
    int insertAt = lines.size();
    if (depth > 0) {
        if (node.size() == 0 || node.begin()->first.Mark().line < 0)
            return unexpected(
                QStringLiteral("%1: its parent mapping is empty or written inline; edit it in the file").arg(keyPath));
        const YAML::Mark first = node.begin()->first.Mark();
        if (first.line >= lines.size() || lines.at(first.line).mid(first.column).startsWith('{'))
            return unexpected(QStringLiteral("%1: cannot find its parent's lines").arg(keyPath));
        childIndent = first.column;
        // The parent's block ends before the first content line indented less than its keys.
        int last = first.line;
        for (int i = first.line + 1; i < lines.size(); ++i) {
            if (!isContent(lines.at(i)))
                continue;
            const int indent = indentOf(lines.at(i));
            const bool listDash = indent == childIndent - 2 && lines.at(i).mid(indent).startsWith("- ");
            if (indent < childIndent || listDash)
                break;
            last = i;
        }
        insertAt = last + 1;
    } else {
        // Top level: after the last content line.
        while (insertAt > 0 && !isContent(lines.at(insertAt - 1)))
            --insertAt;
    }
    QList<QByteArray> added;
    for (int i = depth; i < steps->size(); ++i) {
        const QByteArray indent(childIndent + 2 * (i - depth), ' ');
        const QByteArray key = steps->at(i).key.toUtf8();
        added.append(i + 1 == steps->size() ? indent + key + ": " + newValue : indent + key + ':');
    }
    for (int i = 0; i < added.size(); ++i)
        lines.insert(insertAt + i, added.at(i));
    QByteArray result = lines.join('\n');
    if (!result.endsWith('\n'))
        result.append('\n');
    return result;
}

Expected<QByteArray, QString> YamlTextEdit::removeKey(const QByteArray &yaml, const QString &keyPath)
{
    const auto steps = parsePath(keyPath);
    if (!steps)
        return unexpected(steps.error());
    const auto parsed = loadCheckedYaml(yaml);
    if (!parsed)
        return unexpected(parsed.error());
    YAML::Node node;
    node.reset(*parsed);
    for (int depth = 0; depth + 1 < steps->size(); ++depth) {
        const PathStep &step = steps->at(depth);
        if (!node.IsMap())
            return yaml;
        const YAML::Node child = node[step.key.toStdString()];
        if (!child.IsDefined())
            return yaml; // nothing to remove
        if (step.index >= 0) {
            if (!child.IsSequence() || step.index >= int(child.size()))
                return unexpected(QStringLiteral("%1: there is no list item %2").arg(keyPath).arg(step.index));
            node.reset(child[std::size_t(step.index)]);
        } else {
            node.reset(child);
        }
    }
    if (!node.IsMap() || steps->last().index >= 0)
        return yaml;
    const std::string name = steps->last().key.toStdString();
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar() || it->first.Scalar() != name)
            continue;
        const YAML::Mark keyMark = it->first.Mark();
        const YAML::Mark valueMark = it->second.Mark();
        if (!it->second.IsScalar() && !it->second.IsNull())
            return unexpected(QStringLiteral("%1 holds a list or mapping; remove it in the file").arg(keyPath));
        QList<QByteArray> lines = yaml.split('\n');
        if (keyMark.line < 0 || keyMark.line >= lines.size() ||
            (valueMark.line >= 0 && valueMark.line != keyMark.line && !it->second.IsNull()))
            return unexpected(QStringLiteral("%1 spans several lines; remove it in the file").arg(keyPath));
        const QByteArray &line = lines.at(keyMark.line);
        // Only a line that is this key alone: `{a: 1, b: 2}` or `- key: v` (a list item's first
        // key, whose dash the item needs) are not removed by deleting the line.
        if (line.left(keyMark.column).trimmed().size() > 0)
            return unexpected(QStringLiteral("%1 shares its line with other YAML; remove it in the file").arg(keyPath));
        lines.removeAt(keyMark.line);
        return lines.join('\n');
    }
    return yaml;
}

} // namespace sb
