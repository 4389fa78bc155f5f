#include "RequestsPage.h"

#include "models/SpendLogModel.h"
#include "models/SpendTotalsModel.h"
#include "usage/SpendLogReader.h"
#include "widgets/PageLayout.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace sb {

namespace {

constexpr qint64 kHourMs = 3600 * 1000;

} // namespace

RequestsPage::RequestsPage(SpendLogReader *reader, bool usageEnabled, QWidget *parent)
    : QWidget(parent), m_reader(reader), m_model(new SpendLogModel(reader, this)), m_usageEnabled(usageEnabled),
      m_totals(new SpendTotalsModel(this))
{
    setObjectName(QStringLiteral("page-requests"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 12, 18, 12);
    layout->addWidget(PageLayout::title(tr("Requests"), this));

    auto *filters = new QHBoxLayout;
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("requests-range"));
    m_range->addItem(tr("Last hour"), kHourMs);
    m_range->addItem(tr("Last 24 hours"), 24 * kHourMs);
    m_range->addItem(tr("Last 7 days"), 7 * 24 * kHourMs);
    m_range->addItem(tr("Last 30 days"), 30 * 24 * kHourMs);
    m_range->addItem(tr("All time"), qint64(0));
    m_range->setCurrentIndex(1);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("requests-status"));
    m_status->addItem(tr("All outcomes"), int(SpendFilter::Status::Any));
    m_status->addItem(tr("Succeeded"), int(SpendFilter::Status::Succeeded));
    m_status->addItem(tr("Failed"), int(SpendFilter::Status::Failed));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("requests-search"));
    m_search->setPlaceholderText(tr("Search model, deployment, session, request id or error"));
    m_search->setClearButtonEnabled(true);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    refresh->setObjectName(QStringLiteral("requests-refresh"));
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("requests-export"));
    filters->addWidget(m_range);
    filters->addWidget(m_status);
    filters->addWidget(m_search, 1);
    filters->addWidget(refresh);
    filters->addWidget(m_export);
    layout->addLayout(filters);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("requests-count"));
    m_count->setWordWrap(true);
    layout->addWidget(m_count);

    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("requests-tabs"));
    auto *listTab = new QWidget(tabs);
    auto *listLayout = new QVBoxLayout(listTab);
    listLayout->setContentsMargins(0, 6, 0, 0);
    m_table = new QTableView(listTab);
    m_table->setObjectName(QStringLiteral("requests-table"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    listLayout->addWidget(m_table, 1);

    m_details = new QLabel(listTab);
    m_details->setObjectName(QStringLiteral("requests-details"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumHeight(m_details->fontMetrics().lineSpacing() * 3);
    listLayout->addWidget(m_details);
    tabs->addTab(listTab, tr("Requests"));

    // Totals of what the filter keeps, per day, model, deployment or session, with a chart.
    auto *totalsTab = new QWidget(tabs);
    auto *totalsLayout = new QVBoxLayout(totalsTab);
    totalsLayout->setContentsMargins(0, 6, 0, 0);
    auto *groupingRow = new QHBoxLayout;
    m_grouping = new QComboBox(totalsTab);
    m_grouping->setObjectName(QStringLiteral("requests-grouping"));
    m_grouping->addItem(tr("per day"), int(SpendGrouping::Day));
    m_grouping->addItem(tr("per model"), int(SpendGrouping::Model));
    m_grouping->addItem(tr("per deployment"), int(SpendGrouping::Deployment));
    m_grouping->addItem(tr("per session"), int(SpendGrouping::Session));
    groupingRow->addWidget(new QLabel(tr("Totals"), totalsTab));
    groupingRow->addWidget(m_grouping);
    groupingRow->addStretch(1);
    totalsLayout->addLayout(groupingRow);
    auto *totalsRow = new QHBoxLayout;
    auto *totalsTable = new QTableView(totalsTab);
    totalsTable->setObjectName(QStringLiteral("requests-totals"));
    totalsTable->setModel(m_totals);
    totalsTable->verticalHeader()->hide();
    totalsTable->setAlternatingRowColors(true);
    totalsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    totalsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    totalsRow->addWidget(totalsTable, 3);
    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(2, 2, 2, 2));
    auto *chartView = new QChartView(m_chart, totalsTab);
    chartView->setObjectName(QStringLiteral("requests-totals-chart"));
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumWidth(260);
    totalsRow->addWidget(chartView, 2);
    totalsLayout->addLayout(totalsRow, 1);
    tabs->addTab(totalsTab, tr("Totals"));
    layout->addWidget(tabs, 1);

    // Typing waits for a pause before it asks the log.
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_searchDelay, &QTimer::timeout, this, &RequestsPage::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_range, qOverload<int>(&QComboBox::currentIndexChanged), this, &RequestsPage::applyFilter);
    connect(m_status, qOverload<int>(&QComboBox::currentIndexChanged), this, &RequestsPage::applyFilter);
    connect(refresh, &QPushButton::clicked, this, &RequestsPage::applyFilter);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export requests"),
            QDir::home().filePath(QStringLiteral("switchboard-requests-%1.csv")
                                      .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")))),
            tr("CSV files (*.csv)"));
        if (!file.isEmpty())
            exportTo(file);
    });
    connect(m_reader, &SpendLogReader::exported, this, [this](int ticket, qint64 rows, const QString &error) {
        if (ticket != m_exportTicket)
            return;
        m_exportTicket = 0;
        m_export->setEnabled(true);
        m_count->setText(error.isEmpty() ? tr("Exported %n request(s).", nullptr, int(rows))
                                         : tr("Export failed: %1").arg(error));
        Q_EMIT exportFinished(rows, error);
    });
    connect(m_model, &SpendLogModel::loaded, this, &RequestsPage::showCount);
    connect(m_grouping, qOverload<int>(&QComboBox::currentIndexChanged), this, &RequestsPage::askTotals);
    connect(m_reader, &SpendLogReader::totalsReady, this, &RequestsPage::showTotals);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RequestsPage::showDetails);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RequestsPage::showDetails);

    if (!m_usageEnabled) {
        m_count->setText(tr("The gateway keeps no spend log: switchboard.usage_enabled is off in the config."));
        for (QWidget *control :
             {static_cast<QWidget *>(m_range), static_cast<QWidget *>(m_status), static_cast<QWidget *>(m_search),
              static_cast<QWidget *>(refresh), static_cast<QWidget *>(m_export)})
            control->setEnabled(false);
    }
    showDetails();
}

void RequestsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // The first look loads the log; later looks refresh it (new requests on top).
    if (m_usageEnabled)
        applyFilter();
    m_shownOnce = true;
}

void RequestsPage::applyFilter()
{
    SpendFilter filter;
    const qint64 range = m_range->currentData().toLongLong();
    if (range > 0)
        filter.sinceMs = QDateTime::currentMSecsSinceEpoch() - range;
    filter.status = SpendFilter::Status(m_status->currentData().toInt());
    filter.search = m_search->text().trimmed();
    m_count->setText(tr("Loading…"));
    m_fitColumns = true;
    m_model->setFilter(filter);
    askTotals();
}

void RequestsPage::askTotals()
{
    m_totalsTicket = m_reader->fetchTotals(SpendGrouping(m_grouping->currentData().toInt()), m_model->filter());
}

void RequestsPage::showTotals(int ticket, const QVector<SpendTotal> &totals, const QString &error)
{
    if (ticket != m_totalsTicket)
        return;
    Q_UNUSED(error) // the table's own line already says why nothing is there
    const SpendGrouping grouping = SpendGrouping(m_grouping->currentData().toInt());
    const QString keyTitle = grouping == SpendGrouping::Day          ? tr("Day")
                             : grouping == SpendGrouping::Model      ? tr("Model")
                             : grouping == SpendGrouping::Deployment ? tr("Deployment")
                                                                     : tr("Session");
    m_totals->setTotals(keyTitle, totals);
    // The chart: requests and errors of the first 12 keys (days in order, the rest by cost).
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    auto *requests = new QBarSet(tr("Requests"));
    auto *errors = new QBarSet(tr("Errors"));
    errors->setColor(QColor(0xc0, 0x39, 0x2b));
    QStringList keys;
    const int first =
        m_grouping->currentData().toInt() == int(SpendGrouping::Day) ? qMax(0, int(totals.size()) - 12) : 0;
    qint64 highest = 1;
    for (int i = first; i < totals.size() && keys.size() < 12; ++i) {
        const SpendTotal &total = totals.at(i);
        keys.append(total.key.isEmpty() ? QStringLiteral("–") : total.key.left(18));
        *requests << double(total.requests);
        *errors << double(total.errors);
        highest = qMax(highest, total.requests);
    }
    auto *series = new QBarSeries;
    series->append(requests);
    series->append(errors);
    m_chart->addSeries(series);
    auto *categories = new QBarCategoryAxis;
    categories->append(keys);
    categories->setLabelsAngle(keys.size() > 4 ? -45 : 0);
    m_chart->addAxis(categories, Qt::AlignBottom);
    series->attachAxis(categories);
    auto *counts = new QValueAxis;
    counts->setRange(0, double(highest));
    counts->setLabelFormat(QStringLiteral("%d"));
    counts->applyNiceNumbers();
    m_chart->addAxis(counts, Qt::AlignLeft);
    series->attachAxis(counts);
    Q_EMIT totalsShown();
}

void RequestsPage::showCount()
{
    // Columns fit the first page of each filter; later pages keep the widths the user sees.
    if (m_fitColumns && m_model->rowCount() > 0) {
        m_fitColumns = false;
        m_table->resizeColumnsToContents();
        // A long deployment name loses its host end (the tooltip has it whole), not the other columns.
        const int cap = qMax(240, m_table->viewport()->width() * 2 / 5);
        if (m_table->columnWidth(SpendLogModel::Model) > cap)
            m_table->setColumnWidth(SpendLogModel::Model, cap);
    }
    if (!m_model->error().isEmpty()) {
        m_count->setText(m_model->error());
        return;
    }
    const int rows = m_model->rowCount();
    if (rows == 0) {
        m_count->setText(tr("No requests match."));
        return;
    }
    m_count->setText(m_model->hasMore() ? tr("The newest %n request(s); more load as you scroll.", nullptr, rows)
                                        : tr("%n request(s).", nullptr, rows));
}

void RequestsPage::showDetails()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    m_details->setText(current.isValid() ? m_model->details(current.row())
                                         : tr("Select a request to see its details (no prompt text is kept)."));
}

void RequestsPage::exportTo(const QString &file)
{
    m_export->setEnabled(false);
    m_count->setText(tr("Exporting…"));
    m_exportTicket = m_reader->exportCsv(m_model->filter(), file);
}

} // namespace sb
