#include "OverviewPage.h"

#include "widgets/LineIcon.h"

#include "doctor/Doctor.h"
#include "server/BindPolicy.h"
#include "widgets/DoctorPanel.h"

#include "charts/LiveChart.h"
#include "controllers/GatewayController.h"
#include "models/DeploymentHealthModel.h"
#include "models/RequestLogModel.h"
#include "widgets/PageLayout.h"
#include "widgets/ProblemsPanel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QVBoxLayout>

namespace sb {

namespace {
QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    label->setFont(font);
    return label;
}

QString money(double usd)
{
    return usd < 0.01 && usd > 0 ? QStringLiteral("< $0.01") : QStringLiteral("$%1").arg(usd, 0, 'f', 2);
}

void setupTable(QTableView *table)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setShowGrid(false);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
}
} // namespace

OverviewPage::OverviewPage(GatewayController *gateway, QWidget *parent)
    : QWidget(parent), m_gateway(gateway), m_healthModel(new DeploymentHealthModel(this)),
      m_log(new RequestLogModel(500, this))
{
    setObjectName(QStringLiteral("page-overview"));
    auto *layout = PageLayout::scrolling(this, 14);
    QWidget *content = layout->parentWidget();

    // Gateway card.
    auto *card = new QFrame(content);
    card->setObjectName(QStringLiteral("gatewayCard"));
    card->setFrameShape(QFrame::StyledPanel);
    auto *cardLayout = new QGridLayout(card);
    cardLayout->setContentsMargins(14, 10, 14, 10);
    m_state = new QLabel(card);
    m_state->setObjectName(QStringLiteral("statusLabel"));
    m_state->setWordWrap(true);
    QFont big = m_state->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_state->setFont(big);
    m_detail = new QLabel(card);
    m_detail->setObjectName(QStringLiteral("statusDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_address = new QLabel(card);
    m_address->setObjectName(QStringLiteral("addressLabel"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_address->setWordWrap(true);
    cardLayout->addWidget(m_state, 0, 0, 1, 2);
    cardLayout->addWidget(m_detail, 1, 0, 1, 2);
    cardLayout->addWidget(m_address, 2, 0, 1, 2);
    auto *buttons = new QHBoxLayout;
    m_start = new QPushButton(QIcon(QStringLiteral(":/switchboard/icons/start.svg")), tr("Start"), card);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setToolTip(tr("Start the gateway with the config as last loaded"));
    m_stop = new QPushButton(QIcon(QStringLiteral(":/switchboard/icons/stop.svg")), tr("Stop"), card);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Stop the gateway: open streams get 3 seconds to finish"));
    m_restart =
        new QPushButton(lineIcon(QStringLiteral(":/switchboard/icons/restart.svg"), palette()), tr("Restart"), card);
    m_restart->setObjectName(QStringLiteral("restartButton"));
    m_restart->setToolTip(tr("Stop and start again: applies a new address or master_key"));
    m_copyUrl =
        new QPushButton(lineIcon(QStringLiteral(":/switchboard/icons/copy.svg"), palette()), tr("Copy base URL"), card);
    m_copyUrl->setObjectName(QStringLiteral("copyUrlButton"));
    m_copyUrl->setToolTip(tr("ANTHROPIC_BASE_URL for Claude Code (no /v1)"));
    m_copyToken =
        new QPushButton(lineIcon(QStringLiteral(":/switchboard/icons/copy.svg"), palette()), tr("Copy token"), card);
    m_copyToken->setObjectName(QStringLiteral("copyTokenButton"));
    m_copyToken->setToolTip(tr("ANTHROPIC_AUTH_TOKEN: the token clients present to this gateway"));
    m_runDoctor =
        new QPushButton(lineIcon(QStringLiteral(":/switchboard/icons/help.svg"), palette()), tr("Run doctor"), content);
    m_runDoctor->setObjectName(QStringLiteral("runDoctorButton"));
    m_runDoctor->setToolTip(tr("Check the gateway, each Ollama model and Claude Code's settings, with what to do "
                               "(what `switchboard doctor` prints)"));
    for (QPushButton *button : {m_start, m_stop, m_restart})
        buttons->addWidget(button);
    buttons->addStretch(1);
    buttons->addWidget(m_copyUrl);
    buttons->addWidget(m_copyToken);
    cardLayout->addLayout(buttons, 3, 0, 1, 2);
    layout->addWidget(card);

    m_problems = new ProblemsPanel(content);
    layout->addWidget(m_problems);

    // Health.
    // The doctor sits with the health it explains (the card's row is full at 800x500).
    auto *healthHead = new QHBoxLayout;
    healthHead->addWidget(sectionTitle(tr("Deployments"), content));
    healthHead->addStretch(1);
    healthHead->addWidget(m_runDoctor);
    layout->addLayout(healthHead);
    m_healthTable = new QTableView(content);
    m_healthTable->setObjectName(QStringLiteral("healthTable"));
    m_healthTable->setModel(m_healthModel);
    setupTable(m_healthTable);
    m_healthTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_healthTable->horizontalHeader()->setStretchLastSection(true);
    m_healthTable->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    layout->addWidget(m_healthTable);

    // Charts and cost.
    auto *chartHead = new QHBoxLayout;
    chartHead->addWidget(sectionTitle(tr("Live"), content));
    chartHead->addStretch(1);
    m_cost = new QLabel(content);
    m_cost->setObjectName(QStringLiteral("costLabel"));
    m_cost->setToolTip(tr("From the spend log. Saved: what the same tokens would cost at Anthropic's list price"));
    // Wraps rather than widen the page: at 800x500 the one-line figure pushed the whole page
    // into a horizontal scroll.
    m_cost->setWordWrap(true);
    m_cost->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    chartHead->addWidget(m_cost, 1);
    chartHead->addSpacing(12);
    m_window = new QComboBox(content);
    m_window->setObjectName(QStringLiteral("chartWindow"));
    m_window->addItem(tr("Last 5 minutes"), 5 * 60 * 1000);
    m_window->addItem(tr("Last 60 minutes"), 60 * 60 * 1000);
    m_window->setToolTip(tr("How far back the charts look"));
    chartHead->addWidget(m_window);
    layout->addLayout(chartHead);
    m_statsOff = new QLabel(tr("Live charts and cost are off: the config sets switchboard.usage_enabled to false. "
                               "Requests are still listed below."),
                            content);
    m_statsOff->setObjectName(QStringLiteral("statsOffLabel"));
    m_statsOff->setWordWrap(true);
    m_statsOff->setEnabled(false); // the palette's muted text
    layout->addWidget(m_statsOff);
    m_charts = new QWidget(content);
    auto *charts = new QGridLayout(m_charts);
    charts->setContentsMargins(0, 0, 0, 0);
    m_speedChart = new LiveChart(tr("Output tokens/s"), tr("tok/s"), content);
    m_speedChart->setObjectName(QStringLiteral("speedChart"));
    m_requestChart = new LiveChart(tr("Requests, errors / min"), QString(), content);
    m_requestChart->setObjectName(QStringLiteral("requestChart"));
    m_requestChart->setSeriesColor(tr("errors"), QColor(0xc0, 0x39, 0x2b));
    m_ttftChart = new LiveChart(tr("First token p50 / p95"), tr("ms"), content);
    m_ttftChart->setObjectName(QStringLiteral("ttftChart"));
    charts->addWidget(m_speedChart, 0, 0);
    charts->addWidget(m_requestChart, 0, 1);
    charts->addWidget(m_ttftChart, 0, 2);
    layout->addWidget(m_charts);

    // Latest requests.
    auto *requestHead = new QHBoxLayout;
    requestHead->addWidget(sectionTitle(tr("Latest requests"), content));
    requestHead->addStretch(1);
    m_counts = new QLabel(content);
    m_counts->setObjectName(QStringLiteral("countsLabel"));
    requestHead->addWidget(m_counts);
    layout->addLayout(requestHead);
    m_requestTable = new QTableView(content);
    m_requestTable->setObjectName(QStringLiteral("requestTable"));
    m_requestTable->setModel(m_log);
    setupTable(m_requestTable);
    m_requestTable->setMinimumHeight(180);
    QHeaderView *columns = m_requestTable->horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::ResizeToContents);
    columns->setStretchLastSection(true);
    layout->addWidget(m_requestTable, 1);

    connect(m_start, &QPushButton::clicked, m_gateway, &GatewayController::start);
    connect(m_stop, &QPushButton::clicked, m_gateway, &GatewayController::stop);
    connect(m_restart, &QPushButton::clicked, m_gateway, &GatewayController::restart);
    connect(m_runDoctor, &QPushButton::clicked, this, &OverviewPage::runDoctor);
    connect(m_copyUrl, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_gateway->baseUrl());
        Q_EMIT message(tr("Base URL copied: %1").arg(m_gateway->baseUrl()));
    });
    connect(m_copyToken, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_gateway->token());
        Q_EMIT message(tr("Token copied"));
    });
    connect(m_problems, &ProblemsPanel::openConfigRequested, this, &OverviewPage::openConfigRequested);
    connect(m_problems, &ProblemsPanel::reloadRequested, m_gateway, &GatewayController::reloadConfig);
    connect(m_gateway, &GatewayController::problemsChanged, this,
            [this] { m_problems->setProblems(m_gateway->problems()); });
    connect(m_gateway, &GatewayController::healthChanged, this, &OverviewPage::showHealth);
    connect(m_gateway, &GatewayController::spendChanged, this, &OverviewPage::showSpend);
    connect(m_gateway, &GatewayController::statsSnapshot, this, &OverviewPage::addSnapshot);
    connect(m_gateway, &GatewayController::requestFinished, this, &OverviewPage::addRecord);
    connect(m_window, &QComboBox::currentIndexChanged, this, [this] {
        const qint64 window = m_window->currentData().toLongLong();
        for (LiveChart *chart : {m_speedChart, m_requestChart, m_ttftChart})
            chart->setWindowMs(window);
        m_dirty = true;
    });
    m_redraw.setInterval(250);
    connect(&m_redraw, &QTimer::timeout, this, [this] {
        // Redraw while something changed, and once a second anyway so the time axis moves.
        if (m_dirty || ++m_idleTicks >= 4) {
            m_idleTicks = 0;
            redrawCharts();
        }
    });
    m_redraw.start();
    redrawCharts(); // axes from the start, before the first snapshot

    m_problems->setProblems(m_gateway->problems());
    showHealth(m_gateway->health());
    showSpend(m_gateway->spend());
    m_counts->setText(tr("No requests yet"));
}

