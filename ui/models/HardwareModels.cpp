#include "HardwareModels.h"

#include "ollama/OllamaPulls.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace sb {

QString memoryText(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("–");
    return QStringLiteral("%1 GiB").arg(double(bytes) / (1024.0 * 1024 * 1024), 0, 'f', 1);
}

namespace {

QString fitText(ModelFit fit)
{
    switch (fit) {
    case ModelFit::FullGpu: return QObject::tr("fits on the GPU");
    case ModelFit::PartialGpu: return QObject::tr("partly on the GPU");
    case ModelFit::CpuOnly: return QObject::tr("CPU only");
    case ModelFit::TooLarge: return QObject::tr("too large");
    }
    return {};
}

QColor fitColor(ModelFit fit)
{
    switch (fit) {
    case ModelFit::FullGpu: return QColor(0x1e, 0x84, 0x49);
    case ModelFit::PartialGpu: return QColor(0xb9, 0x77, 0x0e);
    case ModelFit::CpuOnly: return QColor(0xb9, 0x77, 0x0e);
    case ModelFit::TooLarge: return QColor(0xc0, 0x39, 0x2b);
    }
    return {};
}

} // namespace

void GpuDeviceModel::setDevices(const QList<GpuDevice> &devices)
{
    // Refreshes every few seconds keep the rows (and a selection) when the devices stay.
    if (devices.size() == m_devices.size()) {
        m_devices = devices;
        if (!m_devices.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_devices.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_devices = devices;
    endResetModel();
}

int GpuDeviceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_devices.size());
}

int GpuDeviceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GpuDeviceModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const GpuDevice &gpu = m_devices.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Device: return gpu.name.isEmpty() ? tr("GPU %1").arg(gpu.index) : gpu.name;
        case Vendor: return gpuVendorName(gpu.vendor);
        case Memory:
            return gpu.unifiedMemory ? tr("%1 (shared with the CPU)").arg(memoryText(gpu.memoryTotalBytes))
                                     : memoryText(gpu.memoryTotalBytes);
        case Free:
            return gpu.memoryTotalBytes >= 0 && gpu.memoryUsedBytes >= 0
                       ? memoryText(gpu.memoryTotalBytes - gpu.memoryUsedBytes)
                       : QStringLiteral("–");
        case Utilization:
            return gpu.utilizationPercent >= 0 ? QStringLiteral("%1 %").arg(gpu.utilizationPercent)
                                               : QStringLiteral("–");
        case Driver: return gpu.driverVersion.isEmpty() ? QStringLiteral("–") : gpu.driverVersion;
        case FoundBy: return gpu.source;
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Memory || index.column() == Free || index.column() == Utilization))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant GpuDeviceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Device: return tr("Device");
    case Vendor: return tr("Vendor");
    case Memory: return tr("Memory");
    case Free: return tr("Free");
    case Utilization: return tr("Busy");
    case Driver: return tr("Driver");
    case FoundBy: return tr("Found by");
    default: return {};
    }
}

ModelFitModel::ModelFitModel(OllamaPulls *pulls, QObject *parent) : ReadOnlyTableModel(parent), m_pulls(pulls)
{
    if (m_pulls) {
        connect(m_pulls, &OllamaPulls::changed, this, [this](const QString &model) {
            const int row = rowOf(model);
            if (row >= 0)
                Q_EMIT dataChanged(index(row, Pull), index(row, Pull));
        });
    }
}

void ModelFitModel::setAdvice(const ModelAdvice &advice)
{
    bool sameRows = advice.models.size() == m_advice.models.size();
    for (int i = 0; sameRows && i < advice.models.size(); ++i)
        sameRows = advice.models.at(i).model == m_advice.models.at(i).model;
    if (sameRows) {
        m_advice = advice;
        if (!m_advice.models.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_advice.models.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_advice = advice;
    endResetModel();
}

int ModelFitModel::rowOf(const QString &model) const
{
    for (int i = 0; i < m_advice.models.size(); ++i) {
        if (m_advice.models.at(i).model == model)
            return i;
    }
    return -1;
}

int ModelFitModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_advice.models.size());
}

int ModelFitModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ModelFitModel::roleOf(const ModelFitEntry &entry) const
{
    const bool main = entry.model == m_advice.mainModel.model;
    const bool small = entry.model == m_advice.smallModel.model;
    if (main && small)
        return tr("main and small model");
    if (main)
        return tr("main model");
    return small ? tr("small model") : QString();
}

QString ModelFitModel::pullText(const QString &model) const
{
    const OllamaPullJob *job = m_pulls ? m_pulls->jobFor(model) : nullptr;
    if (!job)
        return QString();
    switch (job->state()) {
    case OllamaPullJob::State::Idle:
    case OllamaPullJob::State::Running:
        return job->fraction() >= 0 ? tr("pulling %1 %").arg(int(job->fraction() * 100)) : tr("pulling…");
    case OllamaPullJob::State::Paused: return tr("paused");
    case OllamaPullJob::State::Succeeded: return tr("pulled");
    case OllamaPullJob::State::Failed: return tr("failed: %1").arg(job->error());
    case OllamaPullJob::State::Interrupted: return tr("interrupted");
    case OllamaPullJob::State::Cancelled: return tr("cancelled");
    }
    return QString();
}

bool ModelFitModel::canPull(const QString &model) const
{
    const OllamaPullJob *job = m_pulls ? m_pulls->jobFor(model) : nullptr;
    return m_pulls &&
           (!job || (job->state() != OllamaPullJob::State::Running && job->state() != OllamaPullJob::State::Idle &&
                     job->state() != OllamaPullJob::State::Succeeded));
}

QVariant ModelFitModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const ModelFitEntry &entry = m_advice.models.at(index.row());
    const QuantizationFit &fit = entry.recommended;
    if (role == ModelNameRole)
        return entry.model;
    if (role == CanPullRole && index.column() == Pull)
        return canPull(entry.model);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Model: return entry.model;
        case Quantization: return fit.quantization;
        case Download: return memoryText(fit.sizeBytes);
        case Needs: return memoryText(fit.neededBytes);
        case Fit: return fitText(fit.fit);
        case Tools: return entry.tools ? tr("yes") : tr("no");
        case Context:
            return entry.contextLargeEnough ? tr("≥ %1K").arg(m_advice.contextTokens / 1024) : tr("too small");
        case Role: return roleOf(entry);
        case Pull: return pullText(entry.model);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (index.column() == Fit)
            return QBrush(fitColor(fit.fit));
        if ((index.column() == Tools && !entry.tools) || (index.column() == Context && !entry.contextLargeEnough))
            return QBrush(QColor(0xc0, 0x39, 0x2b));
    }
    if (role == Qt::FontRole && !roleOf(entry).isEmpty()) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::ToolTipRole) {
        QString tip = entry.note;
        if (index.column() == Pull || index.column() == Quantization)
            tip = tr("Pull fetches %1, the quantization `ollama pull %1` takes").arg(entry.model);
        if (index.column() == Role && !roleOf(entry).isEmpty())
            tip = entry.model == m_advice.mainModel.model ? m_advice.mainModel.reason : m_advice.smallModel.reason;
        return tip.isEmpty() ? QVariant() : QVariant(tip);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Download || index.column() == Needs))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ModelFitModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Model: return tr("Model");
    case Quantization: return tr("Quantization");
    case Download: return tr("Download");
    case Needs: return tr("Needs");
    case Fit: return tr("Fits");
    case Tools: return tr("Tool calling");
    case Context: return tr("Context");
    case Role: return tr("Recommended as");
    case Pull: return tr("Pull");
    default: return {};
    }
}

} // namespace sb
