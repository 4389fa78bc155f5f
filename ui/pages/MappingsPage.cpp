#include "MappingsPage.h"

#include "config/ConfigLoader.h"
#include "config/ConfigSchema.h"
#include "controllers/MappingsController.h"
#include "models/MappingTableModel.h"
#include "widgets/PageLayout.h"

#include <QComboBox>
#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalBlocker>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

namespace sb {

namespace {

// Editors from the schema: a provider list, numbers limited to the key's bounds, the key's
// default as the placeholder. The model's setData() still checks everything.
class MappingDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &index) const override
    {
        if (index.column() == MappingTableModel::Provider) {
            auto *combo = new QComboBox(parent);
            combo->addItems(ConfigLoader::providerPrefixes());
            return combo;
        }
        auto *edit = new QLineEdit(parent);
        const ConfigSchema::Key *key =
            ConfigSchema::find(QStringLiteral("model_list[].") + MappingTableModel::fieldOf(index.column()));
        if (key && index.column() != MappingTableModel::UpstreamModel) {
            const QString placeholder = ConfigSchema::defaultText(*key);
            edit->setPlaceholderText(placeholder.isEmpty() ? tr("not set") : tr("default: %1").arg(placeholder));
            const double low = key->min ? key->min->value : -1e15;
            const double high = key->max ? key->max->value : 1e15;
            if (key->type == ConfigSchema::Type::Int)
                edit->setValidator(
                    new QIntValidator(int(qMax(low, -2147483647.0)), int(qMin(high, 2147483647.0)), edit));
            else if (key->type == ConfigSchema::Type::Number)
                edit->setValidator(new QDoubleValidator(low, high, 6, edit));
        }
        return edit;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            combo->setCurrentText(index.data(Qt::EditRole).toString());
            return;
        }
        QStyledItemDelegate::setEditorData(editor, index);
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            model->setData(index, combo->currentText());
            return;
        }
        if (auto *edit = qobject_cast<QLineEdit *>(editor)) {
            model->setData(index, edit->text());
            return;
        }
        QStyledItemDelegate::setModelData(editor, model, index);
    }
};

MappingRow preset(const QString &model, const QString &base, const QString &key = {}, int context = 0)
{
    MappingRow row;
    row.values.insert(QStringLiteral("model_name"), model.section(QLatin1Char('/'), 1));
    row.values.insert(QStringLiteral("litellm_params.model"), model);
    if (!base.isEmpty())
        row.values.insert(QStringLiteral("litellm_params.api_base"), base);
    if (!key.isEmpty())
        row.values.insert(QStringLiteral("litellm_params.api_key"), key);
    if (context > 0)
        row.values.insert(QStringLiteral("litellm_params.num_ctx"), context);
    return row;
}

} // namespace

QList<QPair<QString, MappingRow>> MappingsPage::presets()
{
    // Local servers at their usual loopback ports; clouds with their key as a keychain reference
    // (the Providers & keys page stores it under that name).
    return {
        {tr("Ollama"),
         preset(QStringLiteral("ollama/qwen2.5-coder:7b"), QStringLiteral("http://127.0.0.1:11434"), {}, 32768)},
        {tr("LM Studio"),
         preset(QStringLiteral("lm_studio/qwen2.5-coder-7b-instruct"), QStringLiteral("http://127.0.0.1:1234/v1"))},
        {tr("llama.cpp server"),
         preset(QStringLiteral("hosted_vllm/local-model"), QStringLiteral("http://127.0.0.1:8080/v1"))},
        {tr("vLLM"), preset(QStringLiteral("hosted_vllm/Qwen/Qwen2.5-Coder-7B-Instruct"),
                            QStringLiteral("http://127.0.0.1:8000/v1"))},
        {tr("Anthropic"),
         preset(QStringLiteral("anthropic/claude-sonnet-4-5"), {}, QStringLiteral("keychain/provider-key/anthropic"))},
        {tr("OpenAI"), preset(QStringLiteral("openai/gpt-4o"), {}, QStringLiteral("keychain/provider-key/openai"))},
        {tr("OpenRouter"), preset(QStringLiteral("openrouter/qwen/qwen-2.5-coder-32b-instruct"), {},
                                  QStringLiteral("keychain/provider-key/openrouter"))},
        {tr("Groq"),
         preset(QStringLiteral("groq/llama-3.3-70b-versatile"), {}, QStringLiteral("keychain/provider-key/groq"))},
        {tr("DeepSeek"),
         preset(QStringLiteral("deepseek/deepseek-chat"), {}, QStringLiteral("keychain/provider-key/deepseek"))},
        {tr("Mistral"),
         preset(QStringLiteral("mistral/codestral-latest"), {}, QStringLiteral("keychain/provider-key/mistral"))},
    };
}

