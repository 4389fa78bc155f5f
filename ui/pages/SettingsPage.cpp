#include "SettingsPage.h"

#include "widgets/PageLayout.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace sb {

namespace {

const char *const kGood = "#2e7d32";
const char *const kBad = "#c62828";

QLabel *noteLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    return label;
}

QString colored(const char *color, const QString &text)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(color), text.toHtmlEscaped());
}

} // namespace

SettingsPage::SettingsPage(SettingsController *controller, QWidget *parent) : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("page-settings"));
    auto *layout = PageLayout::scrolling(this);
    QWidget *content = layout->parentWidget();
    layout->addWidget(PageLayout::title(tr("Settings"), content));

    // The config file's settings.
    auto *gateway = new QGroupBox(tr("Gateway (saved in the config file)"), content);
    auto *gatewayLayout = new QVBoxLayout(gateway);
    auto *file = noteLabel(QStringLiteral("settings-config-path"), gateway);
    file->setText(tr("File: <code>%1</code>").arg(m_controller->configPath().toHtmlEscaped()));
    file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    gatewayLayout->addWidget(file);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    for (const SettingsField &field : m_controller->configFields()) {
        auto *column = new QWidget(gateway);
        auto *columnLayout = new QVBoxLayout(column);
        columnLayout->setContentsMargins(0, 0, 0, 0);
        columnLayout->setSpacing(2);
        FieldWidgets widgets;
        widgets.edit = new QLineEdit(column);
        widgets.edit->setObjectName(QStringLiteral("settings-%1").arg(field.id));
        widgets.edit->setToolTip(field.configKey);
        widgets.error = noteLabel(QStringLiteral("settings-%1-error").arg(field.id), column);
        widgets.error->hide();
        auto *help = noteLabel(QStringLiteral("settings-%1-help").arg(field.id), column);
        const bool isKey = !field.configKey.contains(QLatin1Char(' '));
        help->setText(QStringLiteral("<small>%1<br>%2 · %3</small>")
                          .arg(field.description.toHtmlEscaped(), tr("Allowed: %1").arg(field.bounds.toHtmlEscaped()),
                               isKey ? tr("config key <code>%1</code>").arg(field.configKey.toHtmlEscaped())
                                     : tr("config: %1").arg(field.configKey.toHtmlEscaped())));
        // Numbers get a short box with their unit; addresses the full width.
        const bool number = field.id == QLatin1String("port") || field.id == QLatin1String("retention");
        auto *editRow = new QHBoxLayout;
        editRow->addWidget(widgets.edit, number ? 0 : 1);
        if (number) {
            widgets.edit->setMaximumWidth(widgets.edit->fontMetrics().horizontalAdvance(QStringLiteral("0000000")) +
                                          24);
            if (field.id == QLatin1String("retention"))
                editRow->addWidget(new QLabel(tr("days"), column));
            editRow->addStretch();
        }
        columnLayout->addLayout(editRow);
        columnLayout->addWidget(widgets.error);
        columnLayout->addWidget(help);
        form->addRow(field.label + QLatin1Char(':'), column);
        connect(widgets.edit, &QLineEdit::returnPressed, this, &SettingsPage::save);
        connect(widgets.edit, &QLineEdit::textChanged, this, [this] {
            bool changed = false;
            for (const FieldWidgets &each : qAsConst(m_fields))
                changed = changed || each.edit->text() != each.saved;
            m_save->setEnabled(changed && !m_controller->isSaving());
            m_revert->setEnabled(changed);
        });
        m_fields.insert(field.id, widgets);
    }
    gatewayLayout->addLayout(form);
    auto *saveRow = new QHBoxLayout;
    m_save = new QPushButton(tr("Save"), gateway);
    m_save->setObjectName(QStringLiteral("settings-save"));
    m_save->setToolTip(tr("Write the changed values to the config file (a backup is kept as .bak)"));
    m_revert = new QPushButton(tr("Revert"), gateway);
    m_revert->setObjectName(QStringLiteral("settings-revert"));
    saveRow->addWidget(m_save);
    saveRow->addWidget(m_revert);
    saveRow->addStretch();
    gatewayLayout->addLayout(saveRow);
    m_saveResult = noteLabel(QStringLiteral("settings-save-result"), gateway);
    m_saveResult->hide();
    gatewayLayout->addWidget(m_saveResult);
    layout->addWidget(gateway);

    // The token.
    auto *tokenBox = new QGroupBox(tr("Gateway token"), content);
    auto *tokenLayout = new QVBoxLayout(tokenBox);
    auto *tokenHelp = noteLabel(QStringLiteral("settings-token-help"), tokenBox);
    tokenHelp->setText(tr("Clients send it as their API key (Claude Code: ANTHROPIC_AUTH_TOKEN)."));
    m_tokenHelp = tokenHelp;
    tokenLayout->addWidget(tokenHelp);
    auto *tokenRow = new QHBoxLayout;
    m_token = new QLineEdit(tokenBox);
    m_token->setObjectName(QStringLiteral("settings-token"));
    m_token->setReadOnly(true);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("reading…"));
    m_showToken = new QPushButton(tr("Show"), tokenBox);
    m_showToken->setObjectName(QStringLiteral("settings-token-show"));
    m_copyToken = new QPushButton(tr("Copy"), tokenBox);
    m_copyToken->setObjectName(QStringLiteral("settings-token-copy"));
    m_regenerate = new QPushButton(tr("Regenerate…"), tokenBox);
    m_regenerate->setObjectName(QStringLiteral("settings-token-regenerate"));
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(m_showToken);
    tokenRow->addWidget(m_copyToken);
    tokenRow->addWidget(m_regenerate);
    tokenLayout->addLayout(tokenRow);
    m_regenerateConfirm = new QFrame(tokenBox);
    m_regenerateConfirm->setObjectName(QStringLiteral("settings-token-confirm"));
    m_regenerateConfirm->setFrameShape(QFrame::StyledPanel);
    auto *confirmLayout = new QVBoxLayout(m_regenerateConfirm);
    auto *confirmText = noteLabel(QString(), m_regenerateConfirm);
    confirmText->setText(tr("A new token replaces the old one. Once the gateway restarts, every client still "
                            "using the old token is refused until it gets the new one (Claude Code: Connect "
                            "again)."));
    confirmLayout->addWidget(confirmText);
    auto *confirmRow = new QHBoxLayout;
    auto *confirmYes = new QPushButton(tr("Make a new token"), m_regenerateConfirm);
    confirmYes->setObjectName(QStringLiteral("settings-token-confirm-yes"));
    auto *confirmNo = new QPushButton(tr("Cancel"), m_regenerateConfirm);
    confirmRow->addWidget(confirmYes);
    confirmRow->addWidget(confirmNo);
    confirmRow->addStretch();
    confirmLayout->addLayout(confirmRow);
    m_regenerateConfirm->hide();
    tokenLayout->addWidget(m_regenerateConfirm);
    m_tokenNote = noteLabel(QStringLiteral("settings-token-note"), tokenBox);
    m_tokenNote->hide();
    tokenLayout->addWidget(m_tokenNote);
    layout->addWidget(tokenBox);

    // The desktop app.
    auto *desktop = new QGroupBox(tr("Desktop"), content);
    auto *desktopLayout = new QVBoxLayout(desktop);
    m_loginStart = new QCheckBox(tr("Start Switchboard when I log in"), desktop);
    m_loginStart->setObjectName(QStringLiteral("settings-login-start"));
    m_loginStart->setToolTip(m_controller->loginStartLocation());
    m_startMinimised = new QCheckBox(tr("Start minimised to the tray (no window, the gateway runs)"), desktop);
    m_startMinimised->setObjectName(QStringLiteral("settings-start-minimised"));
    m_closeToTray = new QCheckBox(tr("Closing the window keeps the gateway running in the tray"), desktop);
    m_closeToTray->setObjectName(QStringLiteral("settings-close-to-tray"));
    m_desktopNote = noteLabel(QStringLiteral("settings-desktop-note"), desktop);
    m_desktopNote->setText(
        QStringLiteral("<small>%1</small>")
            .arg(tr("Login start entry: %1")
                     .arg(QStringLiteral("<code>%1</code>").arg(m_controller->loginStartLocation().toHtmlEscaped()))));
    m_desktopNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    desktopLayout->addWidget(m_loginStart);
    desktopLayout->addWidget(m_startMinimised);
    desktopLayout->addWidget(m_closeToTray);
    desktopLayout->addWidget(m_desktopNote);
    layout->addWidget(desktop);
    layout->addStretch();

    m_loginStart->setChecked(m_controller->startsAtLogin());
    m_startMinimised->setChecked(m_controller->startMinimised());
    m_closeToTray->setChecked(m_controller->closeToTray());

    connect(m_save, &QPushButton::clicked, this, &SettingsPage::save);
    connect(m_revert, &QPushButton::clicked, this, &SettingsPage::showFields);
    connect(m_controller, &SettingsController::configChanged, this, &SettingsPage::showFields);
    connect(m_controller, &SettingsController::configSaved, this, [this](bool ok, const QString &message) {
        m_saveResult->setText(colored(ok ? kGood : kBad, message));
        m_saveResult->show();
        m_save->setEnabled(!ok);
    });
    connect(m_showToken, &QPushButton::clicked, this, [this] {
        m_tokenVisible = !m_tokenVisible;
        showToken();
    });
    connect(m_copyToken, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_controller->token());
        m_tokenNote->setText(tr("Token copied to the clipboard."));
        m_tokenNote->show();
    });
    connect(m_regenerate, &QPushButton::clicked, m_regenerateConfirm, &QWidget::show);
    connect(confirmNo, &QPushButton::clicked, m_regenerateConfirm, &QWidget::hide);
    connect(confirmYes, &QPushButton::clicked, this, [this] {
        m_regenerateConfirm->hide();
        m_controller->regenerateToken();
    });
    connect(m_controller, &SettingsController::tokenChanged, this, &SettingsPage::showToken);
    connect(m_controller, &SettingsController::tokenRegenerated, this, [this] {
        m_tokenNote->setText(colored(kBad, tr("New token saved. The running gateway accepts only the old one until "
                                              "it restarts: restart it, then Connect Claude Code again.")));
        m_tokenNote->show();
    });
    connect(m_controller, &SettingsController::tokenFailed, this, [this](const QString &message) {
        m_tokenNote->setText(colored(kBad, message));
        m_tokenNote->show();
    });
    connect(m_loginStart, &QCheckBox::toggled, m_controller, &SettingsController::setStartAtLogin);
    connect(m_controller, &SettingsController::loginStartChanged, this, [this](bool on, const QString &error) {
        const QSignalBlocker blocker(m_loginStart);
        m_loginStart->setChecked(on);
        if (!error.isEmpty())
            m_desktopNote->setText(colored(kBad, error));
    });
    connect(m_startMinimised, &QCheckBox::toggled, m_controller, &SettingsController::setStartMinimised);
    connect(m_closeToTray, &QCheckBox::toggled, m_controller, &SettingsController::setCloseToTray);

    showFields();
    showToken();
    if (m_controller->token().isEmpty())
        m_controller->loadToken();
}

