#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace sb {

class GpuDeviceModel;
class HardwareController;
class ModelFitModel;

// The Hardware page: the machine's CPU, memory and accelerators as the probes see them,
// why a probe found nothing, which runtimes work here, and the models that fit, each with a
// Pull button (the recommended main and small models for Claude Code in bold).
class HardwarePage final : public QWidget
{
    Q_OBJECT
public:
    explicit HardwarePage(HardwareController *controller, QWidget *parent = nullptr);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showReport();
    void updatePullButtons();

    HardwareController *m_controller;
    GpuDeviceModel *m_devices;
    ModelFitModel *m_fits;
    QLabel *m_machine;
    QLabel *m_noDevices;
    QTableView *m_deviceTable;
    QLabel *m_probes;
    QLabel *m_runtimes;
    QLabel *m_recommendation;
    QTableView *m_fitTable;
};

} // namespace sb
