#include "ConfigEditor.h"

#include "ConfigLoader.h"
#include "ConfigSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <cmath>

namespace sb {

namespace {

using Lines = QList<QByteArray>;

int indentOf(const QByteArray &line)
{
    int n = 0;
    while (n < line.size() && line[n] == ' ')
        ++n;
    return n;
}

// Not blank, not a comment: a line that says something to YAML.
bool isContent(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    return !trimmed.isEmpty() && !trimmed.startsWith('#');
}

// A key line's parts: "  port:" | " 4000" | "  # the port\r".
struct KeyLine
{
    QByteArray head;     // indentation, key and colon
    QByteArray value;    // the value as written, without surrounding spaces
    QByteArray trailing; // the spaces and comment after the value, and a '\r'
};

std::optional<KeyLine> matchKey(const QByteArray &line, int indent, const QString &name)
{
    static const QString pattern = QStringLiteral("^ {%1}(?:%2|\"%2\"|'%2')[ \\t]*:(?=[ \\t\\r]|$)");
    const QRegularExpression key(pattern.arg(indent).arg(QRegularExpression::escape(name)));
    const QString text = QString::fromUtf8(line);
    const QRegularExpressionMatch match = key.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    KeyLine parts;
    parts.head = text.left(match.capturedEnd()).toUtf8();
    QByteArray rest = line.mid(parts.head.size());
    QByteArray cr;
    if (rest.endsWith('\r')) {
        cr = "\r";
        rest.chop(1);
    }
    // The value ends where a comment starts: a '#' after a space, outside quotes.
    char quote = 0;
    qsizetype commentAt = -1;
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const char c = rest[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (i == 0 || rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
            commentAt = i;
            break;
        }
    }
    const QByteArray valuePart = commentAt >= 0 ? rest.left(commentAt) : rest;
    parts.value = valuePart.trimmed();
    const qsizetype valueEnd = parts.value.isEmpty() ? 0 : valuePart.indexOf(parts.value) + parts.value.size();
    parts.trailing = rest.mid(valueEnd) + cr;
    return parts;
}

// The lines [begin, end) under the key at `keyLine`: until the next content line indented no
// deeper than the key.
int blockEnd(const Lines &lines, int keyLine, int indent)
{
    int end = keyLine + 1;
    for (int i = keyLine + 1; i < lines.size(); ++i) {
        if (!isContent(lines[i]))
            continue;
        if (indentOf(lines[i]) <= indent)
            break;
        end = i + 1;
    }
    return end;
}

int findKey(const Lines &lines, int begin, int end, int indent, const QString &name)
{
    for (int i = begin; i < end; ++i) {
        if (isContent(lines[i]) && indentOf(lines[i]) == indent && matchKey(lines[i], indent, name))
            return i;
    }
    return -1;
}

// Where a key path sits in the text: its line, or where the missing part would go.
struct Place
{
    int line = -1;       // the key's own line; -1 when missing
    int insertAt = 0;    // where the missing segments go
    int indent = 0;      // the indentation of the first missing segment
    int missingFrom = 0; // index of the first missing segment
};

Expected<Place, QString> locate(const Lines &lines, const QStringList &segments)
{
    int begin = 0;
    int end = int(lines.size());
    int indent = 0;
    for (int depth = 0; depth < segments.size(); ++depth) {
        const int line = findKey(lines, begin, end, indent, segments[depth]);
        if (line < 0) {
            Place place;
            place.missingFrom = depth;
            place.indent = indent;
            if (depth == 0) {
                place.insertAt = end; // a new section goes at the end of the file
                while (place.insertAt > 0 && lines[place.insertAt - 1].trimmed().isEmpty())
                    --place.insertAt; // …before its trailing blank lines
            } else {
                // After the section's last content line, so comments introducing the next
                // section stay with it.
                place.insertAt = begin;
                for (int i = begin; i < end; ++i) {
                    if (isContent(lines[i]))
                        place.insertAt = i + 1;
                }
            }
            return place;
        }
        if (depth == segments.size() - 1) {
            Place place;
            place.line = line;
            return place;
        }
        const std::optional<KeyLine> parts = matchKey(lines[line], indent, segments[depth]);
        if (!parts->value.isEmpty())
            return unexpected(
                QStringLiteral("%1 is written on one line (%2); edit it in the file itself")
                    .arg(segments.mid(0, depth + 1).join(QLatin1Char('.')), QString::fromUtf8(parts->value)));
        begin = line + 1;
        end = blockEnd(lines, line, indent);
        int childIndent = -1;
        int firstChild = -1;
        for (int i = begin; i < end && childIndent < 0; ++i) {
            if (isContent(lines[i])) {
                childIndent = indentOf(lines[i]);
                firstChild = i;
            }
        }
        if (firstChild >= 0 && lines[firstChild].trimmed().startsWith('-'))
            return unexpected(
                QStringLiteral("%1 is a list here").arg(segments.mid(0, depth + 1).join(QLatin1Char('.'))));
        if (childIndent < 0) {
            Place place; // an empty section: the key goes right under it
            place.missingFrom = depth + 1;
            place.indent = indent + 2;
            place.insertAt = line + 1;
            return place;
        }
        indent = childIndent;
    }
    return unexpected(QStringLiteral("empty key"));
}

bool isReference(const QString &text)
{
    static const QRegularExpression env(QStringLiteral("^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$"));
    return (text.startsWith(QStringLiteral("os.environ/")) && text.size() > 11) ||
           (text.startsWith(QStringLiteral("keychain/")) && text.size() > 9) || env.match(text).hasMatch();
}

QByteArray quoted(const QString &text, char style)
{
    if (style == '\'') {
        QString inner = text;
        return "'" + inner.replace(QLatin1Char('\''), QStringLiteral("''")).toUtf8() + "'";
    }
    QString inner = text;
    inner.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return "\"" + inner.toUtf8() + "\"";
}

// The value as YAML: checked against the key's type and bounds. `previous` is the value
// written now, whose quotes a new string keeps.
Expected<QByteArray, QString> render(const ConfigSchema::Key &key, const QString &path, const QVariant &value,
                                     const QByteArray &previous)
{
    using T = ConfigSchema::Type;
    const QString given = value.toString();
    const auto wrongType = [&] {
        return unexpected(
            QStringLiteral("%1 expects %2, got \"%3\"").arg(path, ConfigSchema::typeName(key.type), given));
    };
    if (!value.isValid() || value.isNull())
        return unexpected(QStringLiteral("%1: no value given").arg(path));
    switch (key.type) {
    case T::Bool: {
        if (value.typeId() == QMetaType::Bool)
            return QByteArray(value.toBool() ? "true" : "false");
        if (given == QStringLiteral("true") || given == QStringLiteral("false"))
            return given.toUtf8();
        return wrongType();
    }
    case T::Int:
    case T::Number: {
        if (value.typeId() == QMetaType::Bool)
            return wrongType();
        bool ok = false;
        const double number = value.typeId() == QMetaType::QString ? given.toDouble(&ok) : value.toDouble(&ok);
        if (!ok || !std::isfinite(number))
            return wrongType();
        qint64 integer = 0;
        if (key.type == T::Int) {
            integer = value.typeId() == QMetaType::QString ? given.toLongLong(&ok) : qint64(number);
            if (!ok || double(integer) != number)
                return wrongType();
        }
        if (ConfigSchema::check(key, number).outcome != ConfigSchema::Checked::Outcome::InBounds)
            return unexpected(QStringLiteral("%1 must be %2, got %3")
                                  .arg(path, ConfigSchema::rangeText(key), ConfigSchema::formatNumber(number)));
        return key.type == T::Int ? QByteArray::number(integer) : ConfigSchema::formatNumber(number).toUtf8();
    }
    case T::String: {
        if (value.typeId() != QMetaType::QString && value.typeId() != QMetaType::QByteArray)
            return wrongType();
        if (given.contains(QLatin1Char('\n')) || given.contains(QLatin1Char('\r')))
            return unexpected(QStringLiteral("%1 must be one line").arg(path));
        if (!key.choices.isEmpty() && !key.choices.contains(given))
            return unexpected(QStringLiteral("%1 must be one of %2, got \"%3\"")
                                  .arg(path, key.choices.join(QStringLiteral(", ")), given));
        if (key.secret && !isReference(given))
            return unexpected(QStringLiteral("%1 is a secret and is never written in plain text; keep it in the "
                                             "secret store or the environment and write keychain/NAME, "
                                             "os.environ/NAME or ${NAME}")
                                  .arg(path));
        if (previous.startsWith('\'') || previous.startsWith('"'))
            return quoted(given, previous[0]);
        // Plain where YAML reads it back as the same string; quoted otherwise.
        static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./@$~][A-Za-z0-9_./@:+=${}~-]*$"));
        static const QRegularExpression special(QStringLiteral("^(?:true|false|yes|no|on|off|null|~|y|n)$"),
                                                QRegularExpression::CaseInsensitiveOption);
        bool numeric = false;
        given.toDouble(&numeric);
        if (plain.match(given).hasMatch() && !special.match(given).hasMatch() && !numeric && !given.endsWith(':'))
            return given.toUtf8();
        return quoted(given, '"');
    }
    default: break;
    }
    return unexpected(QStringLiteral("%1 is %2, not a single value").arg(path, ConfigSchema::typeName(key.type)));
}

Expected<const ConfigSchema::Key *, QString> scalarKey(const QString &keyPath)
{
    const ConfigSchema::Key *key = ConfigSchema::find(keyPath);
    if (!key || keyPath.contains(QLatin1Char('[')))
        return unexpected(key ? QStringLiteral("%1 is inside a list; edit it in the file itself").arg(keyPath)
                              : QStringLiteral("%1 is not a key Switchboard knows").arg(keyPath));
    if (!key->isScalar())
        return unexpected(
            QStringLiteral("%1 is %2, not a single value").arg(keyPath, ConfigSchema::typeName(key->type)));
    return key;
}

QByteArray lineBreakOf(const QByteArray &yaml)
{
    return yaml.contains("\r\n") ? QByteArray("\r\n") : QByteArray("\n");
}

// The errors of a load, without their lines (an edit moves lines).
QStringList errorsOf(const ConfigLoadResult &result)
{
    QStringList errors;
    for (const ConfigIssue &issue : result.issues) {
        if (issue.severity == ConfigIssue::Severity::Error)
            errors.append(issue.key + QStringLiteral(": ") + issue.message);
    }
    return errors;
}

Expected<void, QString> writeAtomically(const QString &path, const QByteArray &data,
                                        std::optional<QFileDevice::Permissions> permissions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (permissions && !QFile::setPermissions(path, *permissions))
        return unexpected(QStringLiteral("cannot set the permissions of %1").arg(path));
    return {};
}

// Checks the edited text, then writes it with a backup of the previous file.
Expected<void, QString> commit(const QString &configPath, const QByteArray &edited,
                               const std::optional<QByteArray> &basedOn = std::nullopt)
{
    QFileInfo info(configPath);
    const QString target = info.isSymLink() ? info.symLinkTarget() : configPath; // the link survives
    info = QFileInfo(target);
    const bool existed = info.exists();
    QByteArray original;
    if (existed) {
        QFile file(target);
        if (!file.open(QIODevice::ReadOnly))
            return unexpected(QStringLiteral("cannot read %1: %2").arg(target, file.errorString()));
        original = file.readAll();
    }
    // An edit made from an older text would undo what changed in the file since.
    if (basedOn && (!existed || original != *basedOn))
        return unexpected(
            QStringLiteral("%1 changed since it was read; nothing was written (load it again)").arg(target));
    if (existed && edited == original)
        return {}; // a write that changes nothing does nothing

    const QStringList before = existed ? errorsOf(ConfigLoader::loadText(original, target)) : QStringList();
    const ConfigLoadResult after = ConfigLoader::loadText(edited, target);
    for (const ConfigIssue &issue : after.issues) {
        if (issue.severity == ConfigIssue::Severity::Error &&
            !before.contains(issue.key + QStringLiteral(": ") + issue.message))
            return unexpected(QStringLiteral("the config would not load: %1").arg(issue.toString()));
    }

    if (!QDir().mkpath(info.absolutePath()))
        return unexpected(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()));
    // The config may hold the token clients use: one we create is the owner's alone.
    const QFileDevice::Permissions mode =
        existed ? info.permissions() : QFileDevice::Permissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (existed) {
        if (auto saved = writeAtomically(ConfigEditor::backupPath(target), original, mode); !saved)
            return saved;
    }
    return writeAtomically(target, edited, mode);
}

} // namespace

