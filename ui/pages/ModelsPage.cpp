#include "ModelsPage.h"

#include "controllers/ModelsController.h"
#include "models/OllamaModels.h"
#include "ollama/OllamaPulls.h"
#include "widgets/PageLayout.h"

#include <QApplication>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace sb {

namespace {

// The Progress column as a bar.
class ProgressDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const double fraction = index.data(PullListModel::FractionRole).toDouble();
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.minimum = 0;
        bar.maximum = 1000;
        bar.progress = fraction >= 0 ? int(fraction * 1000) : 0;
        bar.text = index.data().toString();
        bar.textVisible = true;
        bar.state = option.state | QStyle::State_Horizontal;
        QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);
    }
};

QTableView *table(const QString &objectName, QAbstractItemModel *model, QWidget *parent)
{
    QTableView *view = PageLayout::table(objectName, model, parent);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setMinimumHeight(view->fontMetrics().height() * 6);
    view->setMaximumHeight(view->fontMetrics().height() * 14);
    return view;
}

} // namespace

ModelsPage::ModelsPage(ModelsController *controller, const QStringList &suggestions, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_installed(new InstalledModelsModel(controller, this)),
      m_pullList(new PullListModel(controller->pulls(), this))
{
    setObjectName(QStringLiteral("page-models"));
    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Delete model"), question) == QMessageBox::Yes;
    };
    auto *layout = PageLayout::scrolling(this);
    QWidget *content = layout->parentWidget();
    layout->addWidget(PageLayout::title(tr("Models"), content));

    auto *stateRow = new QHBoxLayout;
    m_state = new QLabel(tr("Asking Ollama…"), content);
    m_state->setObjectName(QStringLiteral("models-state"));
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::RichText);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *refresh = new QPushButton(tr("Refresh"), content);
    refresh->setObjectName(QStringLiteral("models-refresh"));
    stateRow->addWidget(m_state, 1);
    stateRow->addWidget(refresh, 0, Qt::AlignTop);
    layout->addLayout(stateRow);

    m_installedTitle = PageLayout::sectionTitle(tr("Installed"), content);
    layout->addWidget(m_installedTitle);
    m_installedTable = table(QStringLiteral("models-installed"), m_installed, content);
    layout->addWidget(m_installedTable);
    auto *installedButtons = new QHBoxLayout;
    m_delete = new QPushButton(tr("Delete…"), content);
    m_delete->setObjectName(QStringLiteral("models-delete"));
    installedButtons->addWidget(m_delete);
    m_useMain = new QPushButton(tr("Use for Claude Code"), content);
    m_useMain->setObjectName(QStringLiteral("models-use-main"));
    m_useMain->setToolTip(tr("Serve Claude Code's main model (claude-sonnet / opus) with this model"));
    m_useSmall = new QPushButton(tr("Use as small model"), content);
    m_useSmall->setObjectName(QStringLiteral("models-use-small"));
    m_useSmall->setToolTip(tr("Serve Claude Code's small, fast model (claude-haiku) with this model"));
    m_toolCheck = new QPushButton(tr("Tool-calling check"), content);
    m_toolCheck->setObjectName(QStringLiteral("models-tool-check"));
    m_toolCheck->setToolTip(tr("Send a request with a tool through the gateway and see whether the model calls it"));
    installedButtons->addWidget(m_useMain);
    installedButtons->addWidget(m_useSmall);
    installedButtons->addWidget(m_toolCheck);
    installedButtons->addStretch(1);
    layout->addLayout(installedButtons);

    layout->addWidget(PageLayout::sectionTitle(tr("Download"), content));
    auto *pullRow = new QHBoxLayout;
    m_pullName = new QLineEdit(content);
    m_pullName->setObjectName(QStringLiteral("models-pull-name"));
    m_pullName->setPlaceholderText(tr("A model from ollama.com/library, e.g. qwen2.5-coder:7b"));
    auto *completer = new QCompleter(suggestions, m_pullName);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_pullName->setCompleter(completer);
    m_pull = new QPushButton(tr("Pull"), content);
    m_pull->setObjectName(QStringLiteral("models-pull"));
    pullRow->addWidget(m_pullName, 1);
    pullRow->addWidget(m_pull);
    layout->addLayout(pullRow);
    m_pullTable = table(QStringLiteral("models-pulls"), m_pullList, content);
    m_pullTable->setItemDelegateForColumn(PullListModel::Progress, new ProgressDelegate(m_pullTable));
    m_pullTable->horizontalHeader()->setSectionResizeMode(PullListModel::Progress, QHeaderView::Fixed);
    m_pullTable->horizontalHeader()->resizeSection(PullListModel::Progress, 160);
    layout->addWidget(m_pullTable);
    auto *pullButtons = new QHBoxLayout;
    m_pause = new QPushButton(tr("Pause"), content);
    m_pause->setObjectName(QStringLiteral("models-pause"));
    m_resume = new QPushButton(tr("Resume"), content);
    m_resume->setObjectName(QStringLiteral("models-resume"));
    m_cancel = new QPushButton(tr("Cancel"), content);
    m_cancel->setObjectName(QStringLiteral("models-cancel"));
    m_pullUse = new QPushButton(tr("Use for Claude Code"), content);
    m_pullUse->setObjectName(QStringLiteral("models-pull-use"));
    m_pullUse->setToolTip(tr("Once the download is done: map Claude Code's main model to it (the config is saved "
                             "with a .bak)"));
    pullButtons->addWidget(m_pause);
    pullButtons->addWidget(m_resume);
    pullButtons->addWidget(m_cancel);
    pullButtons->addWidget(m_pullUse);
    pullButtons->addStretch(1);
    layout->addLayout(pullButtons);
    m_message = new QLabel(content);
    m_message->setObjectName(QStringLiteral("models-message"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);
    layout->addStretch(1);

    connect(refresh, &QPushButton::clicked, controller, &ModelsController::refresh);
    connect(controller, &ModelsController::updated, this, &ModelsPage::showState);
    connect(controller, &ModelsController::removed, this, [this](const QString &model, const QString &error) {
        m_message->setText(error.isEmpty() ? tr("Deleted %1.").arg(model)
                                           : tr("Could not delete %1: %2").arg(model, error));
    });
    connect(m_delete, &QPushButton::clicked, this, &ModelsPage::deleteSelected);
    const auto selectedModel = [this] {
        return m_installedTable->selectionModel()->currentIndex().data(InstalledModelsModel::NameRole).toString();
    };
    connect(m_useMain, &QPushButton::clicked, this,
            [this, selectedModel] { m_controller->useForClaudeCode(selectedModel(), false); });
    connect(m_useSmall, &QPushButton::clicked, this,
            [this, selectedModel] { m_controller->useForClaudeCode(selectedModel(), true); });
    connect(m_toolCheck, &QPushButton::clicked, this, [this, selectedModel] {
        m_message->setStyleSheet(QString());
        m_message->setText(tr("Checking %1 (a cold model loads first)…").arg(selectedModel()));
        m_controller->checkToolCalling(selectedModel());
    });
    connect(controller, &ModelsController::usedForClaudeCode, this, [this](const QString &model, const QString &error) {
        m_message->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color: #b3261e;"));
        m_message->setText(error.isEmpty() ? tr("%1 now serves Claude Code; the config is saved (with a .bak) and the "
                                                "gateway takes it on its next read.")
                                                 .arg(model)
                                           : tr("Not changed: %1").arg(error));
    });
    connect(controller, &ModelsController::toolCheckFinished, this,
            [this](const QString &model, const QString &verdict, bool passed) {
                m_message->setStyleSheet(passed ? QString() : QStringLiteral("color: #b3261e;"));
                m_message->setText(tr("%1: %2").arg(model, verdict));
            });
    connect(m_pull, &QPushButton::clicked, this, &ModelsPage::pullTyped);
    connect(m_pullName, &QLineEdit::returnPressed, this, &ModelsPage::pullTyped);
    connect(m_pullName, &QLineEdit::textChanged, this, &ModelsPage::updateButtons);
    const auto selected = [this]() -> OllamaPullJob * {
        return m_pullList->jobAt(m_pullTable->selectionModel()->currentIndex().row());
    };
    connect(m_pause, &QPushButton::clicked, this, [selected] {
        if (OllamaPullJob *job = selected())
            job->pause();
    });
    connect(m_resume, &QPushButton::clicked, this, [selected] {
        if (OllamaPullJob *job = selected())
            job->resume();
    });
    connect(m_cancel, &QPushButton::clicked, this, [selected] {
        if (OllamaPullJob *job = selected())
            job->cancel();
    });
    connect(m_pullUse, &QPushButton::clicked, this, [this, selected] {
        if (OllamaPullJob *job = selected(); job && job->state() == OllamaPullJob::State::Succeeded)
            m_controller->useForClaudeCode(job->model(), false);
    });
    connect(m_installedTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ModelsPage::updateButtons);
    connect(m_pullTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ModelsPage::updateButtons);
    connect(m_pullList, &QAbstractItemModel::dataChanged, this, &ModelsPage::updateButtons);
    connect(m_pullList, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int, int last) {
        m_pullTable->selectRow(last); // the download just started is the one the buttons act on
    });
    showState();
}

void ModelsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_controller->refresh();
}

void ModelsPage::showState()
{
    const QString address = m_controller->address().toHtmlEscaped();
    if (!m_controller->checked()) {
        m_state->setText(tr("Asking Ollama at %1…").arg(address));
    } else if (m_controller->reachable()) {
        const int count = int(m_controller->installed().size());
        m_state->setText(
            QStringLiteral("<span style=\"color:#1e8449\">●</span> ") +
            tr("Ollama %1 at %2: %n model(s) installed.", nullptr, count)
                .arg(m_controller->version().isEmpty() ? QString() : m_controller->version().toHtmlEscaped(), address));
    } else {
        // The client's words already name the address ("Ollama at … refused the connection").
        const QString problem =
            m_controller->problem().contains(m_controller->address())
                ? m_controller->problem().toHtmlEscaped()
                : tr("Ollama is not answering at %1: %2").arg(address, m_controller->problem().toHtmlEscaped());
        m_state->setText(
            QStringLiteral("<span style=\"color:#c0392b\">● %1</span><br>%2")
                .arg(problem,
                     tr("Install it from ollama.com, start it with <code>ollama serve</code>, or point Switchboard at "
                        "it: the address is the first Ollama deployment's <code>api_base</code> in the config, else "
                        "<code>OLLAMA_HOST</code>.")));
    }
    // Without an answer there is no list to show, only what to do (above).
    const bool listKnown = m_controller->checked() && m_controller->reachable();
    m_installedTitle->setVisible(listKnown);
    m_installedTable->setVisible(listKnown);
    m_delete->setVisible(listKnown);
    m_useMain->setVisible(listKnown);
    m_useSmall->setVisible(listKnown);
    m_toolCheck->setVisible(listKnown);
    updateButtons();
}

