#pragma once

#include "hardware/HardwareReport.h"
#include "hardware/ModelCatalog.h"
#include "hardware/ModelFitAdvisor.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace sb {

class HardwareProbe;
class OllamaPulls;

// What the Hardware page shows: the machine as the probes see it, refreshed every few seconds
// while the page is on screen, and the model advice for it. Probes run as child processes and
// on a worker thread; nothing here waits for them. Pulls go to the app's OllamaPulls.
class HardwareController final : public QObject
{
    Q_OBJECT
public:
    // Applied to every probe before it starts (tests point it at fixture tools and files).
    using ProbeSetup = std::function<void(HardwareProbe &)>;

    explicit HardwareController(OllamaPulls *pulls, ProbeSetup setup = {},
                                ModelCatalog catalog = ModelCatalog::builtIn(), QObject *parent = nullptr);
    ~HardwareController() override;

    // Active: probe now and every refreshInterval() while active (the page is visible).
    void setActive(bool active);
    bool isActive() const { return m_active; }
    void setRefreshIntervalMs(int milliseconds);
    int refreshIntervalMs() const { return m_timer.interval(); }
    void refresh(); // one probe now, unless one is running

    bool hasReport() const { return m_probes > 0; }
    const HardwareReport &report() const { return m_report; }
    const ModelAdvice &advice() const { return m_advice; }
    int probesCompleted() const { return m_probes; }

    OllamaPulls *pulls() const { return m_pulls; }
    // Pulls the catalog model `model` (its default quantization: what `ollama pull NAME` takes).
    void pull(const QString &model);

Q_SIGNALS:
    void updated(); // a probe finished: report() and advice() are new
    void probing(bool running);

private:
    void probeDone(const HardwareReport &report);

    OllamaPulls *m_pulls;
    ProbeSetup m_setup;
    ModelCatalog m_catalog;
    HardwareProbe *m_probe = nullptr; // the running probe, else null
    HardwareReport m_report;
    ModelAdvice m_advice;
    QTimer m_timer;
    bool m_active = false;
    int m_probes = 0;
};

} // namespace sb
