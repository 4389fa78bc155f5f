#pragma once

#include <QMainWindow>

class QLabel;
class QPushButton;
class QTableView;

namespace sb {

class ProxyService;
class RequestLogModel;
struct RequestRecord;

// What the main window shows about the running gateway (filled by the app).
struct GatewayInfo
{
    QString baseUrl; // empty when the gateway is not running
    QString token;
    QString configPath;
    QStringList warnings; // config problems to show
    QString error;        // why the gateway is not running
};

// The main window: the gateway's address and state, how to point Claude Code at it, and
// the requests as they pass. The gateway itself lives in ProxyService, not here.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    void setGatewayInfo(const GatewayInfo &info);
    void addRecord(const sb::RequestRecord &record);
    RequestLogModel *requestLog() const { return m_log; }

    // The env block Claude Code needs in ~/.claude/settings.json.
    static QString claudeSettingsSnippet(const GatewayInfo &info);

private:
    GatewayInfo m_info;
    QLabel *m_status;
    QLabel *m_address;
    QLabel *m_counts;
    QPushButton *m_copyToken;
    QPushButton *m_copySettings;
    QTableView *m_table;
    RequestLogModel *m_log;
    int m_requests = 0;
    int m_errors = 0;
};

} // namespace sb
