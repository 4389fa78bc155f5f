#include "MappingTableModel.h"

#include "config/ConfigLoader.h"
#include "config/ConfigSchema.h"

#include <QBrush>
#include <QColor>
#include <QRegularExpression>
#include <QUndoCommand>
#include <QUrl>

#include <cmath>

namespace sb {

namespace {

const QString kModel = QStringLiteral("litellm_params.model");

bool isReference(const QString &text)
{
    static const QRegularExpression env(QStringLiteral("^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$"));
    return (text.startsWith(QStringLiteral("os.environ/")) && text.size() > 11) ||
           (text.startsWith(QStringLiteral("keychain/")) && text.size() > 9) || env.match(text).hasMatch();
}

const ConfigSchema::Key *schemaKey(const QString &field)
{
    return field.isEmpty() ? nullptr : ConfigSchema::find(QStringLiteral("model_list[].") + field);
}

} // namespace

// One value changed (Provider and Upstream model both change litellm_params.model).
class MappingEdit final : public QUndoCommand
{
public:
    MappingEdit(MappingTableModel *model, int uid, const QString &field, QVariant before, QVariant after,
                const QString &text)
        : QUndoCommand(text), m_model(model), m_uid(uid), m_field(field), m_before(std::move(before)),
          m_after(std::move(after))
    {}
    void undo() override { m_model->writeField(m_uid, m_field, m_before); }
    void redo() override { m_model->writeField(m_uid, m_field, m_after); }

private:
    MappingTableModel *m_model;
    int m_uid;
    QString m_field;
    QVariant m_before;
    QVariant m_after;
};

// Rows added, removed or moved: the lists before and after (a few dozen rows at most).
class MappingRowsEdit final : public QUndoCommand
{
public:
    using Entries = QList<MappingTableModel::Entry>;
    MappingRowsEdit(MappingTableModel *model, Entries before, Entries after, const QString &text)
        : QUndoCommand(text), m_model(model), m_before(std::move(before)), m_after(std::move(after))
    {}
    void undo() override { m_model->setRows(m_before); }
    void redo() override { m_model->setRows(m_after); }

private:
    MappingTableModel *m_model;
    Entries m_before;
    Entries m_after;
};

class StrategyEdit final : public QUndoCommand
{
public:
    StrategyEdit(MappingTableModel *model, QString before, QString after)
        : QUndoCommand(MappingTableModel::tr("strategy %1").arg(after)), m_model(model), m_before(std::move(before)),
          m_after(std::move(after))
    {}
    void undo() override { m_model->writeStrategy(m_before); }
    void redo() override { m_model->writeStrategy(m_after); }

private:
    MappingTableModel *m_model;
    QString m_before;
    QString m_after;
};

MappingTableModel::MappingTableModel(QObject *parent) : QAbstractTableModel(parent) {}

int MappingTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int MappingTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MappingTableModel::fieldOf(int column)
{
    switch (column) {
    case ModelName: return QStringLiteral("model_name");
    case Provider:
    case UpstreamModel: return kModel;
    case ApiBase: return QStringLiteral("litellm_params.api_base");
    case ApiKey: return QStringLiteral("litellm_params.api_key");
    case Context: return QStringLiteral("litellm_params.num_ctx");
    case Weight: return QStringLiteral("litellm_params.weight");
    case Order: return QStringLiteral("litellm_params.order");
    case Rpm: return QStringLiteral("litellm_params.rpm");
    case Tpm: return QStringLiteral("litellm_params.tpm");
    case MaxParallel: return QStringLiteral("litellm_params.max_parallel_requests");
    case Id: return QStringLiteral("model_info.id");
    default: return {};
    }
}

QString MappingTableModel::joinModel(const QString &provider, const QString &upstream)
{
    return provider.isEmpty() ? upstream : provider + QLatin1Char('/') + upstream;
}

QVariant MappingTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &entry = m_entries.at(index.row());
    const int column = index.column();
    const QString field = fieldOf(column);
    const QString value = field.isEmpty() ? QString() : entry.row.value(field).toString();
    const QString model = entry.row.value(kModel).toString();
    const int slash = model.indexOf(QLatin1Char('/'));
    const bool known = slash > 0 && ConfigLoader::providerPrefixes().contains(model.left(slash));
    const bool plainKey = column == ApiKey && !value.isEmpty() && !isReference(value);

    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (column) {
        case Provider: return known ? model.left(slash) : QString();
        case UpstreamModel: return known ? model.mid(slash + 1) : model;
        case ApiKey:
            // A key written in the file itself is never shown, nor put in an editor.
            if (plainKey)
                return role == Qt::DisplayRole ? tr("•••• in plain text") : QVariant(QString());
            return value;
        case ApiBase:
            if (value.isEmpty() && role == Qt::DisplayRole)
                return tr("provider's default");
            return value;
        case Test: return {};
        case Result: return entry.result;
        default: return value;
        }
    }
    if (role == Qt::ForegroundRole) {
        if (column == Result && entry.failed)
            return QBrush(QColor(0xb3, 0x26, 0x1e));
        if (plainKey)
            return QBrush(QColor(0xa0, 0x52, 0x00));
        if (column == ApiBase && value.isEmpty())
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    }
    if (role == Qt::ToolTipRole) {
        if (plainKey)
            return tr("The key is written in plain text in the config. Store it on the Providers & keys page "
                      "and write its keychain/NAME reference here instead.");
        if (column == Result)
            return entry.result;
        return headerData(column, Qt::Horizontal, Qt::ToolTipRole);
    }
    return {};
}

