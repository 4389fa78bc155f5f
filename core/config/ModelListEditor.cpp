#include "ModelListEditor.h"

#include "YamlNesting.h"
#include "YamlTextEdit.h"

#include <yaml-cpp/yaml.h>

#include <optional>

namespace sb {

namespace {

using Lines = QList<QByteArray>;

const char *const kModelList = "model_list";

int indentOf(const QByteArray &line)
{
    return YamlTextEdit::indentOf(line);
}

bool isContent(const QByteArray &line)
{
    return YamlTextEdit::isContentLine(line);
}

bool isComment(const QByteArray &line)
{
    return line.trimmed().startsWith('#');
}

// Two values the same as the file would write them (the file's are strings, the editor's typed).
bool sameValue(const QVariant &a, const QVariant &b)
{
    if (a.isNull() || b.isNull())
        return a.isNull() == b.isNull();
    return a.toString() == b.toString();
}

// Where the items of a block-style model_list are in the text.
struct ListLayout
{
    bool present = false; // the key is in the file
    int keyLine = -1;     // the `model_list:` line (0-based)
    bool inline_ = false; // written as `[...]` (or an empty `[]`)
    int dashColumn = 2;   // the items' `-`
    int keyColumn = 4;    // an item's keys
    int childColumn = 6;  // the keys inside litellm_params / model_info
    QList<int> starts;    // per item, its first line (comments just above included)
    int end = -1;         // one past the last item's last content line
};

Expected<ListLayout, QString> layoutOf(const QByteArray &yaml, const Lines &lines)
{
    const auto parsed = loadCheckedYaml(yaml);
    if (!parsed)
        return unexpected(parsed.error());
    const YAML::Node &root = *parsed;
    ListLayout layout;
    if (!root.IsMap())
        return unexpected(QStringLiteral("the config's top level is not a mapping"));
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == kModelList) {
            layout.present = true;
            layout.keyLine = it->first.Mark().line;
            break;
        }
    }
    const YAML::Node list = root[kModelList];
    if (!layout.present || !list.IsDefined() || list.IsNull())
        return layout;
    if (!list.IsSequence())
        return unexpected(QStringLiteral("model_list is not a list"));
    const YAML::Mark listMark = list.Mark();
    if (listMark.line >= 0 && listMark.line < lines.size() &&
        lines.at(listMark.line).mid(listMark.column).startsWith('[')) {
        layout.inline_ = true;
        return layout;
    }
    int previousContent = layout.keyLine;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Mark mark = list[i].Mark();
        if (mark.line < 0 || mark.line >= lines.size())
            return unexpected(QStringLiteral("cannot find the lines of model_list item %1").arg(i));
        const QByteArray &line = lines.at(mark.line);
        const QByteArray before = line.left(mark.column);
        const int dash = before.indexOf('-');
        if (dash < 0 || before.left(dash).trimmed().size() > 0 || before.mid(dash + 1).trimmed().size() > 0)
            return unexpected(QStringLiteral("model_list item %1 does not start on its `- ` line; "
                                             "reorder or remove it in the file")
                                  .arg(i));
        if (i == 0) {
            layout.dashColumn = dash;
            layout.keyColumn = mark.column;
            layout.childColumn = mark.column + 2;
            const YAML::Node params = list[i]["litellm_params"];
            if (params.IsMap() && params.size() > 0 && params.begin()->first.Mark().line > mark.line)
                layout.childColumn = params.begin()->first.Mark().column;
        }
        // The comments right above an item (at least as deep as its dash) are its own.
        int start = mark.line;
        while (start - 1 > previousContent && isComment(lines.at(start - 1)) && indentOf(lines.at(start - 1)) >= dash)
            --start;
        layout.starts.append(start);
        // The item's last content line: everything deeper than the dash until something is not.
        int last = mark.line;
        for (int l = mark.line + 1; l < lines.size(); ++l) {
            if (!isContent(lines.at(l)))
                continue;
            if (indentOf(lines.at(l)) <= dash)
                break;
            last = l;
        }
        previousContent = last;
        layout.end = last + 1;
    }
    return layout;
}

// The text of a new item at the file's indentation.
Lines renderItem(const MappingRow &row, const ListLayout &layout, const QByteArray &cr)
{
    Lines out;
    const QByteArray dash(layout.dashColumn, ' ');
    const QByteArray key(layout.keyColumn, ' ');
    const QByteArray child(layout.childColumn, ' ');
    QString openParent;
    bool first = true;
    for (const QString &field : ModelListEditor::fields()) {
        if (!row.has(field))
            continue;
        const QByteArray value = YamlTextEdit::scalarText(row.value(field)).toUtf8();
        const int dot = field.indexOf(QLatin1Char('.'));
        const QString parent = dot < 0 ? QString() : field.left(dot);
        const QByteArray name = (dot < 0 ? field : field.mid(dot + 1)).toUtf8();
        QByteArray prefix =
            first ? dash + "- " + QByteArray(qMax(0, layout.keyColumn - layout.dashColumn - 2), ' ') : key;
        if (!parent.isEmpty() && parent != openParent) {
            out.append(prefix + parent.toUtf8() + ':' + cr);
            openParent = parent;
            first = false;
            prefix = key;
        }
        if (parent.isEmpty())
            out.append(prefix + name + ": " + value + cr);
        else
            out.append(child + name + ": " + value + cr);
        first = false;
    }
    return out;
}

} // namespace

