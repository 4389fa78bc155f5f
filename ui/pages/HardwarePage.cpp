#include "HardwarePage.h"

#include "controllers/HardwareController.h"
#include "models/HardwareModels.h"
#include "widgets/PageLayout.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

namespace sb {

namespace {

const char *const kGood = "#1e8449";
const char *const kBad = "#c0392b";

QTableView *table(const QString &objectName, QAbstractItemModel *model, QWidget *parent)
{
    QTableView *view = PageLayout::table(objectName, model, parent);
    view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // as tall as its rows (fitHeight)
    return view;
}

// A table as tall as its rows: the page scrolls, not the table.
void fitHeight(QTableView *view)
{
    int height = view->horizontalHeader()->sizeHint().height() + 2 * view->frameWidth();
    for (int row = 0; row < view->model()->rowCount(); ++row)
        height += view->rowHeight(row);
    if (view->horizontalScrollBar()->isVisible())
        height += view->horizontalScrollBar()->sizeHint().height();
    view->setFixedHeight(height);
}

QString colored(const char *color, const QString &text)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(color), text.toHtmlEscaped());
}

} // namespace

HardwarePage::HardwarePage(HardwareController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_devices(new GpuDeviceModel(this)),
      m_fits(new ModelFitModel(controller->pulls(), this))
{
    setObjectName(QStringLiteral("page-hardware"));
    auto *layout = PageLayout::scrolling(this);
    QWidget *content = layout->parentWidget();
    layout->addWidget(PageLayout::title(tr("Hardware"), content));

    m_machine = PageLayout::textLabel(QStringLiteral("hardware-machine"), content);
    m_machine->setText(tr("Probing this machine…"));
    layout->addWidget(m_machine);

    layout->addWidget(PageLayout::sectionTitle(tr("GPUs and NPUs"), content));
    m_noDevices = PageLayout::textLabel(QStringLiteral("hardware-no-devices"), content);
    layout->addWidget(m_noDevices);
    m_deviceTable = table(QStringLiteral("hardware-devices"), m_devices, content);
    layout->addWidget(m_deviceTable);
    m_probes = PageLayout::textLabel(QStringLiteral("hardware-probes"), content);
    layout->addWidget(m_probes);

    layout->addWidget(PageLayout::sectionTitle(tr("Runtimes"), content));
    m_runtimes = PageLayout::textLabel(QStringLiteral("hardware-runtimes"), content);
    layout->addWidget(m_runtimes);

    layout->addWidget(PageLayout::sectionTitle(tr("Models for Claude Code"), content));
    m_recommendation = PageLayout::textLabel(QStringLiteral("hardware-recommendation"), content);
    layout->addWidget(m_recommendation);
    m_fitTable = table(QStringLiteral("hardware-models"), m_fits, content);
    // The Pull buttons get a column wide enough for "pulling 100 %"; the role column takes the rest.
    QHeaderView *header = m_fitTable->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(ModelFitModel::Role, QHeaderView::Stretch);
    header->setSectionResizeMode(ModelFitModel::Pull, QHeaderView::Fixed);
    QPushButton probe(tr("pulling 100 %"));
    header->resizeSection(ModelFitModel::Pull, probe.sizeHint().width() + 8);
    layout->addWidget(m_fitTable);
    layout->addStretch(1);

    connect(controller, &HardwareController::updated, this, &HardwarePage::showReport);
    connect(m_fits, &QAbstractItemModel::modelReset, this, &HardwarePage::updatePullButtons);
    connect(m_fits, &QAbstractItemModel::dataChanged, this, &HardwarePage::updatePullButtons);
    if (controller->hasReport())
        showReport();
}

void HardwarePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_controller->setActive(true);
}

void HardwarePage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_controller->setActive(false);
}