QVariant MappingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ModelName: return tr("Client model");
        case Provider: return tr("Provider");
        case UpstreamModel: return tr("Upstream model");
        case ApiBase: return tr("Address");
        case ApiKey: return tr("Key");
        case Context: return tr("Context");
        case Weight: return tr("Weight");
        case Order: return tr("Order");
        case Rpm: return tr("RPM");
        case Tpm: return tr("TPM");
        case MaxParallel: return tr("Parallel");
        case Id: return tr("Id");
        case Test: return QString();
        case Result: return tr("Last test");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (section == Provider)
            return tr("The part of litellm_params.model before the slash: how Switchboard talks to the upstream");
        if (section == Result)
            return tr("Latency, time to the first token and the answer of the last Test, or its error");
        if (const ConfigSchema::Key *key = schemaKey(fieldOf(section))) {
            QString tip = QString::fromUtf8(key->description);
            const QString range = ConfigSchema::rangeText(*key);
            if (!range.isEmpty())
                tip += QStringLiteral(" (%1)").arg(range);
            return tip;
        }
    }
    return {};
}

Qt::ItemFlags MappingTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!fieldOf(index.column()).isEmpty())
        flags |= Qt::ItemIsEditable;
    return flags;
}

Expected<QVariant, QString> MappingTableModel::checked(int column, const MappingRow &row, const QVariant &value) const
{
    const QString text = value.toString().trimmed();
    const QString model = row.value(kModel).toString();
    const int slash = model.indexOf(QLatin1Char('/'));
    const bool known = slash > 0 && ConfigLoader::providerPrefixes().contains(model.left(slash));
    switch (column) {
    case ModelName:
        if (text.isEmpty())
            return unexpected(tr("A mapping needs the model name clients ask for (a pattern with * is fine)."));
        return QVariant(text);
    case Provider:
        if (!ConfigLoader::providerPrefixes().contains(text))
            return unexpected(tr("%1 is not a provider Switchboard knows (%2).")
                                  .arg(text, ConfigLoader::providerPrefixes().join(QStringLiteral(", "))));
        return QVariant(joinModel(text, known ? model.mid(slash + 1) : model));
    case UpstreamModel:
        if (text.isEmpty())
            return unexpected(tr("A mapping needs the upstream model's name."));
        return QVariant(joinModel(known ? model.left(slash) : QString(), text));
    default: break;
    }
    const ConfigSchema::Key *key = schemaKey(fieldOf(column));
    if (!key)
        return unexpected(tr("This column is not editable."));
    if (text.isEmpty())
        return QVariant(); // the key goes: its default applies
    const QString name = QString::fromUtf8(key->path).section(QLatin1Char('.'), -1);
    switch (key->type) {
    case ConfigSchema::Type::Int:
    case ConfigSchema::Type::Number: {
        bool ok = false;
        const double number = text.toDouble(&ok);
        if (!ok || (key->type == ConfigSchema::Type::Int && number != std::floor(number)))
            return unexpected(
                tr("%1 takes %2, not “%3”.")
                    .arg(name, key->type == ConfigSchema::Type::Int ? tr("a whole number") : tr("a number"), text));
        const ConfigSchema::Checked bounds = ConfigSchema::check(*key, number);
        if (bounds.outcome != ConfigSchema::Checked::Outcome::InBounds)
            return unexpected(tr("%1: %2").arg(name, bounds.message));
        return key->type == ConfigSchema::Type::Int ? QVariant(qlonglong(number)) : QVariant(number);
    }
    case ConfigSchema::Type::String:
        if (key->secret && !isReference(text))
            return unexpected(tr("Write a reference to the key (keychain/NAME, os.environ/NAME or ${NAME}), not the "
                                 "key itself: keys are stored on the Providers & keys page."));
        if (name == QLatin1String("api_base")) {
            const QUrl url(text, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
                url.host().isEmpty())
                return unexpected(tr("The address must be an http:// or https:// URL, e.g. http://127.0.0.1:11434."));
        }
        return QVariant(text);
    default: return unexpected(tr("%1 is edited in the file itself.").arg(name));
    }
}