Expected<void, QString> ConfigEditor::commitText(const QString &configPath, const QByteArray &edited,
                                                 const std::optional<QByteArray> &basedOn)
{
    return commit(configPath, edited, basedOn);
}

QString ConfigEditor::backupPath(const QString &configPath)
{
    return configPath + QStringLiteral(".bak");
}

Expected<QByteArray, QString> ConfigEditor::withValue(const QByteArray &yaml, const QString &keyPath,
                                                      const QVariant &value)
{
    const auto key = scalarKey(keyPath);
    if (!key)
        return unexpected(key.error());
    const QStringList segments = keyPath.split(QLatin1Char('.'));
    Lines lines = yaml.split('\n');
    const auto place = locate(lines, segments);
    if (!place)
        return unexpected(place.error());

    if (place->line >= 0) {
        const std::optional<KeyLine> parts =
            matchKey(lines[place->line], indentOf(lines[place->line]), segments.last());
        const QByteArray &old = parts->value;
        if (old.startsWith('|') || old.startsWith('>') || old.startsWith('&') || old.startsWith('*') ||
            old.startsWith('!') || old.startsWith('{') || old.startsWith('['))
            return unexpected(QStringLiteral("%1 is written as %2…; edit it in the file itself")
                                  .arg(keyPath, QString::fromUtf8(old.left(1))));
        const auto rendered = render(**key, keyPath, value, old);
        if (!rendered)
            return unexpected(rendered.error());
        // With no value before, the trailing part is only spacing (and a comment): keep it.
        lines[place->line] = parts->head + ' ' + *rendered + parts->trailing;
        return lines.join('\n');
    }

    const auto rendered = render(**key, keyPath, value, {});
    if (!rendered)
        return unexpected(rendered.error());
    const QByteArray br = lineBreakOf(yaml);
    const QByteArray cr = br.size() == 2 ? QByteArray("\r") : QByteArray();
    Lines added;
    for (int i = place->missingFrom; i < segments.size(); ++i) {
        const QByteArray indent(place->indent + 2 * (i - place->missingFrom), ' ');
        const QByteArray name = segments[i].toUtf8();
        added.append(indent + name + ':' + (i == segments.size() - 1 ? ' ' + *rendered : QByteArray()) + cr);
    }
    int at = place->insertAt;
    if (place->missingFrom == 0) {
        // A new section: after a line break, with a blank line before it when the file has text.
        if (at > 0 && !lines[at - 1].isEmpty() && at == lines.size()) {
            lines.append(QByteArray()); // the file did not end with a line break
            at = int(lines.size()) - 1;
        }
        if (at > 0 && !lines[at - 1].trimmed().isEmpty())
            added.prepend(cr);
    }
    for (int i = 0; i < added.size(); ++i)
        lines.insert(at + i, added[i]);
    QByteArray text = lines.join('\n');
    if (!text.endsWith('\n'))
        text += br;
    return text;
}