void OverviewPage::showHealth(const GatewayHealth &health)
{
    QString color;
    switch (health.level) {
    case GatewayHealth::Level::Healthy: color = QStringLiteral("#1e8449"); break;
    case GatewayHealth::Level::Degraded:
    case GatewayHealth::Level::Checking:
    case GatewayHealth::Level::Starting: color = QStringLiteral("#b9770e"); break;
    case GatewayHealth::Level::Stopped: color = QStringLiteral("#7f8c8d"); break;
    case GatewayHealth::Level::Down:
    case GatewayHealth::Level::Failed: color = QStringLiteral("#c0392b"); break;
    }
    m_state->setText(QStringLiteral("● ") + health.headline);
    m_state->setStyleSheet(QStringLiteral("color: %1;").arg(color));
    const bool headlineSaysIt = health.headline.contains(health.detail);
    m_detail->setText(headlineSaysIt ? QString() : health.detail);
    m_detail->setVisible(!m_detail->text().isEmpty());
    const ProxyService::State state = m_gateway->state();
    const bool running = state == ProxyService::State::Running;
    if (running)
        m_address->setText(tr("Claude Code: ANTHROPIC_BASE_URL=<b>%1</b> (no /v1), ANTHROPIC_AUTH_TOKEN=the "
                              "token.<br>Config: %2")
                               .arg(m_gateway->baseUrl().toHtmlEscaped(), m_gateway->configPath().toHtmlEscaped()));
    else
        m_address->setText(tr("Config: %1").arg(m_gateway->configPath().toHtmlEscaped()));
    m_start->setEnabled(state == ProxyService::State::Stopped && m_gateway->canStart());
    m_stop->setEnabled(running);
    m_restart->setEnabled(running);
    m_copyUrl->setEnabled(running);
    m_copyToken->setEnabled(running && !m_gateway->token().isEmpty());
    m_healthModel->setDeployments(m_gateway->deployments());
    const bool statsOn = m_gateway->usageStatsOn();
    m_statsOff->setVisible(!statsOn);
    m_charts->setVisible(statsOn);
    m_window->setVisible(statsOn);
    showSpend(m_gateway->spend());
    // As tall as its rows (up to six): no empty box under two deployments.
    const int rows = qBound(1, m_healthModel->rowCount(), 6);
    m_healthTable->setFixedHeight(m_healthTable->horizontalHeader()->sizeHint().height() +
                                  rows * m_healthTable->verticalHeader()->defaultSectionSize() +
                                  2 * m_healthTable->frameWidth() + 2);
}

