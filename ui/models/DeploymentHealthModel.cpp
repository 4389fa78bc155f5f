#include "DeploymentHealthModel.h"

#include <QBrush>
#include <QColor>

namespace sb {

DeploymentHealthModel::DeploymentHealthModel(QObject *parent) : QAbstractTableModel(parent) {}

int DeploymentHealthModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DeploymentHealthModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DeploymentHealthModel::stateText(DeploymentHealth::State state)
{
    switch (state) {
    case DeploymentHealth::State::Reachable: return tr("● reachable");
    case DeploymentHealth::State::Unreachable: return tr("● not reachable");
    case DeploymentHealth::State::CoolingDown: return tr("● cooling down");
    case DeploymentHealth::State::Failing: return tr("● failing");
    case DeploymentHealth::State::Unknown: break;
    }
    return tr("○ not checked");
}

QVariant DeploymentHealthModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DeploymentHealth &row = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Serves: return row.modelName;
        case Deployment: return row.id;
        case State: return stateText(row.state);
        case Latency: return row.latencyMs < 0 ? QStringLiteral("–") : QStringLiteral("%1 ms").arg(row.latencyMs);
        case Message: return row.message.isEmpty() ? row.apiBase : row.message;
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        switch (row.state) {
        case DeploymentHealth::State::Reachable: return QBrush(QColor(0x1e, 0x84, 0x49));
        case DeploymentHealth::State::Unreachable:
        case DeploymentHealth::State::Failing: return QBrush(QColor(0xc0, 0x39, 0x2b));
        case DeploymentHealth::State::CoolingDown: return QBrush(QColor(0xb9, 0x77, 0x0e));
        case DeploymentHealth::State::Unknown: break;
        }
    }
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 (%2)\n%3%4")
            .arg(row.id, row.modelName, row.apiBase,
                 row.message.isEmpty() ? QString() : QStringLiteral("\n") + row.message);
    if (role == Qt::TextAlignmentRole && index.column() == Latency)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DeploymentHealthModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Serves: return tr("Serves");
    case Deployment: return tr("Deployment");
    case State: return tr("State");
    case Latency: return tr("Latency");
    case Message: return tr("Address / what to do");
    default: return {};
    }
}

void DeploymentHealthModel::setDeployments(const QVector<DeploymentHealth> &deployments)
{
    // Same rows (the usual probe refresh): change the cells, keep selection and scroll.
    bool sameRows = deployments.size() == m_rows.size();
    for (int i = 0; sameRows && i < deployments.size(); ++i)
        sameRows = deployments[i].id == m_rows[i].id;
    if (sameRows) {
        m_rows = deployments;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = deployments;
    endResetModel();
}

} // namespace sb
