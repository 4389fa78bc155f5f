#pragma once

#include "config/ModelListEditor.h"

#include <QAbstractTableModel>
#include <QUndoStack>

namespace sb {

// The Mappings page's editable copy of the config's model_list. Every edit (a value, a row
// added, removed, duplicated or moved) is an undoable command until Apply; values are checked
// against the one schema declaration (ConfigSchema: type, bounds, credentials only as
// references) before they are taken.
class MappingTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Test,          // the Test button's cell (first: a row's action stays in sight)
        ModelName,     // model_name: what the client asks for (a pattern with *)
        Provider,      // litellm_params.model before the '/'
        UpstreamModel, // litellm_params.model after it
        ApiBase,
        ApiKey,
        Context, // num_ctx
        Weight,
        Order,
        Rpm,
        Tpm,
        MaxParallel,
        Id,     // model_info.id
        Result, // the last test's outcome
        ColumnCount
    };

    explicit MappingTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Refuses a value the schema refuses (lastError() says why) and otherwise pushes the edit.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    // The rows (and routing strategy) as the file has them; clears the undo history.
    void reset(const QList<MappingRow> &rows, const QString &strategy = {});
    QList<MappingRow> rows() const;
    const MappingRow &row(int index) const { return m_entries.at(index).row; }
    bool isModified() const { return !m_undo.isClean(); }
    // After a successful Apply: the current rows become the file's.
    void markApplied();

    void addRow(const MappingRow &row, int at = -1);
    void removeRowAt(int index);
    void duplicateRow(int index);
    void moveRowTo(int from, int to);

    void setResult(int index, const QString &text, bool failed);

    // router_settings.routing_strategy, edited with the rows (undoable, applied with them).
    // Refuses a name the schema does not list (lastError() says why).
    QString strategy() const { return m_strategy; }
    bool setStrategy(const QString &strategy);

    QUndoStack *undoStack() { return &m_undo; }
    QString lastError() const { return m_lastError; }

    // The row's field behind a column ("" for Test and Result).
    static QString fieldOf(int column);
    // The litellm_params.model of `provider` and `upstream` ("ollama/qwen3:8b").
    static QString joinModel(const QString &provider, const QString &upstream);

Q_SIGNALS:
    void editRefused(const QString &why);
    void strategyChanged(const QString &strategy);

private:
    friend class MappingEdit;
    friend class MappingRowsEdit;
    friend class StrategyEdit;
    struct Entry
    {
        MappingRow row;
        int uid = 0;
        QString result;
        bool failed = false;
    };
    Expected<QVariant, QString> checked(int column, const MappingRow &row, const QVariant &value) const;
    void setRows(const QList<Entry> &entries); // for the row commands
    QList<Entry> entries() const { return m_entries; }
    void writeField(int uid, const QString &field, const QVariant &value);
    void writeStrategy(const QString &strategy);
    int rowOf(int uid) const;

    QList<Entry> m_entries;
    int m_nextUid = 1;
    QUndoStack m_undo;
    QString m_lastError;
    QString m_strategy;
};

} // namespace sb
