#include "ProvidersPage.h"

#include "controllers/ProvidersController.h"
#include "models/ProviderKeysModel.h"
#include "widgets/PageLayout.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace sb {

namespace {

const QString kWarningStyle = QStringLiteral("color: #b3261e;");

QTableView *table(const QString &objectName, QAbstractItemModel *model, QWidget *parent)
{
    QTableView *view = PageLayout::table(objectName, model, parent);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    return view;
}

// As tall as its rows (within bounds), so a short list leaves no empty box on the page.
void fitRows(QTableView *view, int maxRows)
{
    const int rows = qBound(1, view->model()->rowCount(), maxRows);
    const int height = 2 * view->frameWidth() + view->horizontalHeader()->sizeHint().height() +
                       rows * view->verticalHeader()->defaultSectionSize();
    view->setMinimumHeight(height);
    view->setMaximumHeight(height);
}

} // namespace

ProvidersPage::ProvidersPage(ProvidersController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_model(new ProviderKeysModel(controller, this)),
      m_deployments(new ProviderDeploymentsModel(controller, this))
{
    setObjectName(QStringLiteral("page-providers"));
    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Remove key"), question) == QMessageBox::Yes;
    };
    auto *layout = PageLayout::scrolling(this);
    QWidget *content = layout->parentWidget();
    layout->addWidget(PageLayout::title(tr("Providers & keys"), content));

    m_storage = PageLayout::textLabel(QStringLiteral("providers-storage"), content);
    layout->addWidget(m_storage);
    m_plainWarning = PageLayout::textLabel(QStringLiteral("providers-plaintext-warning"), content);
    m_plainWarning->setStyleSheet(kWarningStyle);
    m_plainWarning->setText(tr("⚠ A key is written in plain text in the config. Store it here and press "
                               "<b>Use for deployments</b>: the config then holds only a keychain/ reference."));
    layout->addWidget(m_plainWarning);
    m_configProblem = PageLayout::textLabel(QStringLiteral("providers-config-problem"), content);
    m_configProblem->setStyleSheet(kWarningStyle);
    layout->addWidget(m_configProblem);

    m_table = table(QStringLiteral("providers-table"), m_model, content);
    // The last check takes what is left and is elided (it is written out in full under the
    // buttons), so 800x500 needs no sideways scrolling.
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(ProviderKeysModel::Status, QHeaderView::Stretch);
    layout->addWidget(m_table);

    m_keyLabel = PageLayout::sectionTitle(QString(), content);
    layout->addWidget(m_keyLabel);
    auto *keyRow = new QHBoxLayout;
    m_keyEdit = new QLineEdit(content);
    m_keyEdit->setObjectName(QStringLiteral("providers-key-edit"));
    m_keyEdit->setEchoMode(QLineEdit::Password);
    m_keyEdit->setClearButtonEnabled(true);
    m_save = new QPushButton(tr("Set key"), content);
    m_save->setObjectName(QStringLiteral("providers-save"));
    keyRow->addWidget(m_keyEdit, 1);
    keyRow->addWidget(m_save);
    layout->addLayout(keyRow);
    auto *buttons = new QHBoxLayout;
    m_test = new QPushButton(tr("Test"), content);
    m_test->setObjectName(QStringLiteral("providers-test"));
    m_test->setToolTip(tr("List the provider's models with the stored key"));
    m_remove = new QPushButton(tr("Remove…"), content);
    m_remove->setObjectName(QStringLiteral("providers-remove"));
    m_use = new QPushButton(content);
    m_use->setObjectName(QStringLiteral("providers-use"));
    m_use->setToolTip(tr("Write keychain/ references to the stored key into these deployments' api_key "
                         "(the config is saved with a .bak; the key itself is never written)"));
    buttons->addWidget(m_test);
    buttons->addWidget(m_remove);
    buttons->addWidget(m_use);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_message = PageLayout::textLabel(QStringLiteral("providers-message"), content);
    m_message->setTextFormat(Qt::PlainText); // upstream words, shown as they came
    layout->addWidget(m_message);

    m_deploymentsTitle = PageLayout::sectionTitle(QString(), content);
    layout->addWidget(m_deploymentsTitle);
    m_deploymentsTable = table(QStringLiteral("providers-deployments"), m_deployments, content);
    // The id is the long one and the least needed in full (its tooltip names the model_list item).
    m_deploymentsTable->horizontalHeader()->setStretchLastSection(false);
    m_deploymentsTable->horizontalHeader()->setSectionResizeMode(ProviderDeploymentsModel::Deployment,
                                                                 QHeaderView::Stretch);
    layout->addWidget(m_deploymentsTable);
    layout->addStretch(1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid())
                    return;
                const QString name = current.data(ProviderKeysModel::ProviderRole).toString();
                if (name != m_selected) {
                    m_selected = name;
                    m_keyEdit->clear();
                }
                showSelected();
            });
    // A reset (a refresh) loses the selection: keep the provider the user picked.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        selectProvider(m_selected.isEmpty() && m_model->rowCount() > 0
                           ? m_model->index(0, 0).data(ProviderKeysModel::ProviderRole).toString()
                           : m_selected);
        fitRows(m_table, 12);
        showState();
    });
    connect(m_deployments, &QAbstractItemModel::modelReset, this, [this] { fitRows(m_deploymentsTable, 10); });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ProvidersPage::showSelected);
    connect(m_save, &QPushButton::clicked, this, &ProvidersPage::saveKey);
    connect(m_keyEdit, &QLineEdit::returnPressed, this, &ProvidersPage::saveKey);
    connect(m_keyEdit, &QLineEdit::textChanged, this, &ProvidersPage::showSelected);
    connect(m_test, &QPushButton::clicked, this, [this] { m_controller->test(m_selected); });
    connect(m_remove, &QPushButton::clicked, this, &ProvidersPage::removeSelected);
    connect(m_use, &QPushButton::clicked, this, [this] { m_controller->useForDeployments(m_selected); });
    fitRows(m_table, 12);
    fitRows(m_deploymentsTable, 10);
    showState();
    if (m_model->rowCount() > 0)
        selectProvider(m_model->index(0, 0).data(ProviderKeysModel::ProviderRole).toString());
}

void ProvidersPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_controller->refresh();
}

QString ProvidersPage::selectedProvider() const
{
    return m_selected;
}

void ProvidersPage::selectProvider(const QString &provider)
{
    const int row = m_controller->indexOf(provider);
    m_selected = row >= 0 ? provider : QString();
    if (row >= 0)
        m_table->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    showSelected();
}

void ProvidersPage::showState()
{
    if (!m_controller->storageKnown())
        m_storage->setText(tr("Asking the secret store…"));
    else if (m_controller->usingFile())
        m_storage->setText(tr("No keyring service answers here, so keys are kept in <code>%1</code>, a file only "
                              "you can read (0600). The config holds only <code>keychain/</code> references to them.")
                               .arg(m_controller->storageFile().toHtmlEscaped()));
    else
        m_storage->setText(tr("Keys are kept in the system keyring (service \"%1\"). The config holds only "
                              "<code>keychain/</code> references to them.")
                               .arg(SecretStore::keyringService().toHtmlEscaped()));
    m_plainWarning->setVisible(m_controller->anyPlainTextKey());
    const QString problem = m_controller->configProblem();
    m_configProblem->setVisible(!problem.isEmpty());
    m_configProblem->setText(
        tr("Where each deployment's key comes from is not known: %1").arg(problem.toHtmlEscaped()));
    showSelected();
}

void ProvidersPage::showSelected()
{
    const int row = m_controller->indexOf(m_selected);
    const ProviderEntry *entry = row >= 0 ? &m_controller->providers().at(row) : nullptr;
    const bool idle = entry && !entry->busy;
    m_keyLabel->setText(entry ? tr("Key for %1").arg(entry->label) : tr("Key"));
    m_keyEdit->setEnabled(entry != nullptr);
    m_keyEdit->setPlaceholderText(entry ? tr("Paste the key for %1").arg(entry->label) : QString());
    m_save->setText(entry && entry->hasKey ? tr("Replace key") : tr("Set key"));
    m_save->setEnabled(idle && !m_keyEdit->text().trimmed().isEmpty());
    m_test->setEnabled(idle && entry->hasKey);
    m_remove->setEnabled(idle && entry->hasKey);
    const int toPoint = entry ? entry->deploymentsToPoint() : 0;
    m_use->setText(tr("Use for %n deployment(s)", nullptr, toPoint));
    m_use->setVisible(entry && entry->hasKey && toPoint > 0);
    m_use->setEnabled(idle);
    m_message->setText(entry ? entry->status : QString());
    m_message->setVisible(!m_message->text().isEmpty());
    m_message->setStyleSheet(entry && !entry->statusOk && !entry->busy ? kWarningStyle : QString());
    if (m_deployments->provider() != m_selected)
        m_deployments->setProvider(m_selected);
    const bool used = entry && !entry->deployments.isEmpty();
    m_deploymentsTitle->setText(used    ? tr("Deployments using %1").arg(entry->label)
                                : entry ? tr("No deployment in the config uses %1 yet; add one on the "
                                             "Mappings page.")
                                              .arg(entry->label)
                                        : QString());
    m_deploymentsTable->setVisible(used);
}

void ProvidersPage::saveKey()
{
    const QString key = m_keyEdit->text().trimmed();
    if (m_selected.isEmpty() || key.isEmpty())
        return;
    m_controller->setKey(m_selected, key);
    m_keyEdit->clear(); // the key lives in the store now, not in a widget
}

void ProvidersPage::removeSelected()
{
    const int row = m_controller->indexOf(m_selected);
    if (row < 0)
        return;
    const ProviderEntry &entry = m_controller->providers().at(row);
    QString question = tr("Remove the %1 key (%2) from the secret store?").arg(entry.label, entry.maskedKey);
    int referring = 0;
    for (const ProviderDeployment &deployment : entry.deployments) {
        if (deployment.source.kind == KeySource::Kind::Keychain && deployment.source.name == entry.secretName)
            ++referring;
    }
    if (referring > 0)
        question += QLatin1Char(' ') +
                    tr("%n deployment(s) refer to it and will send no key until one is set again.", nullptr, referring);
    if (m_confirm(question))
        m_controller->removeKey(m_selected);
}

} // namespace sb
