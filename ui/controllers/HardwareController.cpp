#include "HardwareController.h"

#include "hardware/HardwareProbe.h"
#include "ollama/OllamaPulls.h"

namespace sb {

HardwareController::HardwareController(OllamaPulls *pulls, ProbeSetup setup, ModelCatalog catalog, QObject *parent)
    : QObject(parent), m_pulls(pulls), m_setup(std::move(setup)), m_catalog(std::move(catalog))
{
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &HardwareController::refresh);
}

HardwareController::~HardwareController() = default;

void HardwareController::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active) {
        refresh();
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void HardwareController::setRefreshIntervalMs(int milliseconds)
{
    m_timer.setInterval(milliseconds);
}

void HardwareController::refresh()
{
    if (m_probe)
        return; // the next tick tries again
    m_probe = new HardwareProbe(this);
    if (m_setup)
        m_setup(*m_probe);
    connect(m_probe, &HardwareProbe::finished, this, &HardwareController::probeDone);
    Q_EMIT probing(true);
    m_probe->start();
}

void HardwareController::probeDone(const HardwareReport &report)
{
    if (m_probe) {
        m_probe->deleteLater();
        m_probe = nullptr;
    }
    m_report = report;
    m_advice = adviseModels(report, m_catalog);
    ++m_probes;
    Q_EMIT probing(false);
    Q_EMIT updated();
}

void HardwareController::pull(const QString &model)
{
    if (m_pulls)
        m_pulls->pull(model);
}

} // namespace sb