MappingsPage::MappingsPage(MappingsController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_model(new MappingTableModel(this))
{
    setObjectName(QStringLiteral("page-mappings"));
    auto *layout = PageLayout::scrolling(this);
    QWidget *content = layout->parentWidget();
    layout->addWidget(PageLayout::title(tr("Mappings"), content));
    QLabel *intro = PageLayout::textLabel(QStringLiteral("mappings-intro"), content);
    intro->setText(tr("Which upstream model serves each model name a client asks for. The most specific "
                      "pattern wins; several rows with one name share its requests. Edits take effect "
                      "when you press Apply; the file keeps its comments and every key not shown here."));
    layout->addWidget(intro);

    auto *tools = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add"), content);
    add->setObjectName(QStringLiteral("mappings-add"));
    auto *menu = new QMenu(add);
    for (const auto &[name, row] : presets()) {
        QAction *action = menu->addAction(name);
        const MappingRow copy = row;
        connect(action, &QAction::triggered, this, [this, copy] {
            m_model->addRow(copy);
            m_table->selectRow(m_model->rowCount() - 1);
            m_table->edit(m_model->index(m_model->rowCount() - 1, MappingTableModel::ModelName));
        });
    }
    add->setMenu(menu);
    m_duplicate = new QPushButton(tr("Duplicate"), content);
    m_duplicate->setObjectName(QStringLiteral("mappings-duplicate"));
    m_remove = new QPushButton(tr("Remove"), content);
    m_remove->setObjectName(QStringLiteral("mappings-remove"));
    m_up = new QPushButton(QStringLiteral("▲"), content);
    m_up->setObjectName(QStringLiteral("mappings-up"));
    m_up->setToolTip(tr("Move up: earlier rows win ties between equally specific patterns"));
    m_down = new QPushButton(QStringLiteral("▼"), content);
    m_down->setToolTip(tr("Move down"));
    for (QPushButton *arrow : {m_up, m_down})
        arrow->setMaximumWidth(arrow->fontMetrics().horizontalAdvance(QStringLiteral("▲▲▲▲")));
    m_down->setObjectName(QStringLiteral("mappings-down"));
    m_undo = new QPushButton(tr("Undo"), content);
    m_undo->setObjectName(QStringLiteral("mappings-undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = new QPushButton(tr("Redo"), content);
    m_redo->setObjectName(QStringLiteral("mappings-redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    m_revert = new QPushButton(tr("Revert"), content);
    m_revert->setObjectName(QStringLiteral("mappings-revert"));
    m_revert->setToolTip(tr("Read the file again, dropping the edits not applied"));
    m_apply = new QPushButton(tr("Apply"), content);
    m_apply->setObjectName(QStringLiteral("mappings-apply"));
    m_apply->setDefault(true);
    for (QPushButton *button : {add, m_duplicate, m_remove, m_up, m_down})
        tools->addWidget(button);
    tools->addSpacing(12);
    tools->addWidget(m_undo);
    tools->addWidget(m_redo);
    tools->addStretch(1);
    layout->addLayout(tools);

    m_table = PageLayout::table(QStringLiteral("mappings-table"), m_model, content);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setItemDelegate(new MappingDelegate(m_table));
    m_table->setMinimumHeight(m_table->fontMetrics().height() * 8);
    m_table->horizontalHeader()->setSectionResizeMode(MappingTableModel::Test, QHeaderView::Fixed);
    m_table->horizontalHeader()->resizeSection(MappingTableModel::Test,
                                               m_table->fontMetrics().horizontalAdvance(tr("Test")) + 28);
    layout->addWidget(m_table, 1);

    auto *applyRow = new QHBoxLayout;
    m_message = PageLayout::textLabel(QStringLiteral("mappings-message"), content);
    m_message->setText(tr("Reading the config…"));
    applyRow->addWidget(m_message, 1);
    applyRow->addWidget(m_revert, 0, Qt::AlignTop);
    applyRow->addWidget(m_apply, 0, Qt::AlignTop);
    layout->addLayout(applyRow);

    layout->addWidget(PageLayout::sectionTitle(tr("Which deployment would serve…"), content));
    auto *resolveRow = new QHBoxLayout;
    m_resolveName = new QLineEdit(QStringLiteral("claude-sonnet-4-5"), content);
    m_resolveName->setObjectName(QStringLiteral("mappings-resolve-name"));
    m_resolveName->setPlaceholderText(tr("A model name a client sends, e.g. claude-haiku-4-5"));
    m_resolveName->setMaximumWidth(m_resolveName->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 36);
    resolveRow->addWidget(m_resolveName);
    m_resolution = PageLayout::textLabel(QStringLiteral("mappings-resolution"), content);
    resolveRow->addWidget(m_resolution, 1);
    layout->addLayout(resolveRow);

    layout->addWidget(PageLayout::sectionTitle(tr("Routing"), content));
    // The strategy is edited with the rows (undo, Apply); its names come from the schema.
    auto *strategyRow = new QHBoxLayout;
    auto *strategyLabel = new QLabel(tr("How a mapping with several deployments picks one:"), content);
    m_strategy = new QComboBox(content);
    m_strategy->setObjectName(QStringLiteral("mappings-strategy"));
    const ConfigSchema::Key *strategyKey = ConfigSchema::find(QStringLiteral("router_settings.routing_strategy"));
    if (strategyKey) {
        m_strategy->addItems(strategyKey->choices);
        m_strategy->setToolTip(QString::fromUtf8(strategyKey->description));
    }
    strategyLabel->setBuddy(m_strategy);
    strategyRow->addWidget(strategyLabel);
    strategyRow->addWidget(m_strategy);
    strategyRow->addStretch(1);
    layout->addLayout(strategyRow);
    connect(m_strategy, &QComboBox::activated, this,
            [this](int index) { m_model->setStrategy(m_strategy->itemText(index)); });
    connect(m_model, &MappingTableModel::strategyChanged, this, [this](const QString &strategy) {
        const QSignalBlocker blocker(m_strategy);
        m_strategy->setCurrentIndex(m_strategy->findText(strategy));
        resolve();
    });
    m_routing = PageLayout::textLabel(QStringLiteral("mappings-routing"), content);
    layout->addWidget(m_routing);
    connect(m_controller, &MappingsController::servingChanged, this, &MappingsPage::showRouting);
    showRouting();

    layout->addWidget(PageLayout::sectionTitle(tr("Servers on this machine"), content));
    auto *detectRow = new QHBoxLayout;
    m_detect = new QPushButton(tr("Detect local servers"), content);
    m_detect->setObjectName(QStringLiteral("mappings-detect"));
    m_detect->setToolTip(
        tr("Ask Ollama (11434), LM Studio (1234), llama.cpp (8080) and vLLM (8000) on this machine for their models"));
    m_addFound = new QPushButton(tr("Add selected"), content);
    m_addFound->setObjectName(QStringLiteral("mappings-add-found"));
    m_addFound->setEnabled(false);
    detectRow->addWidget(m_detect);
    detectRow->addWidget(m_addFound);
    detectRow->addStretch(1);
    layout->addLayout(detectRow);
    m_found = new QListWidget(content);
    m_found->setObjectName(QStringLiteral("mappings-found"));
    m_found->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_found->setMaximumHeight(m_found->fontMetrics().height() * 8);
    m_found->hide();
    layout->addWidget(m_found);
    connect(m_detect, &QPushButton::clicked, this, [this] {
        m_detect->setEnabled(false);
        m_detect->setText(tr("Detecting…"));
        m_controller->detectLocalServers();
    });
    connect(m_controller, &MappingsController::detected, this, &MappingsPage::showDetected);
    connect(m_found, &QListWidget::itemSelectionChanged, this,
            [this] { m_addFound->setEnabled(!m_found->selectedItems().isEmpty()); });
    connect(m_addFound, &QPushButton::clicked, this, [this] {
        for (QListWidgetItem *item : m_found->selectedItems()) {
            const QStringList parts = item->data(Qt::UserRole).toStringList(); // provider, base, model
            MappingRow row;
            row.values.insert(QStringLiteral("model_name"), parts.at(2));
            row.values.insert(QStringLiteral("litellm_params.model"),
                              MappingTableModel::joinModel(parts.at(0), parts.at(2)));
            row.values.insert(QStringLiteral("litellm_params.api_base"), parts.at(1));
            if (parts.at(0) == QLatin1String("ollama"))
                row.values.insert(QStringLiteral("litellm_params.num_ctx"), 32768); // Ollama's 4K default truncates
            m_model->addRow(row);
        }
        showMessage(tr("Added; rename the client model (e.g. claude-*) and press Apply."), false);
    });

    connect(m_controller, &MappingsController::loaded, this, &MappingsPage::showLoaded);
    connect(m_controller, &MappingsController::loadFailed, this,
            [this](const QString &why) { showMessage(tr("The config cannot be edited here: %1").arg(why), true); });
    connect(m_controller, &MappingsController::applied, this, [this] {
        m_model->markApplied();
        showMessage(tr("Saved to %1 (the previous file is %1.bak); the gateway takes it on its next read.")
                        .arg(m_controller->configPath()),
                    false);
    });
    connect(m_controller, &MappingsController::applyFailed, this, [this](const QString &why) {
        showMessage(tr("Not applied: %1").arg(why), true);
        updateButtons();
    });
    connect(m_controller, &MappingsController::testFinished, this, [this](int row, const QString &text, bool failed) {
        m_model->setResult(row, text, failed);
        // Also here: the Last test column may be scrolled out of sight.
        showMessage(tr("Test of %1: %2").arg(m_model->index(row, MappingTableModel::ModelName).data().toString(), text),
                    failed);
    });
    connect(m_model, &MappingTableModel::editRefused, this, [this](const QString &why) { showMessage(why, true); });

    connect(m_duplicate, &QPushButton::clicked, this, [this] { m_model->duplicateRow(currentRow()); });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_model->removeRowAt(currentRow()); });
    connect(m_up, &QPushButton::clicked, this, [this] {
        const int row = currentRow();
        m_model->moveRowTo(row, row - 1);
        m_table->selectRow(row - 1);
    });
    connect(m_down, &QPushButton::clicked, this, [this] {
        const int row = currentRow();
        m_model->moveRowTo(row, row + 1);
        m_table->selectRow(row + 1);
    });
    connect(m_undo, &QPushButton::clicked, m_model->undoStack(), &QUndoStack::undo);
    connect(m_redo, &QPushButton::clicked, m_model->undoStack(), &QUndoStack::redo);
    connect(m_revert, &QPushButton::clicked, m_controller, &MappingsController::load);
    connect(m_apply, &QPushButton::clicked, this, [this] {
        m_apply->setEnabled(false);
        showMessage(tr("Saving…"), false);
        m_controller->apply(m_model->rows(), m_model->strategy());
    });
    connect(m_model->undoStack(), &QUndoStack::indexChanged, this, [this] {
        updateButtons();
        resolve();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &MappingsPage::updateTestButtons);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &MappingsPage::updateButtons);
    connect(m_resolveName, &QLineEdit::textChanged, this, &MappingsPage::resolve);
    updateButtons();
    m_controller->load();
}

void MappingsPage::showDetected(const QList<LocalServer> &servers)
{
    m_detect->setEnabled(true);
    m_detect->setText(tr("Detect local servers"));
    m_found->clear();
    m_found->show();
    for (const LocalServer &server : servers) {
        if (server.models.isEmpty()) {
            auto *item =
                new QListWidgetItem(tr("%1 at %2 answers, with no models").arg(server.kind, server.apiBase), m_found);
            item->setFlags(Qt::ItemIsEnabled);
            continue;
        }
        for (const QString &model : server.models) {
            auto *item = new QListWidgetItem(tr("%1 — %2 at %3").arg(model, server.kind, server.apiBase), m_found);
            item->setData(Qt::UserRole, QStringList{server.provider, server.apiBase, model});
        }
    }
    if (servers.isEmpty()) {
        auto *item = new QListWidgetItem(tr("Nothing answers on 11434, 1234, 8080 or 8000. Start Ollama (ollama serve) "
                                            "or your server, then detect again."),
                                         m_found);
        item->setFlags(Qt::ItemIsEnabled);
    }
}

int MappingsPage::currentRow() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void MappingsPage::showLoaded(const QList<MappingRow> &rows)
{
    m_model->reset(rows, m_controller->baseStrategy());
    showMessage(rows.isEmpty()
                    ? tr("No mappings yet: add one (Add) — Claude Code asks for claude-* names.")
                    : tr("%n mapping(s) from %1.", nullptr, int(rows.size())).arg(m_controller->configPath()),
                false);
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->resizeSection(MappingTableModel::Test,
                                               m_table->fontMetrics().horizontalAdvance(tr("Test")) + 28);
    updateButtons();
    resolve();
}

void MappingsPage::showMessage(const QString &text, bool failed)
{
    m_message->setText(text);
    m_message->setStyleSheet(failed ? QStringLiteral("color: #b3261e;") : QString());
}

void MappingsPage::updateButtons()
{
    const int row = currentRow();
    m_duplicate->setEnabled(row >= 0);
    m_remove->setEnabled(row >= 0);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < m_model->rowCount());
    m_undo->setEnabled(m_model->undoStack()->canUndo());
    m_undo->setToolTip(m_model->undoStack()->undoText());
    m_redo->setEnabled(m_model->undoStack()->canRedo());
    m_redo->setToolTip(m_model->undoStack()->redoText());
    m_apply->setEnabled(m_model->isModified());
    m_revert->setEnabled(m_model->isModified());
}

void MappingsPage::updateTestButtons()
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        auto *button = new QPushButton(tr("Test"), m_table);
        button->setObjectName(QStringLiteral("mappings-test-%1").arg(row));
        button->setToolTip(tr("Send a short request to this deployment through the running gateway"));
        connect(button, &QPushButton::clicked, this, [this, row] {
            m_model->setResult(row, tr("Testing…"), false);
            m_controller->test(row, m_model->row(row));
        });
        m_table->setIndexWidget(m_model->index(row, MappingTableModel::Test), button);
    }
}

