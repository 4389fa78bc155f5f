#pragma once

#include "ReadOnlyTableModel.h"

#include <QString>

namespace sb {

class ProvidersController;

// The providers whose keys the page keeps, one row each, from ProvidersController: the key
// masked (never the whole of it), the address Test calls, the deployments that use it and the
// last test, save or remove in words. Read-only: keys are set through the controller.
class ProviderKeysModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Key, Address, Deployments, Status, ColumnCount };
    static constexpr int ProviderRole = Qt::UserRole; // the provider's name on any column

    explicit ProviderKeysModel(ProvidersController *controller, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ProvidersController *m_controller;
    int m_rows = 0; // as last reset: the controller's list changes before the reset signal
};

// The deployments of one provider and where each one's key comes from today (a keychain/
// reference, an environment variable and whether it is set, a key written in plain text, or
// none). Read-only.
class ProviderDeploymentsModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Deployment, ModelName, KeyFrom, ColumnCount };
    static constexpr int WarningRole = Qt::UserRole; // true: the key is in plain text or missing

    explicit ProviderDeploymentsModel(ProvidersController *controller, QObject *parent = nullptr);

    void setProvider(const QString &provider);
    QString provider() const { return m_provider; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    int providerRow() const;

    ProvidersController *m_controller;
    QString m_provider;
    int m_rows = 0;
};

} // namespace sb
