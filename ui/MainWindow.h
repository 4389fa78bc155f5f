#pragma once

#include <QMainWindow>

#include <functional>

class QActionGroup;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace sb {

class GatewayController;
struct GatewayHealth;
struct StatsSnapshot;

// Assembles the window: a sidebar of pages, the stack that shows them, a status bar with the
// gateway's true state, and the menus. Pages are built elsewhere and added here; the gateway
// lives in GatewayController.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(GatewayController *gateway, QWidget *parent = nullptr);

    // `name` is the page's id for --page and the settings ("overview", "claude-code").
    // A page that does not scroll itself gets a scroll area, so a small window cuts nothing off.
    enum class Scrolling { Wrap, PageScrollsItself };
    void addPage(const QString &name, const QString &title, const QString &iconPath, QWidget *page,
                 Scrolling scrolling = Scrolling::Wrap);
    QStringList pageNames() const { return m_names; }
    bool showPage(const QString &name);
    QString currentPage() const;

    // Closing then hides the window and the gateway keeps serving (the tray is there).
    void setCloseToTray(bool closeToTray);
    // Asked at each close instead, for a setting the user can change while the window is open.
    void setCloseToTray(std::function<bool()> policy) { m_closeToTrayPolicy = std::move(policy); }
    void restoreState();
    void bringForward();
    // Quitting with requests in flight asks first (they then get `graceSeconds` to finish, as
    // headless mode gives them); true when the app may quit.
    bool confirmQuit(int graceSeconds);

Q_SIGNALS:
    void quitRequested();
    void closedToTray();
    void openConfigRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void showHealth(const GatewayHealth &health);
    void showStats();
    void saveState();
    void showAbout();
    void openReadme();

    GatewayController *m_gateway;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    QMenu *m_viewMenu;
    QActionGroup *m_pageActions;
    QStringList m_names;
    QLabel *m_health;
    QLabel *m_address;
    QLabel *m_inFlight;
    QLabel *m_speed;
    std::function<bool()> m_closeToTrayPolicy;
};

} // namespace sb