const QStringList &ModelListEditor::fields()
{
    static const QStringList list = {
        QStringLiteral("model_name"),
        QStringLiteral("litellm_params.model"),
        QStringLiteral("litellm_params.api_base"),
        QStringLiteral("litellm_params.api_key"),
        QStringLiteral("litellm_params.num_ctx"),
        QStringLiteral("litellm_params.weight"),
        QStringLiteral("litellm_params.order"),
        QStringLiteral("litellm_params.rpm"),
        QStringLiteral("litellm_params.tpm"),
        QStringLiteral("litellm_params.max_parallel_requests"),
        QStringLiteral("model_info.id"),
    };
    return list;
}

Expected<QList<MappingRow>, QString> ModelListEditor::read(const QByteArray &yaml)
{
    const auto parsed = loadCheckedYaml(yaml);
    if (!parsed)
        return unexpected(parsed.error());
    QList<MappingRow> rows;
    if (!parsed->IsMap())
        return unexpected(QStringLiteral("the config's top level is not a mapping"));
    const YAML::Node list = (*parsed)[kModelList];
    if (!list.IsDefined() || list.IsNull())
        return rows;
    if (!list.IsSequence())
        return unexpected(QStringLiteral("model_list is not a list"));
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        if (!item.IsMap())
            return unexpected(QStringLiteral("model_list item %1 is not a mapping").arg(i));
        MappingRow row;
        row.source = int(i);
        for (const QString &field : fields()) {
            // reset(), not =: assigning a yaml-cpp node writes into the node it refers to.
            YAML::Node node;
            node.reset(item);
            for (const QString &part : field.split(QLatin1Char('.'))) {
                const YAML::Node child = node.IsMap() ? node[part.toStdString()] : YAML::Node();
                node.reset(child);
                if (!node.IsDefined())
                    break;
            }
            if (node.IsDefined() && node.IsScalar())
                row.values.insert(field, QString::fromStdString(node.Scalar()));
        }
        rows.append(row);
    }
    return rows;
}

Expected<QByteArray, QString> ModelListEditor::write(const QByteArray &yaml, const QList<MappingRow> &rows)
{
    const auto original = read(yaml);
    if (!original)
        return unexpected(original.error());
    QList<int> kept;
    for (const MappingRow &row : rows) {
        if (row.source < 0)
            continue;
        if (row.source >= original->size() || kept.contains(row.source))
            return unexpected(QStringLiteral("the edited list does not match the file; load it again"));
        kept.append(row.source);
    }

    // Values first, in place: the items keep their indices while only values change.
    QByteArray text = yaml;
    for (const MappingRow &row : rows) {
        if (row.source < 0)
            continue;
        const MappingRow &before = original->at(row.source);
        for (const QString &field : fields()) {
            if (sameValue(before.value(field), row.value(field)))
                continue;
            const QString path = QStringLiteral("model_list[%1].%2").arg(row.source).arg(field);
            const auto edited = row.has(field) ? YamlTextEdit::setScalar(text, path, row.value(field))
                                               : YamlTextEdit::removeKey(text, path);
            if (!edited)
                return unexpected(edited.error());
            text = *edited;
        }
    }

    // Then the items themselves, when any was added, removed or moved.
    bool sameItems = kept.size() == original->size() && kept.size() == rows.size();
    for (int i = 0; sameItems && i < kept.size(); ++i)
        sameItems = kept.at(i) == i;
    if (sameItems)
        return text;

    Lines lines = text.split('\n');
    const auto layout = layoutOf(text, lines);
    if (!layout)
        return unexpected(layout.error());
    if (layout->inline_ && !original->isEmpty())
        return unexpected(QStringLiteral("model_list is written inline ([...]); add, remove or reorder its "
                                         "deployments in the file, or write it as a block list first"));
    const QByteArray cr = text.contains("\r\n") ? QByteArray("\r") : QByteArray();

    Lines items;
    for (const MappingRow &row : rows) {
        if (row.source < 0) {
            items.append(renderItem(row, *layout, cr));
            continue;
        }
        const int from = layout->starts.at(row.source);
        const int to = row.source + 1 < layout->starts.size() ? layout->starts.at(row.source + 1) : layout->end;
        const Lines block = lines.mid(from, to - from);
        items.append(block);
    }

    if (!original->isEmpty()) {
        const int from = layout->starts.first();
        const int to = layout->end;
        Lines result = lines.mid(0, from);
        result.append(items);
        result.append(lines.mid(to));
        if (rows.isEmpty()) {
            QByteArray &keyLine = result[layout->keyLine];
            keyLine = keyLine.left(keyLine.indexOf(':') + 1) + " []" + cr;
        }
        return result.join('\n');
    }
    // An empty or missing list gets its first items.
    if (items.isEmpty())
        return text;
    if (layout->present) {
        QByteArray &keyLine = lines[layout->keyLine];
        const int colon = keyLine.indexOf(':');
        if (colon < 0)
            return unexpected(QStringLiteral("cannot find the model_list line"));
        QByteArray rest = keyLine.mid(colon + 1).trimmed();
        if (!rest.isEmpty() && rest != "[]" && !rest.startsWith('#'))
            return unexpected(
                QStringLiteral("model_list is written in a way this editor cannot extend; edit it in the file"));
        keyLine = keyLine.left(colon + 1) + cr;
        for (int i = 0; i < items.size(); ++i)
            lines.insert(layout->keyLine + 1 + i, items.at(i));
        return lines.join('\n');
    }
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
    if (!lines.isEmpty())
        lines.append(cr); // a blank line before the new section
    lines.append(QByteArray(kModelList) + ':' + cr);
    lines.append(items);
    lines.append(QByteArray());
    return lines.join('\n');
}

} // namespace sb