void OverviewPage::showSpend(const SpendSummary &spend)
{
    if (!m_gateway->usageStatsOn()) {
        m_cost->setText(tr("Cost: not recorded"));
        return;
    }
    if (!spend.available) {
        m_cost->setText(tr("Cost: nothing spent yet"));
        return;
    }
    m_cost->setText(tr("Today %1 · this month %2, %3 less than at Anthropic's list price")
                        .arg(money(spend.costTodayUsd), money(spend.costMonthUsd), money(spend.savedMonthUsd)));
}

void OverviewPage::addSnapshot(const StatsSnapshot &snapshot)
{
    const qint64 at = snapshot.at.isValid() ? snapshot.at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
    for (const SeriesStats &deployment : snapshot.deployments)
        m_speedChart->buffer().append(deployment.deployment, at, deployment.windows[0].outputTokensPerSecond);
    const WindowStats &minute = snapshot.total.windows[0];
    m_requestChart->buffer().append(tr("requests"), at, double(minute.requests));
    m_requestChart->buffer().append(tr("errors"), at, double(minute.errors));
    if (minute.ttftP50Ms >= 0) {
        m_ttftChart->buffer().append(tr("p50"), at, minute.ttftP50Ms);
        m_ttftChart->buffer().append(tr("p95"), at, minute.ttftP95Ms);
    }
    m_dirty = true;
}