bool MappingTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || !(flags(index) & Qt::ItemIsEditable))
        return false;
    const Entry &entry = m_entries.at(index.row());
    const QString field = fieldOf(index.column());
    const auto taken = checked(index.column(), entry.row, value);
    if (!taken) {
        m_lastError = taken.error();
        Q_EMIT editRefused(m_lastError);
        return false;
    }
    m_lastError.clear();
    const QVariant before = entry.row.value(field);
    if (before.isNull() == taken->isNull() && before.toString() == taken->toString())
        return true; // nothing changed: nothing to undo
    m_undo.push(new MappingEdit(this, entry.uid, field, before, *taken,
                                tr("Edit %1").arg(headerData(index.column(), Qt::Horizontal).toString())));
    return true;
}

void MappingTableModel::writeField(int uid, const QString &field, const QVariant &value)
{
    const int at = rowOf(uid);
    if (at < 0)
        return;
    if (value.isNull())
        m_entries[at].row.values.remove(field);
    else
        m_entries[at].row.values.insert(field, value);
    Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
}

int MappingTableModel::rowOf(int uid) const
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).uid == uid)
            return i;
    }
    return -1;
}

void MappingTableModel::setRows(const QList<Entry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

void MappingTableModel::reset(const QList<MappingRow> &rows, const QString &strategy)
{
    QList<Entry> entries;
    for (const MappingRow &row : rows)
        entries.append(Entry{row, m_nextUid++, {}, false});
    m_undo.clear();
    setRows(entries);
    writeStrategy(strategy);
}

bool MappingTableModel::setStrategy(const QString &strategy)
{
    if (strategy == m_strategy)
        return true;
    const ConfigSchema::Key *key = ConfigSchema::find(QStringLiteral("router_settings.routing_strategy"));
    if (key && !key->choices.contains(strategy)) {
        m_lastError =
            tr("\"%1\" is not a routing strategy; one of %2").arg(strategy, key->choices.join(QStringLiteral(", ")));
        Q_EMIT editRefused(m_lastError);
        return false;
    }
    m_undo.push(new StrategyEdit(this, m_strategy, strategy));
    return true;
}

void MappingTableModel::writeStrategy(const QString &strategy)
{
    if (strategy == m_strategy)
        return;
    m_strategy = strategy;
    Q_EMIT strategyChanged(strategy);
}

QList<MappingRow> MappingTableModel::rows() const
{
    QList<MappingRow> rows;
    for (const Entry &entry : m_entries)
        rows.append(entry.row);
    return rows;
}

void MappingTableModel::markApplied()
{
    // The file now holds these rows in this order: sources are their positions.
    QList<Entry> entries = m_entries;
    for (int i = 0; i < entries.size(); ++i)
        entries[i].row.source = i;
    m_undo.clear();
    setRows(entries);
}

void MappingTableModel::addRow(const MappingRow &row, int at)
{
    QList<Entry> after = m_entries;
    MappingRow added = row;
    added.source = -1;
    after.insert(at < 0 || at > after.size() ? after.size() : at, Entry{added, m_nextUid++, {}, false});
    m_undo.push(new MappingRowsEdit(this, m_entries, after, tr("Add a mapping")));
}

void MappingTableModel::removeRowAt(int index)
{
    if (index < 0 || index >= m_entries.size())
        return;
    QList<Entry> after = m_entries;
    after.removeAt(index);
    m_undo.push(new MappingRowsEdit(this, m_entries, after, tr("Remove a mapping")));
}

void MappingTableModel::duplicateRow(int index)
{
    if (index < 0 || index >= m_entries.size())
        return;
    MappingRow copy = m_entries.at(index).row;
    copy.values.remove(QStringLiteral("model_info.id")); // ids are unique
    addRow(copy, index + 1);
}

void MappingTableModel::moveRowTo(int from, int to)
{
    if (from < 0 || from >= m_entries.size() || to < 0 || to >= m_entries.size() || from == to)
        return;
    QList<Entry> after = m_entries;
    after.move(from, to);
    m_undo.push(new MappingRowsEdit(this, m_entries, after, tr("Move a mapping")));
}

void MappingTableModel::setResult(int index, const QString &text, bool failed)
{
    if (index < 0 || index >= m_entries.size())
        return;
    m_entries[index].result = text;
    m_entries[index].failed = failed;
    Q_EMIT dataChanged(this->index(index, Result), this->index(index, Result));
}

} // namespace sb
