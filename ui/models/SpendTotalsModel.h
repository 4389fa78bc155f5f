#pragma once

#include "usage/SpendLog.h"

#include <QAbstractTableModel>

namespace sb {

// Totals of the spend log per day, model, deployment or session. Read-only.
class SpendTotalsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Key, Requests, Errors, Input, Output, Cost, Saved, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setTotals(const QString &keyTitle, const QVector<SpendTotal> &totals);
    const QVector<SpendTotal> &totals() const { return m_totals; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

private:
    QString m_keyTitle = tr("Day");
    QVector<SpendTotal> m_totals;
};

} // namespace sb