Expected<QByteArray, QString> ConfigEditor::withoutValue(const QByteArray &yaml, const QString &keyPath)
{
    const auto key = scalarKey(keyPath);
    if (!key)
        return unexpected(key.error());
    Lines lines = yaml.split('\n');
    const auto place = locate(lines, keyPath.split(QLatin1Char('.')));
    if (!place)
        return unexpected(place.error());
    if (place->line < 0)
        return yaml;
    lines.removeAt(place->line);
    return lines.join('\n');
}

Expected<void, QString> ConfigEditor::setValue(const QString &configPath, const QString &keyPath, const QVariant &value)
{
    QByteArray text = ConfigLoader::defaultConfigText();
    QFile file(configPath);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return unexpected(QStringLiteral("cannot read %1: %2").arg(configPath, file.errorString()));
        text = file.readAll();
    }
    const auto edited = withValue(text, keyPath, value);
    if (!edited)
        return unexpected(edited.error());
    return commit(configPath, *edited);
}

Expected<void, QString> ConfigEditor::removeValue(const QString &configPath, const QString &keyPath)
{
    QFile file(configPath);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot read %1: %2").arg(configPath, file.errorString()));
    const auto edited = withoutValue(file.readAll(), keyPath);
    if (!edited)
        return unexpected(edited.error());
    return commit(configPath, *edited);
}

} // namespace sb
