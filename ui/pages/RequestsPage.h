#pragma once

#include "usage/SpendLog.h"

#include <QWidget>

class QChart;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace sb {

class SpendLogModel;
class SpendTotalsModel;
class SpendLogReader;

// The Requests page: the spend log as a table that loads as it scrolls, filtered by time
// range, outcome and a search, the details of the selected request, and a CSV export of
// what the filter keeps (the same as `switchboard usage --last N --csv`).
class RequestsPage final : public QWidget
{
    Q_OBJECT
public:
    // `usageEnabled` false: the gateway keeps no log, and the page says so.
    RequestsPage(SpendLogReader *reader, bool usageEnabled, QWidget *parent = nullptr);

    SpendLogModel *model() const { return m_model; }
    SpendTotalsModel *totals() const { return m_totals; }
    // Writes the filtered rows to `file` (the Export button asks where first).
    void exportTo(const QString &file);

Q_SIGNALS:
    void exportFinished(qint64 rows, const QString &error);
    void totalsShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void applyFilter();
    void showCount();
    void showDetails();
    void askTotals();
    void showTotals(int ticket, const QVector<sb::SpendTotal> &totals, const QString &error);

    SpendLogReader *m_reader;
    SpendLogModel *m_model;
    bool m_usageEnabled;
    bool m_shownOnce = false;
    bool m_fitColumns = true;
    QComboBox *m_range;
    QComboBox *m_status;
    QLineEdit *m_search;
    QTimer *m_searchDelay;
    QPushButton *m_export;
    QLabel *m_count;
    QTableView *m_table;
    QLabel *m_details;
    int m_exportTicket = 0;
    SpendTotalsModel *m_totals;
    QComboBox *m_grouping;
    QChart *m_chart;
    int m_totalsTicket = 0;
};

} // namespace sb
