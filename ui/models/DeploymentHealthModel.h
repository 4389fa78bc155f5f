#pragma once

#include "controllers/GatewayHealth.h"

#include <QAbstractTableModel>

namespace sb {

// The Overview's health list: one row per deployment, reachable or not, with what to do.
class DeploymentHealthModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Serves, Deployment, State, Latency, Message, ColumnCount };

    explicit DeploymentHealthModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setDeployments(const QVector<sb::DeploymentHealth> &deployments);
    static QString stateText(DeploymentHealth::State state);

private:
    QVector<DeploymentHealth> m_rows;
};

} // namespace sb
