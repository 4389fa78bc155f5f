#pragma once

#include "usage/RequestRecord.h"

#include <QAbstractTableModel>
#include <QList>

namespace sb {

// The most recent requests, newest first, for the Overview's table. Read-only. Errors show
// as the message the client was told, not as a log line.
class RequestLogModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Time,
        Model,
        Deployment,
        Status,
        InputTokens,
        OutputTokens,
        Duration,
        FirstToken,
        Speed,
        Route,
        Cost,
        Detail,
        ColumnCount
    };

    explicit RequestLogModel(int capacity = 500, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // `costUsd` < 0: not known.
    void addRecord(const sb::RequestRecord &record, double costUsd = -1);
    const RequestRecord &record(int row) const { return m_records.at(row).record; }
    static QString statusText(const RequestRecord &record);
    static QString detailText(const RequestRecord &record);

private:
    struct Row
    {
        RequestRecord record;
        double costUsd = -1;
    };
    QList<Row> m_records;
    int m_capacity;
};

} // namespace sb