void SettingsPage::showFields()
{
    for (const SettingsField &field : m_controller->configFields()) {
        auto it = m_fields.find(field.id);
        if (it == m_fields.end())
            continue;
        it->saved = field.value;
        it->edit->setText(field.value);
        it->error->hide();
        it->edit->setEnabled(field.id != QLatin1String("ollama") || !field.value.isEmpty());
    }
    m_save->setEnabled(false);
    m_revert->setEnabled(false);
}

void SettingsPage::save()
{
    QMap<QString, QString> changes;
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        it->error->hide();
        if (it->edit->text().trimmed() != it->saved)
            changes.insert(it.key(), it->edit->text());
    }
    if (changes.isEmpty())
        return;
    const QMap<QString, QString> refused = m_controller->saveConfigFields(changes);
    for (auto it = refused.cbegin(); it != refused.cend(); ++it) {
        m_fields[it.key()].error->setText(colored(kBad, it.value()));
        m_fields[it.key()].error->show();
    }
    if (!refused.isEmpty()) {
        m_saveResult->setText(colored(kBad, tr("Nothing was written: fix the value marked above.")));
        m_saveResult->show();
    } else {
        m_saveResult->setText(tr("Saving…"));
        m_saveResult->show();
        m_save->setEnabled(false);
    }
}

void SettingsPage::showToken()
{
    const QString token = m_controller->token();
    if (!token.isEmpty()) {
        const QString where = m_controller->tokenStorage();
        m_tokenHelp->setText(
            tr("Clients send it as their API key (Claude Code: ANTHROPIC_AUTH_TOKEN). %1")
                .arg(where.isEmpty() ? tr("Kept in the system keyring.")
                                     : tr("No keyring service answered, so it is kept in %1, readable only by you.")
                                           .arg(QStringLiteral("<code>%1</code>").arg(where.toHtmlEscaped()))));
    }
    m_token->setText(token);
    m_token->setEchoMode(m_tokenVisible ? QLineEdit::Normal : QLineEdit::Password);
    m_showToken->setText(m_tokenVisible ? tr("Hide") : tr("Show"));
    m_copyToken->setEnabled(!token.isEmpty());
}

} // namespace sb