void MappingsPage::showRouting()
{
    // What the serving gateway routes by, beside the table: the strategy is edited above, the
    // fallbacks and rules in the file (router_settings, switchboard.routes).
    const RouterSettings &router = m_controller->serving().router;
    QStringList lines;
    lines.append(tr("Serving now with the <b>%1</b> strategy.").arg(router.routingStrategy.toHtmlEscaped()));
    QStringList fallbacks;
    QStringList groups = router.fallbacks.keys();
    groups.sort();
    for (const QString &group : groups)
        fallbacks.append(
            tr("%1 → %2").arg(group, router.fallbacks.value(group).join(QStringLiteral(", "))).toHtmlEscaped());
    if (!router.defaultFallbacks.isEmpty())
        fallbacks.append(tr("any other → %1").arg(router.defaultFallbacks.join(QStringLiteral(", "))).toHtmlEscaped());
    lines.append(tr("Fallbacks: %1").arg(fallbacks.isEmpty() ? tr("none") : fallbacks.join(QStringLiteral("; "))));
    QStringList rules;
    for (const ScenarioRule &rule : router.routes) {
        QStringList when;
        if (!rule.model.isEmpty())
            when.append(tr("model %1").arg(rule.model));
        if (!rule.requestClass.isEmpty())
            when.append(tr("request class %1").arg(rule.requestClass));
        if (rule.agent)
            when.append(*rule.agent ? tr("a subagent") : tr("not a subagent"));
        if (rule.thinking)
            when.append(*rule.thinking ? tr("thinking") : tr("no thinking"));
        if (rule.hasImage)
            when.append(*rule.hasImage ? tr("with an image") : tr("without an image"));
        if (rule.minTokens > 0)
            when.append(tr("at least %1 prompt tokens").arg(rule.minTokens));
        rules.append(tr("%1: %2 → %3")
                         .arg(rule.name, when.isEmpty() ? tr("always") : when.join(QStringLiteral(", ")), rule.group)
                         .toHtmlEscaped());
    }
    lines.append(
        tr("Rules (first match wins): %1").arg(rules.isEmpty() ? tr("none") : rules.join(QStringLiteral("; "))));
    lines.append(tr("<span style=\"color:#5f6b7a\">Fallbacks and rules as the gateway serves them now; they are "
                    "edited in the file (<code>router_settings.fallbacks</code>, <code>switchboard.routes</code>)."
                    "</span>"));
    m_routing->setText(lines.join(QStringLiteral("<br>")));
}

void MappingsPage::resolve()
{
    const QString name = m_resolveName->text().trimmed();
    if (name.isEmpty()) {
        m_resolution->clear();
        return;
    }
    const MappingResolution result = m_controller->resolve(m_model->rows(), name, m_model->strategy());
    if (!result.error.isEmpty()) {
        m_resolution->setText(result.error.toHtmlEscaped());
        m_resolution->setStyleSheet(QStringLiteral("color: #b3261e;"));
        return;
    }
    m_resolution->setStyleSheet(QString());
    QString text = tr("→ <b>%1</b>").arg(result.deployments.join(QStringLiteral(", then ")).toHtmlEscaped());
    text += tr(" (mapping %1").arg(result.group.toHtmlEscaped());
    if (!result.rule.isEmpty())
        text += tr(", by rule %1").arg(result.rule.toHtmlEscaped());
    text += QLatin1Char(')');
    if (!result.fallbacks.isEmpty())
        text += tr("; fallbacks: %1").arg(result.fallbacks.join(QStringLiteral(", ")).toHtmlEscaped());
    m_resolution->setText(text);
}

} // namespace sb
