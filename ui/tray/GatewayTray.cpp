#include "GatewayTray.h"

#include <QAction>
#include <QIcon>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>

// The icons are compiled into this static library: its resources load only when named.
static void loadIcons()
{
    Q_INIT_RESOURCE(icons);
}

namespace sb {

namespace {
// The app icon with a state dot in the corner; drawn, so it works without the SVG plugin.
QIcon stateIcon(GatewayTray::Look look)
{
    QIcon icon;
    const QIcon base(QStringLiteral(":/switchboard/icons/switchboard.svg"));
    for (int size : {16, 22, 24, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QPixmap app = base.pixmap(size, size);
        if (!app.isNull()) {
            painter.drawPixmap(0, 0, app);
        } else {
            painter.setBrush(QColor(0x1f, 0x3b, 0x57));
            painter.setPen(Qt::NoPen);
            painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22);
        }
        QColor dot;
        switch (look) {
        case GatewayTray::Look::Running: dot = QColor(0x2e, 0xcc, 0x71); break;
        case GatewayTray::Look::Stopped: dot = QColor(0x95, 0xa5, 0xa6); break;
        case GatewayTray::Look::Problem: dot = QColor(0xe7, 0x4c, 0x3c); break;
        }
        const double r = size * 0.22;
        painter.setPen(QPen(Qt::white, qMax(1.0, size / 16.0)));
        painter.setBrush(dot);
        painter.drawEllipse(QPointF(size - r - 1, size - r - 1), r, r);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}
} // namespace

GatewayTray::GatewayTray(QObject *parent) : QObject(parent), m_icon(new QSystemTrayIcon(this)), m_menu(new QMenu)
{
    loadIcons();
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_open = m_menu->addAction(QIcon(QStringLiteral(":/switchboard/icons/switchboard.svg")), tr("Open Switchboard"));
    m_open->setObjectName(QStringLiteral("trayOpen"));
    m_startStop = m_menu->addAction(tr("Start gateway"));
    m_startStop->setObjectName(QStringLiteral("trayStartStop"));
    m_connect = m_menu->addAction(tr("Connect Claude Code"));
    m_connect->setObjectName(QStringLiteral("trayConnect"));
    m_disconnect = m_menu->addAction(tr("Disconnect Claude Code"));
    m_disconnect->setObjectName(QStringLiteral("trayDisconnect"));
    m_menu->addSeparator();
    m_speed = m_menu->addAction(tr("0 tokens/s"));
    m_speed->setObjectName(QStringLiteral("traySpeed"));
    m_speed->setEnabled(false);
    m_menu->addSeparator();
    m_quit = m_menu->addAction(QIcon(QStringLiteral(":/switchboard/icons/quit.svg")), tr("Quit Switchboard"));
    m_quit->setObjectName(QStringLiteral("trayQuit"));
    m_icon->setContextMenu(m_menu);
    setClaudeCodeEntries(false, false);

    connect(m_open, &QAction::triggered, this, &GatewayTray::showWindowRequested);
    connect(m_startStop, &QAction::triggered, this, [this] {
        if (m_running)
            Q_EMIT stopRequested();
        else
            Q_EMIT startRequested();
    });
    connect(m_connect, &QAction::triggered, this, &GatewayTray::connectClaudeCodeRequested);
    connect(m_disconnect, &QAction::triggered, this, &GatewayTray::disconnectClaudeCodeRequested);
    connect(m_quit, &QAction::triggered, this, &GatewayTray::quitRequested);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT showWindowRequested();
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &GatewayTray::showWindowRequested);
    setLook(Look::Stopped, tr("Switchboard"));
}

GatewayTray::~GatewayTray()
{
    delete m_menu; // a context menu has no parent: QSystemTrayIcon does not own it
}

bool GatewayTray::available()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void GatewayTray::show()
{
    m_icon->show();
}

void GatewayTray::hide()
{
    m_icon->hide();
}

bool GatewayTray::isVisible() const
{
    return m_icon->isVisible();
}

void GatewayTray::setLook(Look look, const QString &tooltip)
{
    if (look != m_look || m_icon->icon().isNull())
        m_icon->setIcon(stateIcon(look));
    m_look = look;
    m_icon->setToolTip(tooltip);
}

void GatewayTray::setRunning(bool running)
{
    m_running = running;
    m_startStop->setText(running ? tr("Stop gateway") : tr("Start gateway"));
    m_startStop->setIcon(QIcon(running ? QStringLiteral(":/switchboard/icons/stop.svg")
                                       : QStringLiteral(":/switchboard/icons/start.svg")));
}

void GatewayTray::setTokensPerSecond(double tokensPerSecond)
{
    if (tokensPerSecond < 0) {
        m_speed->setText(tr("Output speed: stats off"));
        return;
    }
    m_speed->setText(tr("%1 output tokens/s now").arg(tokensPerSecond, 0, 'f', tokensPerSecond < 10 ? 1 : 0));
}

void GatewayTray::setClaudeCodeEntries(bool shown, bool connected)
{
    m_connect->setVisible(shown && !connected);
    m_disconnect->setVisible(shown && connected);
}

void GatewayTray::notify(const QString &title, const QString &text)
{
    m_icon->showMessage(title, text, stateIcon(m_look), 6000);
}

} // namespace sb