void ModelsPage::updateButtons()
{
    const bool picked = m_controller->reachable() && m_installedTable->selectionModel()->currentIndex().isValid();
    m_delete->setEnabled(picked);
    m_useMain->setEnabled(picked);
    m_useSmall->setEnabled(picked);
    m_toolCheck->setEnabled(picked);
    m_pull->setEnabled(m_controller->pulls() && !m_pullName->text().trimmed().isEmpty());
    const OllamaPullJob *job = m_pullList->jobAt(m_pullTable->selectionModel()->currentIndex().row());
    const bool running = job && job->state() == OllamaPullJob::State::Running;
    m_pause->setEnabled(running);
    m_resume->setEnabled(job && job->canResume());
    m_cancel->setEnabled(job && !job->isFinished());
    m_pullUse->setEnabled(job && job->state() == OllamaPullJob::State::Succeeded);
}

void ModelsPage::deleteSelected()
{
    const QModelIndex current = m_installedTable->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const QString model = current.data(InstalledModelsModel::NameRole).toString();
    const QStringList users = m_controller->usersOf(model);
    QString question = tr("Delete %1 from Ollama? Its files are removed from disk.").arg(model);
    if (!users.isEmpty())
        question += QLatin1Char(' ') + tr("It is used by %1: requests routed there will fail until it is pulled "
                                          "again or the mapping changes.")
                                           .arg(users.join(QStringLiteral(", ")));
    if (m_confirm(question))
        m_controller->remove(model);
}

void ModelsPage::pullTyped()
{
    const QString name = m_pullName->text().trimmed();
    if (name.isEmpty() || !m_controller->pulls())
        return;
    m_controller->pull(name);
    m_pullName->clear();
}

} // namespace sb