void HardwarePage::showReport()
{
    const HardwareReport &report = m_controller->report();
    const ModelAdvice &advice = m_controller->advice();

    QString cpu = report.cpu.model.isEmpty() ? tr("unknown CPU") : report.cpu.model;
    if (report.cpu.logicalCores > 0)
        cpu += tr(", %n logical core(s)", nullptr, report.cpu.logicalCores);
    if (report.cpu.cgroupCpuLimit > 0)
        cpu += tr(" (limited to %1 by a cgroup)").arg(report.cpu.cgroupCpuLimit);
    QString ram = tr("RAM %1").arg(memoryText(report.memory.totalBytes));
    if (report.memory.availableBytes >= 0)
        ram += tr(", %1 free").arg(memoryText(report.memory.availableBytes));
    if (report.memory.cgroupLimitBytes > 0)
        ram += tr(" (a cgroup limit; the machine has %1)").arg(memoryText(report.memory.physicalBytes));
    m_machine->setText(
        QStringLiteral("%1 %2 · %3 · %4<br><small>%5</small>")
            .arg(report.operatingSystem.toHtmlEscaped(), report.architecture.toHtmlEscaped(), cpu.toHtmlEscaped(),
                 ram.toHtmlEscaped(),
                 tr("Refreshed every %1 s while this page is open.").arg(m_controller->refreshIntervalMs() / 1000)));

    m_devices->setDevices(report.gpus);
    m_deviceTable->setVisible(!report.gpus.isEmpty());
    m_noDevices->setVisible(report.gpus.isEmpty());
    m_noDevices->setText(tr("No GPU or NPU found: models run on the CPU, from RAM (slow, but they work)."));
    fitHeight(m_deviceTable);

    // Why a probe found nothing matters more than which tools are absent.
    QStringList failed, found, absent;
    for (const ProbeStatus &probe : report.probes) {
        switch (probe.state) {
        case ProbeStatus::State::Failed:
            failed.append(colored(kBad, QStringLiteral("✗ %1: %2").arg(probe.probe, probe.detail)));
            break;
        case ProbeStatus::State::Found:
            found.append(probe.detail.isEmpty() ? probe.probe
                                                : QStringLiteral("%1 (%2)").arg(probe.probe, probe.detail));
            break;
        case ProbeStatus::State::NotPresent: absent.append(probe.probe); break;
        }
    }
    QStringList lines = failed;
    if (!found.isEmpty())
        lines.append(tr("Found by: %1").arg(found.join(QStringLiteral(", ")).toHtmlEscaped()));
    if (!absent.isEmpty())
        lines.append(tr("<small>Not installed: %1</small>").arg(absent.join(QStringLiteral(", ")).toHtmlEscaped()));
    m_probes->setText(lines.join(QStringLiteral("<br>")));

    QStringList runtimes;
    for (const RuntimeAdvice &runtime : advice.runtimes) {
        runtimes.append(
            QStringLiteral("%1 <b>%2</b> — %3")
                .arg(runtime.works ? colored(kGood, QStringLiteral("✓")) : colored(kBad, QStringLiteral("✗")),
                     runtime.runtime.toHtmlEscaped(), runtime.note.toHtmlEscaped()));
    }
    m_runtimes->setText(runtimes.join(QStringLiteral("<br>")));

    auto pick = [](const RolePick &role) {
        return role.model.isEmpty() ? QObject::tr("none fits")
                                    : QStringLiteral("<b>%1</b> %2 — %3")
                                          .arg(role.model.toHtmlEscaped(), role.quantization.toHtmlEscaped(),
                                               role.reason.toHtmlEscaped());
    };
    QString recommendation =
        tr("Main model: %1<br>Small model: %2").arg(pick(advice.mainModel), pick(advice.smallModel));
    recommendation += QStringLiteral("<br><small>%1</small>")
                          .arg(tr("GPU memory for models: %1 · RAM for models: %2 · sizes at a %3K context")
                                   .arg(memoryText(advice.gpuMemoryBytes), memoryText(advice.ramBytes))
                                   .arg(advice.contextTokens / 1024));
    for (const QString &note : advice.notes)
        recommendation += QStringLiteral("<br><small>%1</small>").arg(note.toHtmlEscaped());
    m_recommendation->setText(recommendation);

    m_fits->setAdvice(advice);
    fitHeight(m_fitTable);
}

void HardwarePage::updatePullButtons()
{
    for (int row = 0; row < m_fits->rowCount(); ++row) {
        const QModelIndex index = m_fits->index(row, ModelFitModel::Pull);
        auto *button = qobject_cast<QPushButton *>(m_fitTable->indexWidget(index));
        if (!button) {
            button = new QPushButton(m_fitTable);
            connect(button, &QPushButton::clicked, this,
                    [this, button] { m_controller->pull(button->property("model").toString()); });
            m_fitTable->setIndexWidget(index, button);
        }
        const QString model = index.data(ModelFitModel::ModelNameRole).toString();
        button->setObjectName(QStringLiteral("pull-") + model);
        const QString state = index.data(Qt::DisplayRole).toString();
        const bool canPull = index.data(ModelFitModel::CanPullRole).toBool();
        button->setProperty("model", model);
        button->setText(state.isEmpty() ? tr("Pull") : (canPull ? tr("Retry (%1)").arg(state) : state));
        button->setEnabled(canPull);
        button->setToolTip(index.data(Qt::ToolTipRole).toString());
    }
}

} // namespace sb