void OverviewPage::redrawCharts()
{
    m_dirty = false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (LiveChart *chart : {m_speedChart, m_requestChart, m_ttftChart})
        chart->redraw(now);
}

void OverviewPage::addRecord(const RequestRecord &record, double costUsd)
{
    // Model traffic only: health probes and Claude Code's connectivity check are noise here.
    if (!record.path.startsWith(QStringLiteral("/v1/")) && !record.path.contains(QStringLiteral("/chat/completions")))
        return;
    m_log->addRecord(record, costUsd);
    ++m_requests;
    if (record.status >= 400 || !record.errorType.isEmpty())
        ++m_errors;
    m_counts->setText(tr("%1 requests, %2 failed").arg(m_requests).arg(m_errors));
}

void OverviewPage::runDoctor()
{
    if (!m_doctor) {
        m_doctor = new Doctor(this);
        m_doctorPanel = new DoctorPanel(this);
        connect(m_doctor, &Doctor::finished, m_doctorPanel, [this](const QList<DoctorCheck> &checks) {
            m_doctorPanel->showChecks(checks);
            m_runDoctor->setEnabled(true);
        });
    }
    if (m_doctor->isRunning())
        return;
    ConfigLoadResult loaded;
    loaded.config = m_gateway->config();
    loaded.issues = m_gateway->problems();
    // Stopped, the doctor still checks where the gateway would answer (and says it does not).
    const GatewayConfig &config = m_gateway->config();
    const QString url =
        m_gateway->state() == ProxyService::State::Running
            ? m_gateway->baseUrl()
            : QStringLiteral("http://%1:%2").arg(BindPolicy::localDialHost(config.host)).arg(config.port);
    m_doctorPanel->showRunning();
    m_doctorPanel->show();
    m_doctorPanel->raise();
    m_runDoctor->setEnabled(false);
    m_doctor->run(DoctorInputs::forGateway(m_gateway->configPath(), loaded, url, m_gateway->token()));
}

} // namespace sb
