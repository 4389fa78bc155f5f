#include "MainWindow.h"

#include "controllers/GatewayController.h"
#include "widgets/LineIcon.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QUrl>

// The icons are compiled into this static library: its resources load only when named.
static void loadIcons()
{
    Q_INIT_RESOURCE(icons);
}

namespace sb {

MainWindow::MainWindow(GatewayController *gateway, QWidget *parent) : QMainWindow(parent), m_gateway(gateway)
{
    loadIcons();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Switchboard"));
    setWindowIcon(QIcon(QStringLiteral(":/switchboard/icons/switchboard.svg")));
    setMinimumSize(760, 440);
    // The first start: a comfortable size that still fits a small screen (800×500 works).
    const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1100, 720);
    resize(qMin(1100, available.width()), qMin(720, available.height() - 30));

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_sidebar = new QListWidget(central);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setSpacing(2);
    m_sidebar->setFixedWidth(m_sidebar->fontMetrics().horizontalAdvance(QStringLiteral("Claude Code ")) + 64);
    m_sidebar->setAutoFillBackground(true);
    m_sidebar->setBackgroundRole(QPalette::Window);
    m_sidebar->setToolTip(tr("Pages (Ctrl+1, Ctrl+2, …)"));
    m_stack = new QStackedWidget(central);
    m_stack->setObjectName(QStringLiteral("pages"));
    layout->addWidget(m_sidebar);
    auto *line = new QFrame(central);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_stack->setCurrentIndex(row);
        if (QAction *action = m_pageActions->actions().value(row))
            action->setChecked(true);
    });

    // Menus.
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(lineIcon(QStringLiteral(":/switchboard/icons/open-file.svg"), palette()),
                                    tr("&Open Config File"));
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("actionOpenConfig"));
    open->setStatusTip(tr("Open the config in your editor; saving it reloads the gateway"));
    connect(open, &QAction::triggered, this, &MainWindow::openConfigRequested);
    QAction *reload =
        file->addAction(lineIcon(QStringLiteral(":/switchboard/icons/reload.svg"), palette()), tr("&Reload Config"));
    reload->setShortcut(QKeySequence::Refresh);
    reload->setObjectName(QStringLiteral("actionReloadConfig"));
    connect(reload, &QAction::triggered, m_gateway, &GatewayController::reloadConfig);
    QAction *restart =
        file->addAction(lineIcon(QStringLiteral(":/switchboard/icons/restart.svg"), palette()), tr("Re&start Gateway"));
    restart->setShortcut(QKeySequence(tr("Ctrl+R")));
    connect(restart, &QAction::triggered, m_gateway, &GatewayController::restart);
    file->addSeparator();
    QAction *close = file->addAction(tr("&Close Window"));
    close->setShortcut(QKeySequence::Close);
    connect(close, &QAction::triggered, this, &QWidget::close);
    QAction *quit = file->addAction(QIcon(QStringLiteral(":/switchboard/icons/quit.svg")), tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &MainWindow::quitRequested);
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_pageActions = new QActionGroup(this);
    m_pageActions->setExclusive(true);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *readme =
        help->addAction(lineIcon(QStringLiteral(":/switchboard/icons/help.svg"), palette()), tr("Open &README"));
    readme->setShortcut(QKeySequence::HelpContents);
    connect(readme, &QAction::triggered, this, &MainWindow::openReadme);
    QAction *about = help->addAction(tr("&About Switchboard"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    // Status bar: what is true now, always visible; passing messages go on the left.
    m_health = new QLabel(this);
    m_health->setObjectName(QStringLiteral("statusHealth"));
    m_address = new QLabel(this);
    m_address->setObjectName(QStringLiteral("statusAddress"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_inFlight = new QLabel(this);
    m_inFlight->setObjectName(QStringLiteral("statusInFlight"));
    m_inFlight->setToolTip(tr("Requests in flight"));
    m_speed = new QLabel(this);
    m_speed->setObjectName(QStringLiteral("statusSpeed"));
    statusBar()->addPermanentWidget(m_health);
    statusBar()->addPermanentWidget(m_address);
    statusBar()->addPermanentWidget(m_inFlight);
    statusBar()->addPermanentWidget(m_speed);
    connect(m_gateway, &GatewayController::healthChanged, this, &MainWindow::showHealth);
    connect(m_gateway, &GatewayController::statsSnapshot, this, &MainWindow::showStats);
    connect(m_gateway, &GatewayController::inFlightChanged, this, &MainWindow::showStats);
    connect(m_gateway, &GatewayController::notice, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
    showHealth(m_gateway->health());
}

void MainWindow::addPage(const QString &name, const QString &title, const QString &iconPath, QWidget *page,
                         Scrolling scrolling)
{
    QIcon icon = lineIcon(iconPath, m_sidebar->palette());
    // The grey line icons vanish on the selection colour: a selected variant in its text colour.
    const QSize size = m_sidebar->iconSize();
    for (const qreal scale : {1.0, 2.0}) {
        QPixmap selected = icon.pixmap(size * scale);
        if (selected.isNull())
            break;
        QPainter painter(&selected);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(selected.rect(), m_sidebar->palette().color(QPalette::HighlightedText));
        painter.end();
        icon.addPixmap(selected, QIcon::Selected);
    }
    auto *item = new QListWidgetItem(icon, title, m_sidebar);
    item->setSizeHint(QSize(0, m_sidebar->fontMetrics().height() + 18));
    if (scrolling == Scrolling::Wrap) {
        auto *scroll = new QScrollArea(m_stack);
        scroll->setObjectName(QStringLiteral("scroll-") + name);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(page);
        m_stack->addWidget(scroll);
    } else {
        m_stack->addWidget(page);
    }
    m_names.append(name);
    QAction *action = m_viewMenu->addAction(icon, title);
    action->setCheckable(true);
    action->setObjectName(QStringLiteral("actionPage-") + name);
    if (m_names.size() <= 9)
        action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(m_names.size())));
    item->setToolTip(action->shortcut().isEmpty()
                         ? title
                         : QStringLiteral("%1 (%2)").arg(title, action->shortcut().toString(QKeySequence::NativeText)));
    m_pageActions->addAction(action);
    connect(action, &QAction::triggered, this, [this, name] { showPage(name); });
    if (m_sidebar->currentRow() < 0)
        m_sidebar->setCurrentRow(0);
}

bool MainWindow::showPage(const QString &name)
{
    const int row = int(m_names.indexOf(name));
    if (row < 0)
        return false;
    m_sidebar->setCurrentRow(row);
    return true;
}

QString MainWindow::currentPage() const
{
    return m_names.value(m_stack->currentIndex());
}

void MainWindow::restoreState()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    showPage(settings.value(QStringLiteral("window/page")).toString());
}

void MainWindow::saveState()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/page"), currentPage());
}

