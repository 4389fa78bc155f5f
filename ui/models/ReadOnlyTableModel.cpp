#include "ReadOnlyTableModel.h"

namespace sb {

bool ReadOnlyTableModel::isCell(const QModelIndex &index) const
{
    return index.isValid() && checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid);
}

Qt::ItemFlags ReadOnlyTableModel::flags(const QModelIndex &index) const
{
    return isCell(index) ? Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::NoItemFlags;
}

bool ReadOnlyTableModel::setData(const QModelIndex &, const QVariant &, int)
{
    return false; // a record of what was seen, not something to type over
}

} // namespace sb
