#pragma once

#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace sb {

class ProviderDeploymentsModel;
class ProviderKeysModel;
class ProvidersController;

// The Providers & keys page: where keys are kept (the keyring, or the 0600 file and its path),
// each provider's key masked with Set / replace, Test and Remove, the deployments that use it
// with where their key comes from today, and "Use for N deployments", which writes only
// keychain/ references into the config.
class ProvidersPage final : public QWidget
{
    Q_OBJECT
public:
    // Asked before a remove with the question's text; true: go ahead. The default asks with a
    // message box; tests answer themselves.
    using Confirm = std::function<bool(const QString &question)>;

    explicit ProvidersPage(ProvidersController *controller, QWidget *parent = nullptr);
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    ProviderKeysModel *model() const { return m_model; }
    // The provider the buttons act on; empty: none selected.
    QString selectedProvider() const;
    void selectProvider(const QString &provider);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showState();
    void showSelected();
    void saveKey();
    void removeSelected();

    ProvidersController *m_controller;
    ProviderKeysModel *m_model;
    ProviderDeploymentsModel *m_deployments;
    Confirm m_confirm;
    QString m_selected;
    QLabel *m_storage;
    QLabel *m_plainWarning;
    QLabel *m_configProblem;
    QTableView *m_table;
    QLabel *m_keyLabel;
    QLineEdit *m_keyEdit;
    QPushButton *m_save;
    QPushButton *m_test;
    QPushButton *m_remove;
    QPushButton *m_use;
    QLabel *m_message;
    QLabel *m_deploymentsTitle;
    QTableView *m_deploymentsTable;
};

} // namespace sb
