#include "SpendTotalsModel.h"

#include "usage/UsageReport.h"

namespace sb {

void SpendTotalsModel::setTotals(const QString &keyTitle, const QVector<SpendTotal> &totals)
{
    beginResetModel();
    m_keyTitle = keyTitle;
    m_totals = totals;
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, Key, Key);
}

int SpendTotalsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_totals.size());
}

int SpendTotalsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SpendTotalsModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const SpendTotal &total = m_totals.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Key: return total.key.isEmpty() ? QStringLiteral("–") : total.key;
        case Requests: return total.requests;
        case Errors: return total.errors;
        case Input: return total.inputTokens;
        case Output: return total.outputTokens;
        case Cost: return QStringLiteral("$") + usage_report::money(total.costUsd);
        case Saved: return QStringLiteral("$") + usage_report::money(total.savedUsd);
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != Key)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant SpendTotalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key: return m_keyTitle;
    case Requests: return tr("Requests");
    case Errors: return tr("Errors");
    case Input: return tr("In");
    case Output: return tr("Out");
    case Cost: return tr("Cost");
    case Saved: return tr("Saved");
    default: return {};
    }
}

} // namespace sb
