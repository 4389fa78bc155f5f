#pragma once

#include "controllers/GatewayHealth.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QComboBox;
class QTableView;

namespace sb {

class DeploymentHealthModel;
class Doctor;
class DoctorPanel;
class GatewayController;
class LiveChart;
class ProblemsPanel;
class RequestLogModel;
struct RequestRecord;
struct SpendSummary;
struct StatsSnapshot;

// The gateway at a glance: its state and address, the config's problems, each deployment's
// health, live charts, cost, and the latest requests. Lays out widgets over the controller.
class OverviewPage final : public QWidget
{
    Q_OBJECT
public:
    OverviewPage(GatewayController *gateway, QWidget *parent = nullptr);

    RequestLogModel *requestLog() const { return m_log; }

Q_SIGNALS:
    void openConfigRequested();
    void message(const QString &text);

private:
    void showHealth(const GatewayHealth &health);
    void showSpend(const SpendSummary &spend);
    void addSnapshot(const StatsSnapshot &snapshot);
    void addRecord(const RequestRecord &record, double costUsd);
    void redrawCharts();
    void runDoctor();

    GatewayController *m_gateway;
    QLabel *m_state;
    QLabel *m_detail;
    QLabel *m_address;
    QPushButton *m_start;
    QPushButton *m_stop;
    QPushButton *m_restart;
    QPushButton *m_copyUrl;
    QPushButton *m_copyToken;
    QPushButton *m_runDoctor;
    Doctor *m_doctor = nullptr; // made on the first run
    DoctorPanel *m_doctorPanel = nullptr;
    ProblemsPanel *m_problems;
    DeploymentHealthModel *m_healthModel;
    QTableView *m_healthTable;
    QComboBox *m_window;
    QLabel *m_statsOff; // instead of the charts when switchboard.usage_enabled is false
    QWidget *m_charts;
    LiveChart *m_speedChart;
    LiveChart *m_requestChart;
    LiveChart *m_ttftChart;
    QLabel *m_cost;
    QLabel *m_counts;
    RequestLogModel *m_log;
    QTableView *m_requestTable;
    QTimer m_redraw; // at most 4 redraws a second, however often snapshots come
    bool m_dirty = false;
    int m_idleTicks = 0;
    int m_requests = 0;
    int m_errors = 0;
};

} // namespace sb
