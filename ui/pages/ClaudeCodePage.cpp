#include "ClaudeCodePage.h"

#include "widgets/PageLayout.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace sb {

namespace {

const char *const kGood = "#2e7d32";
const char *const kBad = "#c62828";

QString colored(const char *color, const QString &text)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(color), text);
}

QString code(const QString &text)
{
    return QStringLiteral("<code>%1</code>").arg(text.toHtmlEscaped());
}

bool isSecretKey(const QString &key)
{
    return key == QLatin1String("ANTHROPIC_AUTH_TOKEN") || key == QLatin1String("ANTHROPIC_API_KEY");
}

QString shortenedSecret(const QString &secret)
{
    if (secret.size() <= 10)
        return QStringLiteral("••••");
    return secret.left(3) + QStringLiteral("…") + secret.right(4);
}

QString valueText(const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("(not set)");
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isString())
        return isSecretKey(key) ? shortenedSecret(value.toString()) : value.toString();
    return QString::fromUtf8(QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
}

} // namespace

ClaudeCodePage::ClaudeCodePage(ClaudeCodeController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("page-claude-code"));
    auto *layout = PageLayout::scrolling(this);
    QWidget *content = layout->parentWidget();
    layout->addWidget(PageLayout::title(tr("Claude Code"), content));

    m_summary = PageLayout::textLabel(QStringLiteral("claude-summary"), content);
    layout->addWidget(m_summary);

    // Connection: what is installed, what points where, what to do.
    auto *connection = new QGroupBox(tr("Connection"), content);
    auto *connectionLayout = new QVBoxLayout(connection);
    m_install = PageLayout::textLabel(QStringLiteral("claude-install"), connection);
    m_sources = PageLayout::textLabel(QStringLiteral("claude-sources"), connection);
    m_problems = PageLayout::textLabel(QStringLiteral("claude-problems"), connection);
    connectionLayout->addWidget(m_install);
    connectionLayout->addWidget(m_sources);
    connectionLayout->addWidget(m_problems);

    auto *buttons = new QHBoxLayout;
    m_connect = new QPushButton(tr("Connect…"), connection);
    m_connect->setObjectName(QStringLiteral("claude-connect"));
    m_connect->setToolTip(tr("Point Claude Code's user settings at this gateway (shows the changes first)"));
    m_disconnect = new QPushButton(tr("Disconnect…"), connection);
    m_disconnect->setObjectName(QStringLiteral("claude-disconnect"));
    m_disconnect->setToolTip(tr("Put back what Connect changed (shows the changes first)"));
    m_verify = new QPushButton(tr("Verify"), connection);
    m_verify->setObjectName(QStringLiteral("claude-verify"));
    m_verify->setToolTip(tr("Send one short request through the gateway, as Claude Code would"));
    m_refresh = new QPushButton(tr("Refresh"), connection);
    m_refresh->setObjectName(QStringLiteral("claude-refresh"));
    m_copySnippet = new QPushButton(tr("Copy settings"), connection);
    m_copySnippet->setObjectName(QStringLiteral("claude-copy-settings"));
    m_copySnippet->setToolTip(tr("Copy the \"env\" block Connect writes, to paste into settings.json by hand"));
    for (QPushButton *button : {m_connect, m_disconnect, m_verify, m_refresh, m_copySnippet})
        buttons->addWidget(button);
    buttons->addStretch();
    connectionLayout->addLayout(buttons);

    m_preview = new QFrame(connection);
    m_preview->setObjectName(QStringLiteral("claude-preview"));
    m_preview->setFrameShape(QFrame::StyledPanel);
    auto *previewLayout = new QVBoxLayout(m_preview);
    m_previewTitle = PageLayout::textLabel(QStringLiteral("claude-preview-title"), m_preview);
    m_previewKeys = PageLayout::textLabel(QStringLiteral("claude-preview-keys"), m_preview);
    previewLayout->addWidget(m_previewTitle);
    previewLayout->addWidget(m_previewKeys);
    auto *previewButtons = new QHBoxLayout;
    m_previewApply = new QPushButton(tr("Write these changes"), m_preview);
    m_previewApply->setObjectName(QStringLiteral("claude-preview-apply"));
    m_previewCancel = new QPushButton(tr("Cancel"), m_preview);
    m_previewCancel->setObjectName(QStringLiteral("claude-preview-cancel"));
    previewButtons->addWidget(m_previewApply);
    previewButtons->addWidget(m_previewCancel);
    previewButtons->addStretch();
    previewLayout->addLayout(previewButtons);
    m_preview->hide();
    connectionLayout->addWidget(m_preview);

    m_result = PageLayout::textLabel(QStringLiteral("claude-result"), connection);
    m_verifyResult = PageLayout::textLabel(QStringLiteral("claude-verify-result"), connection);
    m_result->hide();
    m_verifyResult->hide();
    connectionLayout->addWidget(m_result);
    connectionLayout->addWidget(m_verifyResult);
    layout->addWidget(connection);

    // Models: which deployment answers each name Claude Code sends.
    auto *models = new QGroupBox(tr("Which model answers"), content);
    models->setObjectName(QStringLiteral("claude-models"));
    auto *modelsLayout = new QVBoxLayout(models);
    auto *modelsNote = PageLayout::textLabel(QStringLiteral("claude-models-note"), models);
    modelsNote->setText(tr("A model id of each tier as Claude Code sends it (2.1.332 starts on claude-opus-5-5; "
                           "ANTHROPIC_DEFAULT_OPUS/SONNET/HAIKU_MODEL replace them), resolved with the current "
                           "config. Nothing is sent."));
    modelsLayout->addWidget(modelsNote);
    m_routes = new QGridLayout;
    m_routes->setColumnStretch(1, 1);
    m_routes->setHorizontalSpacing(16);
    modelsLayout->addLayout(m_routes);
    layout->addWidget(models);
    layout->addStretch();

    connect(m_connect, &QPushButton::clicked, m_controller,
            [this] { m_controller->requestPreview(ClaudeCodeController::Action::Connect); });
    connect(m_disconnect, &QPushButton::clicked, m_controller,
            [this] { m_controller->requestPreview(ClaudeCodeController::Action::Disconnect); });
    connect(m_verify, &QPushButton::clicked, m_controller, &ClaudeCodeController::verify);
    connect(m_refresh, &QPushButton::clicked, m_controller, &ClaudeCodeController::refreshStatus);
    connect(m_copySnippet, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_controller->settingsSnippet());
        m_result->setText(tr("Copied the \"env\" block Connect writes (it holds the gateway token). Paste it "
                             "into %1, or press Connect to have it written for you.")
                              .arg(code(m_controller->setup().paths.userSettingsFile())));
        m_result->show();
    });
    connect(m_previewApply, &QPushButton::clicked, this, [this] {
        m_preview->hide();
        m_controller->apply(m_previewAction);
    });
    connect(m_previewCancel, &QPushButton::clicked, this, [this] {
        m_preview->hide();
        updateButtons();
    });
    connect(m_controller, &ClaudeCodeController::statusChanged, this, &ClaudeCodePage::showStatus);
    connect(m_controller, &ClaudeCodeController::routesChanged, this, &ClaudeCodePage::showRoutes);
    connect(m_controller, &ClaudeCodeController::busyChanged, this, &ClaudeCodePage::updateButtons);
    connect(m_controller, &ClaudeCodeController::previewReady, this, &ClaudeCodePage::showPreview);
    connect(m_controller, &ClaudeCodeController::actionFinished, this, &ClaudeCodePage::showResult);
    connect(m_controller, &ClaudeCodeController::verifyStarted, this, [this] {
        m_verifying = true;
        m_verifyResult->setText(tr("Verifying: sending one short request through the gateway…"));
        m_verifyResult->show();
        updateButtons();
    });
    connect(m_controller, &ClaudeCodeController::verifyFinished, this, &ClaudeCodePage::showVerify);

    showStatus();
    showRoutes();
    if (!m_controller->status())
        m_controller->refreshStatus();
}

