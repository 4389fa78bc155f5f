#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace sb {

// One deployment of `model_list` as the Mappings editor holds it: the values of the keys it
// shows, as the file writes them (a null QVariant: the key is not there).
struct MappingRow
{
    int source = -1;                 // its index in the file's model_list; -1: added in the editor
    QHash<QString, QVariant> values; // field (ModelListEditor::fields()) → value

    QVariant value(const QString &field) const { return values.value(field); }
    bool has(const QString &field) const { return !values.value(field).isNull(); }
};

// Reads and writes the deployments of a config's `model_list` as text edits, so what the editor
// did not change stays byte for byte: a changed value is replaced on its line, a removed item's
// lines go, items move as whole blocks of lines (the comments just above an item move with it),
// and an added item is written in the file's own indentation. What cannot be done that way (a
// model_list written inline as `[...]`, a value spanning lines) is refused with what to do, before
// anything is written.
class ModelListEditor final
{
public:
    // The keys the editor shows, in its column order, as paths under a model_list item.
    static const QStringList &fields();

    static Expected<QList<MappingRow>, QString> read(const QByteArray &yaml);
    // `yaml` with its model_list made to hold `rows`, in their order. Rows with a source carry
    // that item's lines (and edits); rows without one are added.
    static Expected<QByteArray, QString> write(const QByteArray &yaml, const QList<MappingRow> &rows);
};

} // namespace sb
