#pragma once

#include "usage/SpendLog.h"

#include "ReadOnlyTableModel.h"

namespace sb {

// Totals of the spend log per day, model, deployment or session. Read-only.
class SpendTotalsModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Key, Requests, Errors, Input, Output, Cost, Saved, ColumnCount };

    using ReadOnlyTableModel::ReadOnlyTableModel;

    void setTotals(const QString &keyTitle, const QVector<SpendTotal> &totals);
    const QVector<SpendTotal> &totals() const { return m_totals; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString m_keyTitle = tr("Day");
    QVector<SpendTotal> m_totals;
};

} // namespace sb