QString ClaudeCodePage::describeChange(const ConnectorKeyChange &change)
{
    return QStringLiteral("%1: %2 → %3")
        .arg(change.key, valueText(change.key, change.before), valueText(change.key, change.after));
}

void ClaudeCodePage::showStatus()
{
    const std::optional<ClaudeCodeStatus> &status = m_controller->status();
    const ClaudeCodeSetup &setup = m_controller->setup();
    const QString home = setup.paths.homeDir;
    const auto tidy = [&home](const QString &path) {
        return !home.isEmpty() && path.startsWith(home + QLatin1Char('/')) ? QStringLiteral("~") + path.mid(home.size())
                                                                           : path;
    };
    if (!status) {
        m_summary->setText(tr("Checking Claude Code…"));
        m_install->clear();
        m_sources->clear();
        m_problems->clear();
        updateButtons();
        return;
    }
    if (status->connected()) {
        m_summary->setText(colored(kGood, tr("● Connected: Claude Code sends its requests to this gateway (%1).")
                                              .arg(setup.gatewayBaseUrl.toHtmlEscaped())));
    } else if (status->userSettingsPointAtGateway && status->tokenMatches) {
        m_summary->setText(colored(kBad, tr("● Set up for this gateway, but something below still stands in "
                                            "the way.")));
    } else {
        m_summary->setText(colored(kBad, tr("○ Not connected: Claude Code does not use this gateway (%1).")
                                             .arg(setup.gatewayBaseUrl.toHtmlEscaped())));
    }

    m_install->setText(
        status->binaryPath.isEmpty()
            ? tr("<b>Installed:</b> no — <code>claude</code> is not on PATH, in ~/.local/bin, "
                 "~/.claude/local or npm's global folder. Install it with "
                 "<code>npm install -g @anthropic-ai/claude-code</code>.")
            : tr("<b>Installed:</b> Claude Code %1 at %2")
                  .arg(status->version.isEmpty() ? tr("(version unknown)") : status->version.toHtmlEscaped(),
                       code(tidy(status->binaryPath))));

    QStringList lines;
    if (status->sources.isEmpty()) {
        lines.append(tr("Nothing sets ANTHROPIC_BASE_URL, so Claude Code talks to Anthropic directly "
                        "(api.anthropic.com)."));
    }
    for (int i = 0; i < status->sources.size(); ++i) {
        const BaseUrlSource &source = status->sources.at(i);
        QString where;
        if (source.scope == QLatin1String("local"))
            where = tr("This project's local settings %1").arg(code(tidy(source.file)));
        else if (source.scope == QLatin1String("project"))
            where = tr("This project's shared settings %1").arg(code(tidy(source.file)));
        else if (source.scope == QLatin1String("user"))
            where = tr("Your user settings %1").arg(code(tidy(source.file)));
        else
            where = tr("Your shell's environment variable ANTHROPIC_BASE_URL");
        const QString target =
            source.pointsAtGateway ? colored(kGood, tr("this gateway")) : colored(kBad, tr("not this gateway"));
        const QString effect = i == 0 ? tr("in effect") : tr("overridden by the line above");
        lines.append(tr("%1 sends Claude Code to %2 — %3 (%4).").arg(where, code(source.baseUrl), target, effect));
    }
    QString sourcesText = tr("<b>Where the address comes from</b> (highest first):") + QStringLiteral("<br>• ") +
                          lines.join(QStringLiteral("<br>• "));
    if (!setup.paths.projectDir.isEmpty())
        sourcesText += QStringLiteral("<br><small>") +
                       tr("Project settings are read from %1 (the folder Switchboard started in); another project "
                          "may have its own .claude/settings.local.json.")
                           .arg(code(tidy(setup.paths.projectDir))) +
                       QStringLiteral("</small>");
    m_sources->setText(sourcesText);

    QStringList problems;
    for (QString problem : status->problems) {
        if (problem.startsWith(QLatin1String("Claude Code is not installed")))
            continue; // said above
        problem.replace(QStringLiteral("run `switchboard claude connect` again"),
                        QStringLiteral("press Connect again"));
        problem.replace(QStringLiteral("run `switchboard claude connect`"), QStringLiteral("press Connect"));
        problems.append(QStringLiteral("• ") + problem.toHtmlEscaped().replace(home, QStringLiteral("~")));
    }
    m_problems->setVisible(!problems.isEmpty());
    m_problems->setText(tr("<b>To do:</b><br>") + problems.join(QStringLiteral("<br>")));
    updateButtons();
}

