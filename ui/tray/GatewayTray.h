#pragma once

#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace sb {

// The tray icon: its look says the gateway's state, its menu asks for things. One object
// that knows nothing about pages or services; it only emits requests.
class GatewayTray final : public QObject
{
    Q_OBJECT
public:
    enum class Look { Running, Stopped, Problem };

    explicit GatewayTray(QObject *parent = nullptr);
    ~GatewayTray() override;

    static bool available();
    void show();
    void hide();
    bool isVisible() const;
    void setLook(Look look, const QString &tooltip);
    Look look() const { return m_look; }
    void setRunning(bool running);
    // < 0: not measured (usage stats are off).
    void setTokensPerSecond(double tokensPerSecond);
    // Connect / Disconnect Claude Code entries, shown only when someone handles them.
    void setClaudeCodeEntries(bool shown, bool connected);
    void notify(const QString &title, const QString &text);
    QMenu *menu() const { return m_menu; }

Q_SIGNALS:
    void showWindowRequested();
    void startRequested();
    void stopRequested();
    void connectClaudeCodeRequested();
    void disconnectClaudeCodeRequested();
    void quitRequested();

private:
    QSystemTrayIcon *m_icon;
    QMenu *m_menu;
    QAction *m_open;
    QAction *m_startStop;
    QAction *m_connect;
    QAction *m_disconnect;
    QAction *m_speed;
    QAction *m_quit;
    Look m_look = Look::Stopped;
    bool m_running = false;
};

} // namespace sb
