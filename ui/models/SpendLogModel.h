#pragma once

#include "usage/SpendLog.h"

#include "ReadOnlyTableModel.h"

namespace sb {

class SpendLogReader;

// The spend log as a table, loaded a page at a time by the reader's thread as the view
// scrolls (canFetchMore/fetchMore), so a 100,000-row log opens at once. Read-only.
class SpendLogModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    // The columns a user reads first come first; route and session are for digging.
    enum Column {
        Time,
        Model,
        Status,
        Input,
        Output,
        Cache,
        FirstToken,
        Speed,
        Cost,
        Saved,
        Route,
        Session,
        ColumnCount
    };
    static constexpr int kPageSize = 200;

    explicit SpendLogModel(SpendLogReader *reader, QObject *parent = nullptr);

    // Shows the rows `filter` keeps, from the newest; a refresh with the same filter picks up
    // requests logged since.
    void setFilter(const SpendFilter &filter);
    void refresh() { setFilter(m_filter); }
    const SpendFilter &filter() const { return m_filter; }
    bool isLoading() const { return m_pending != 0; }
    bool hasMore() const { return m_more; }
    QString error() const { return m_error; }
    const UsageRecord *recordAt(int row) const;
    // Everything known about one request, in words (no prompt text: the log has none).
    QString details(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loaded(); // a page arrived (or the read failed: error())

private:
    void pageReady(int ticket, const QVector<sb::SpendRow> &rows, bool more, const QString &error);

    SpendLogReader *m_reader;
    SpendFilter m_filter;
    QVector<SpendRow> m_rows;
    bool m_more = false;
    int m_pending = 0; // the ticket of the page asked for, 0 when none is
    QString m_error;
};

} // namespace sb
