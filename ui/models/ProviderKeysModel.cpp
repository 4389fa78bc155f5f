#include "ProviderKeysModel.h"

#include "controllers/ProvidersController.h"

#include <QBrush>
#include <QColor>

namespace sb {

namespace {

const QColor kWarning(0xb3, 0x26, 0x1e);
const QColor kGood(0x1e, 0x84, 0x49);

QString address(const QUrl &url)
{
    QString text = url.host();
    if (url.port() >= 0)
        text += QLatin1Char(':') + QString::number(url.port());
    const QString path = url.path();
    return path.isEmpty() || path == QStringLiteral("/") ? text : text + path;
}

QString keyFromText(const KeySource &source)
{
    switch (source.kind) {
    case KeySource::Kind::Keychain:
        return source.available
                   ? ProviderDeploymentsModel::tr("keychain/%1 (stored)").arg(source.name)
                   : ProviderDeploymentsModel::tr("keychain/%1 — not in the secret store").arg(source.name);
    case KeySource::Kind::Environment:
        return source.available ? ProviderDeploymentsModel::tr("environment variable %1 (set)").arg(source.name)
                                : ProviderDeploymentsModel::tr("environment variable %1 — not set").arg(source.name);
    case KeySource::Kind::DefaultVariable:
        return ProviderDeploymentsModel::tr("the provider's usual environment variable (set)");
    case KeySource::Kind::PlainText:
        return ProviderDeploymentsModel::tr("%1 — written in plain text in the config").arg(source.name);
    case KeySource::Kind::None: break;
    }
    return ProviderDeploymentsModel::tr("none: no key is sent");
}

bool needsAttention(const KeySource &source)
{
    return source.kind == KeySource::Kind::PlainText || !source.available;
}

} // namespace

ProviderKeysModel::ProviderKeysModel(ProvidersController *controller, QObject *parent)
    : ReadOnlyTableModel(parent), m_controller(controller), m_rows(int(controller->providers().size()))
{
    connect(controller, &ProvidersController::changed, this, [this] {
        beginResetModel();
        m_rows = int(m_controller->providers().size());
        endResetModel();
    });
    connect(controller, &ProvidersController::providerChanged, this, [this](int row) {
        if (row >= 0 && row < m_rows)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    });
}

int ProviderKeysModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int ProviderKeysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProviderKeysModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index) || index.row() >= m_controller->providers().size())
        return {};
    const ProviderEntry &entry = m_controller->providers().at(index.row());
    if (role == ProviderRole)
        return entry.name;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return entry.label;
        case Key:
            if (!entry.keyKnown)
                return tr("…");
            return entry.hasKey ? entry.maskedKey : tr("not set");
        case Address: return address(entry.apiBase);
        case Deployments: return entry.deployments.isEmpty() ? tr("none") : QString::number(entry.deployments.size());
        case Status: return entry.status;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Name: return tr("Kept as %1 in the secret store").arg(entry.secretName);
        case Deployments: {
            QStringList ids;
            for (const ProviderDeployment &deployment : entry.deployments)
                ids.append(deployment.id);
            return ids.isEmpty() ? tr("No deployment in the config uses this provider") : ids.join(QLatin1Char('\n'));
        }
        case Status: return entry.status.isEmpty() ? QVariant() : entry.status;
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status && !entry.status.isEmpty() && !entry.busy)
        return QBrush(entry.statusOk ? kGood : kWarning);
    if (role == Qt::ForegroundRole && index.column() == Key && entry.keyKnown && !entry.hasKey)
        return QBrush(QColor(0x80, 0x80, 0x80));
    return {};
}

QVariant ProviderKeysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Provider");
    case Key: return tr("Key");
    case Address: return tr("Address");
    case Deployments: return tr("Used by");
    case Status: return tr("Last check");
    default: return {};
    }
}

ProviderDeploymentsModel::ProviderDeploymentsModel(ProvidersController *controller, QObject *parent)
    : ReadOnlyTableModel(parent), m_controller(controller)
{
    connect(controller, &ProvidersController::changed, this, [this] { setProvider(m_provider); });
}

void ProviderDeploymentsModel::setProvider(const QString &provider)
{
    beginResetModel();
    m_provider = provider;
    const int row = providerRow();
    m_rows = row >= 0 ? int(m_controller->providers().at(row).deployments.size()) : 0;
    endResetModel();
}

int ProviderDeploymentsModel::providerRow() const
{
    return m_provider.isEmpty() ? -1 : m_controller->indexOf(m_provider);
}

int ProviderDeploymentsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int ProviderDeploymentsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProviderDeploymentsModel::data(const QModelIndex &index, int role) const
{
    const int at = providerRow();
    if (!isCell(index) || at < 0)
        return {};
    const QList<ProviderDeployment> &deployments = m_controller->providers().at(at).deployments;
    if (index.row() >= deployments.size())
        return {};
    const ProviderDeployment &deployment = deployments.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Deployment: return deployment.id;
        case ModelName: return deployment.modelName;
        case KeyFrom: return keyFromText(deployment.source);
        default: return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == KeyFrom && deployment.source.kind == KeySource::Kind::PlainText)
            return tr("A key is written in plain text in the config; Use for deployments replaces it with a "
                      "reference");
        if (index.column() == KeyFrom)
            return keyFromText(deployment.source);
        if (index.column() == Deployment)
            return tr("model_list[%1] in the config").arg(deployment.index);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == KeyFrom && needsAttention(deployment.source))
            return QBrush(kWarning);
        return {};
    case WarningRole: return needsAttention(deployment.source);
    default: return {};
    }
}

QVariant ProviderDeploymentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Deployment: return tr("Deployment");
    case ModelName: return tr("Client model");
    case KeyFrom: return tr("Key comes from");
    default: return {};
    }
}

} // namespace sb
