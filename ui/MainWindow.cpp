#include "MainWindow.h"

#include "RequestLogModel.h"

#include <QApplication>
#include <QClipboard>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace sb {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_log(new RequestLogModel(500, this))
{
    setWindowTitle(tr("Switchboard"));
    resize(900, 560);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(16, 16, 16, 12);
    layout->setSpacing(10);

    auto *header = new QFrame(central);
    header->setObjectName(QStringLiteral("gatewayHeader"));
    header->setFrameShape(QFrame::StyledPanel);
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(14, 10, 14, 10);
    auto *texts = new QVBoxLayout;
    m_status = new QLabel(header);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    QFont big = m_status->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_status->setFont(big);
    m_address = new QLabel(header);
    m_address->setObjectName(QStringLiteral("addressLabel"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_address->setWordWrap(true);
    texts->addWidget(m_status);
    texts->addWidget(m_address);
    headerLayout->addLayout(texts, 1);

    m_copySettings = new QPushButton(tr("Copy Claude Code settings"), header);
    m_copySettings->setObjectName(QStringLiteral("copySettingsButton"));
    m_copySettings->setToolTip(tr("The env block for ~/.claude/settings.json, with this gateway's address and token"));
    m_copyToken = new QPushButton(tr("Copy token"), header);
    m_copyToken->setObjectName(QStringLiteral("copyTokenButton"));
    headerLayout->addWidget(m_copySettings);
    headerLayout->addWidget(m_copyToken);
    layout->addWidget(header);

    m_counts = new QLabel(central);
    m_counts->setObjectName(QStringLiteral("countsLabel"));
    layout->addWidget(m_counts);

    m_table = new QTableView(central);
    m_table->setObjectName(QStringLiteral("requestTable"));
    m_table->setModel(m_log);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->verticalHeader()->hide();
    // Fixed columns sized for their widest usual content; the model names take the rest.
    QHeaderView *columns = m_table->horizontalHeader();
    columns->setStretchLastSection(false);
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = 24;
    const struct
    {
        int column;
        const char *sample;
    } widths[] = {{RequestLogModel::Time, "00:00:00"},
                  {RequestLogModel::Status, "502 upstream error"},
                  {RequestLogModel::InputTokens, "~1234567"},
                  {RequestLogModel::OutputTokens, "~1234567"},
                  {RequestLogModel::Duration, "Time taken"}};
    for (const auto &entry : widths) {
        columns->setSectionResizeMode(entry.column, QHeaderView::Fixed);
        columns->resizeSection(entry.column, metrics.horizontalAdvance(QLatin1String(entry.sample)) + padding);
    }
    columns->setSectionResizeMode(RequestLogModel::Model, QHeaderView::Stretch);
    columns->setSectionResizeMode(RequestLogModel::Deployment, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);
    setCentralWidget(central);

    connect(m_copyToken, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_info.token);
        statusBar()->showMessage(tr("Token copied"), 3000);
    });
    connect(m_copySettings, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(claudeSettingsSnippet(m_info));
        statusBar()->showMessage(tr("Settings copied: paste them into ~/.claude/settings.json"), 5000);
    });
    setGatewayInfo({});
}

QString MainWindow::claudeSettingsSnippet(const GatewayInfo &info)
{
    const QJsonObject env{{QStringLiteral("ANTHROPIC_BASE_URL"), info.baseUrl},
                          {QStringLiteral("ANTHROPIC_AUTH_TOKEN"), info.token},
                          {QStringLiteral("CLAUDE_CODE_ATTRIBUTION_HEADER"), QStringLiteral("0")},
                          {QStringLiteral("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"), QStringLiteral("1")},
                          {QStringLiteral("API_TIMEOUT_MS"), QStringLiteral("600000")}};
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("env"), env}}).toJson(QJsonDocument::Indented));
}

void MainWindow::setGatewayInfo(const GatewayInfo &info)
{
    m_info = info;
    const bool running = !info.baseUrl.isEmpty();
    m_status->setText(running ? tr("● Gateway running") : tr("● Gateway stopped"));
    m_status->setStyleSheet(running ? QStringLiteral("color: #1e8449;") : QStringLiteral("color: #c0392b;"));
    if (running) {
        m_address->setText(tr("Claude Code: set ANTHROPIC_BASE_URL to <b>%1</b> (no /v1) and "
                              "ANTHROPIC_AUTH_TOKEN to the token.<br>Config: %2")
                               .arg(info.baseUrl.toHtmlEscaped(), info.configPath.toHtmlEscaped()));
    } else {
        m_address->setText(info.error.isEmpty() ? tr("Not started.") : info.error.toHtmlEscaped());
    }
    m_copyToken->setEnabled(running && !info.token.isEmpty());
    m_copySettings->setEnabled(running && !info.token.isEmpty());
    if (!info.warnings.isEmpty())
        statusBar()->showMessage(
            tr("%n config warning(s): %1", nullptr, int(info.warnings.size())).arg(info.warnings.first()));
    m_counts->setText(tr("No requests yet. Start Claude Code with the settings above."));
}

void MainWindow::addRecord(const RequestRecord &record)
{
    // Model traffic only: health probes and Claude Code's connectivity check are noise here.
    if (!record.path.startsWith(QStringLiteral("/v1/")) && !record.path.contains(QStringLiteral("/chat/completions")))
        return;
    m_log->addRecord(record);
    ++m_requests;
    if (record.status >= 400 || !record.errorType.isEmpty())
        ++m_errors;
    m_counts->setText(tr("%1 requests, %2 failed").arg(m_requests).arg(m_errors));
}

} // namespace sb