void ClaudeCodePage::setDeploymentHealth(const QVector<DeploymentHealth> &deployments)
{
    QHash<QString, DeploymentHealth> health;
    for (const DeploymentHealth &row : deployments)
        health.insert(row.id, row);
    bool same = health.size() == m_health.size();
    for (const DeploymentHealth &row : deployments) {
        const auto old = m_health.constFind(row.id);
        same = same && old != m_health.constEnd() && old->state == row.state && old->message == row.message;
    }
    if (same)
        return; // the probe's usual refresh: nothing a reader would see changed
    m_health = health;
    showRoutes();
}

void ClaudeCodePage::showRoutes()
{
    while (QLayoutItem *item = m_routes->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    QWidget *parent = m_routes->parentWidget();
    auto *askHeader = new QLabel(tr("<b>Claude Code asks for</b>"), parent);
    auto *servedHeader = new QLabel(tr("<b>Answered by</b>"), parent);
    m_routes->addWidget(askHeader, 0, 0);
    m_routes->addWidget(servedHeader, 0, 1);
    int row = 1;
    for (const ClaudeModelRoute &route : m_controller->modelRoutes()) {
        auto *name = PageLayout::textLabel(QStringLiteral("claude-route-name-%1").arg(route.family.toLower()), parent);
        name->setText(QStringLiteral("%1 %2").arg(route.family.toHtmlEscaped(), code(route.clientModel)));
        name->setWordWrap(false);
        auto *served = PageLayout::textLabel(QStringLiteral("claude-route-%1").arg(route.family.toLower()), parent);
        if (route.group.isEmpty()) {
            served->setText(colored(kBad, tr("nothing: no model_name, alias or pattern in the config matches, so "
                                             "these requests fail")));
        } else {
            QStringList parts;
            for (qsizetype i = 0; i < route.deployments.size(); ++i) {
                QString part = route.deployments.at(i).toHtmlEscaped();
                const auto health = m_health.constFind(route.deploymentIds.value(i));
                if (health != m_health.constEnd() && !health->message.isEmpty() &&
                    health->state != DeploymentHealth::State::Reachable) {
                    // The probe's advice names the problem itself ("… not reachable: is `ollama
                    // serve` running?"); a failing one is said to be failing first.
                    QString said = health->message.toHtmlEscaped();
                    if (health->state == DeploymentHealth::State::CoolingDown)
                        said = tr("cooling down after failures: %1").arg(said);
                    else if (health->state == DeploymentHealth::State::Failing)
                        said = tr("its last request failed: %1").arg(said);
                    part += QStringLiteral("<br>") + colored(kBad, QStringLiteral("● ") + said);
                }
                parts.append(part);
            }
            QString text = parts.join(QStringLiteral("<br>"));
            QStringList via{tr("config entry %1").arg(code(route.group))};
            if (!route.rule.isEmpty())
                via.append(tr("rule %1").arg(code(route.rule)));
            if (!route.fallbackGroups.isEmpty())
                via.append(tr("then %1").arg(code(route.fallbackGroups.join(QStringLiteral(", ")))));
            text += QStringLiteral("<br><small>%1</small>").arg(via.join(QStringLiteral(" · ")));
            served->setText(text);
        }
        m_routes->addWidget(name, row, 0, Qt::AlignTop);
        m_routes->addWidget(served, row, 1, Qt::AlignTop);
        ++row;
    }
}

void ClaudeCodePage::showPreview(ClaudeCodeController::Action action, const ConnectorResult &preview)
{
    m_previewAction = action;
    const bool connecting = action == ClaudeCodeController::Action::Connect;
    m_result->hide();
    if (!preview.ok) {
        m_previewTitle->setText(
            colored(kBad, tr("%1 would fail, nothing was changed: %2")
                              .arg(connecting ? tr("Connect") : tr("Disconnect"), preview.message.toHtmlEscaped())));
        m_previewKeys->clear();
        m_previewApply->hide();
    } else if (preview.keyChanges.isEmpty()) {
        m_previewTitle->setText(connecting ? tr("Nothing to change: Claude Code's settings already point at "
                                                "this gateway with its current token.")
                                           : tr("Nothing to undo: %1").arg(preview.message.toHtmlEscaped()));
        m_previewKeys->clear();
        m_previewApply->hide();
    } else {
        m_previewTitle->setText(
            (connecting ? tr("<b>Connect will change %n key(s)</b> (a backup is made first):", nullptr,
                             preview.keyChanges.size())
                        : tr("<b>Disconnect will put back %n key(s)</b> (a backup is made first):", nullptr,
                             preview.keyChanges.size())));
        QString text;
        QString file;
        for (const ConnectorKeyChange &change : preview.keyChanges) {
            if (change.file != file) {
                file = change.file;
                text += tr("In %1:").arg(code(file)) + QStringLiteral("<br>");
            }
            text += QStringLiteral("&nbsp;&nbsp;") + code(describeChange(change)) + QStringLiteral("<br>");
        }
        m_previewKeys->setText(text);
        m_previewApply->setText(connecting ? tr("Write these changes") : tr("Put these back"));
        m_previewApply->show();
    }
    m_preview->show();
    updateButtons();
}

void ClaudeCodePage::showResult(ClaudeCodeController::Action, const ConnectorResult &result)
{
    QString text = colored(result.ok ? kGood : kBad, result.message.toHtmlEscaped());
    for (const QString &warning : result.warnings)
        text += QStringLiteral("<br>• ") + warning.toHtmlEscaped();
    if (!result.backupFile.isEmpty())
        text += QStringLiteral("<br>") + tr("Backup: %1").arg(code(result.backupFile));
    if (result.ok)
        text += QStringLiteral("<br>") + tr("Claude Code sessions already running keep their old settings; "
                                            "start a new one.");
    m_result->setText(text);
    m_result->show();
    updateButtons();
}

void ClaudeCodePage::showVerify(const VerifyOutcome &outcome)
{
    m_verifying = false;
    const QString seconds = QString::number(double(outcome.elapsedMs) / 1000.0, 'f', 1);
    QString text;
    if (outcome.ok) {
        text = colored(kGood, tr("✓ It works: a request through the gateway (via %1) answered in %2 s.")
                                  .arg(outcome.method.toHtmlEscaped(), seconds)) +
               QStringLiteral("<br>") + outcome.detail.toHtmlEscaped();
    } else {
        text = colored(kBad, tr("✗ The request through the gateway (via %1) failed: %2")
                                 .arg(outcome.method.toHtmlEscaped(), outcome.detail.toHtmlEscaped()));
        if (!outcome.advice.isEmpty())
            text += QStringLiteral("<br>") + tr("What to do: %1").arg(outcome.advice.toHtmlEscaped());
    }
    m_verifyResult->setText(text);
    m_verifyResult->show();
    updateButtons();
}

void ClaudeCodePage::updateButtons()
{
    const bool busy = m_controller->isBusy();
    const std::optional<ClaudeCodeStatus> &status = m_controller->status();
    const bool previewOpen = !m_preview->isHidden();
    m_connect->setEnabled(!busy && !previewOpen);
    const bool recorded = !status || status->recordedConnection;
    m_disconnect->setEnabled(!busy && !previewOpen && recorded);
    m_disconnect->setToolTip(recorded ? tr("Put back what Connect changed (shows the changes first)")
                                      : tr("Nothing to undo: Switchboard has not connected Claude Code here"));
    m_verify->setEnabled(!m_verifying);
    m_refresh->setEnabled(!busy);
    m_previewApply->setEnabled(!busy);
    m_connect->setDefault(status && !status->connected());
}

} // namespace sb