void MainWindow::bringForward()
{
    if (isMinimized())
        setWindowState(windowState() & ~Qt::WindowMinimized);
    show();
    raise();
    activateWindow();
}

bool MainWindow::confirmQuit(int graceSeconds)
{
    const int open = m_gateway->inFlight();
    if (open <= 0)
        return true;
    if (isHidden())
        bringForward(); // asked from the tray: the question needs its window
    QMessageBox box(QMessageBox::Question, tr("Quit Switchboard"), tr("%n request(s) in flight.", nullptr, open),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName(QStringLiteral("quitConfirmation"));
    box.setInformativeText(tr("Quit and give them %n second(s) to finish? Claude Code sessions using this "
                              "gateway lose their connection once it stops.",
                              nullptr, graceSeconds));
    box.button(QMessageBox::Yes)->setText(tr("Quit"));
    box.button(QMessageBox::No)->setText(tr("Keep Running"));
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

void MainWindow::setCloseToTray(bool closeToTray)
{
    m_closeToTrayPolicy = [closeToTray] {
        return closeToTray;
    };
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveState();
    event->ignore();
    if (m_closeToTrayPolicy && m_closeToTrayPolicy()) {
        hide();
        Q_EMIT closedToTray();
    } else {
        Q_EMIT quitRequested();
    }
}

void MainWindow::showHealth(const GatewayHealth &health)
{
    QString dot;
    switch (health.level) {
    case GatewayHealth::Level::Healthy: dot = QStringLiteral("#1e8449"); break;
    case GatewayHealth::Level::Degraded:
    case GatewayHealth::Level::Checking:
    case GatewayHealth::Level::Starting: dot = QStringLiteral("#b9770e"); break;
    case GatewayHealth::Level::Stopped: dot = QStringLiteral("#7f8c8d"); break;
    case GatewayHealth::Level::Down:
    case GatewayHealth::Level::Failed: dot = QStringLiteral("#c0392b"); break;
    }
    QString summary;
    if (health.level == GatewayHealth::Level::Healthy || health.level == GatewayHealth::Level::Degraded ||
        health.level == GatewayHealth::Level::Down)
        summary = tr("%1 of %2 deployments reachable").arg(health.reachable).arg(health.total);
    else
        summary = health.headline;
    m_health->setText(QStringLiteral("<span style=\"color:%1\">●</span> %2").arg(dot, summary.toHtmlEscaped()));
    m_health->setToolTip(health.detail.isEmpty() ? health.headline
                                                 : health.headline + QLatin1Char('\n') + health.detail);
    const QString url = m_gateway->baseUrl();
    m_address->setText(url);
    m_address->setVisible(!url.isEmpty());
    showStats();
}

void MainWindow::showStats()
{
    const bool running = m_gateway->state() == ProxyService::State::Running;
    m_inFlight->setText(running ? tr("%n in flight", nullptr, m_gateway->inFlight()) : QString());
    if (m_gateway->usageStatsOn()) {
        const double speed = m_gateway->outputTokensPerSecond();
        m_speed->setText(running ? tr("%1 tok/s").arg(speed, 0, 'f', speed < 10 ? 1 : 0) : QString());
        m_speed->setToolTip(tr("Output tokens per second over the last minute"));
    } else {
        // No stats are kept: say so rather than show a speed of 0.
        m_speed->setText(running ? tr("stats off") : QString());
        m_speed->setToolTip(tr("switchboard.usage_enabled is false: no speed, token counts or spend are recorded"));
    }
    m_inFlight->setVisible(running);
    m_speed->setVisible(running);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Switchboard"),
                       tr("<h3>Switchboard %1</h3><p>Run Claude Code on your own models: an Anthropic and "
                          "OpenAI compatible gateway in front of Ollama, OpenAI-compatible servers and "
                          "Anthropic.</p><p>Config: %2</p>")
                           .arg(QCoreApplication::applicationVersion(), m_gateway->configPath().toHtmlEscaped()));
}

void MainWindow::openReadme()
{
    // Installed next to the binary by packages; the source tree's copy in a build.
    const QStringList candidates{QCoreApplication::applicationDirPath() +
                                     QStringLiteral("/../share/doc/switchboard/README.md"),
                                 QStringLiteral(SWITCHBOARD_README_PATH)};
    for (const QString &path : candidates) {
        if (QFileInfo::exists(path)) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()));
            return;
        }
    }
    QMessageBox::information(this, tr("README"), tr("The README is not installed on this machine."));
}

} // namespace sb
