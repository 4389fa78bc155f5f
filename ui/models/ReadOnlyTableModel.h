#pragma once

#include <QAbstractTableModel>

namespace sb {

// A table the user reads and selects but never edits (what the probes, Ollama or the spend log
// said): rows are enabled and selectable, and setData() refuses every change. Subclasses give
// the column enum, rowCount/columnCount, data and headerData.
class ReadOnlyTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    Qt::ItemFlags flags(const QModelIndex &index) const final;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) final;

protected:
    // A valid index of this flat table (no children), checked without a warning for the
    // invalid ones views and testers ask about.
    bool isCell(const QModelIndex &index) const;
};

} // namespace sb
