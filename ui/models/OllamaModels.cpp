#include "OllamaModels.h"

#include "ollama/OllamaPulls.h"

#include <QBrush>
#include <QColor>

namespace sb {

QString downloadSize(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("–");
    if (bytes >= 1000LL * 1000 * 1000)
        return QStringLiteral("%1 GB").arg(double(bytes) / 1e9, 0, 'f', 1);
    if (bytes >= 100LL * 1000 * 1000)
        return QStringLiteral("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 0);
    if (bytes >= 1000LL * 1000)
        return QStringLiteral("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 kB").arg(double(bytes) / 1e3, 0, 'f', 0);
}

QString durationText(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("–");
    if (seconds < 60)
        return QObject::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return QObject::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QObject::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

InstalledModelsModel::InstalledModelsModel(ModelsController *controller, QObject *parent)
    : ReadOnlyTableModel(parent), m_controller(controller)
{
    connect(controller, &ModelsController::updated, this, &InstalledModelsModel::reload);
    reload();
}

void InstalledModelsModel::reload()
{
    const QList<ModelsController::Installed> &rows = m_controller->installed();
    bool same = rows.size() == m_rows.size();
    for (int i = 0; same && i < rows.size(); ++i)
        same = rows.at(i).model.name == m_rows.at(i).model.name;
    if (same) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int InstalledModelsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int InstalledModelsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InstalledModelsModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const ModelsController::Installed &row = m_rows.at(index.row());
    const OllamaModel &m = row.model;
    const OllamaModelDetails &d = row.details;
    if (role == NameRole)
        return m.name;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return m.name;
        case Size: return downloadSize(m.sizeBytes);
        case Family: return m.family.isEmpty() ? d.family : m.family;
        case Parameters: return m.parameterSize.isEmpty() ? d.parameterSize : m.parameterSize;
        case Quantization: return m.quantization.isEmpty() ? d.quantization : m.quantization;
        case Context:
            if (!row.detailsKnown)
                return QStringLiteral("…");
            if (d.configuredContext > 0)
                return tr("%1K (num_ctx; model %2K)").arg(d.configuredContext / 1024).arg(d.contextLength / 1024);
            return d.contextLength > 0 ? tr("%1K").arg(d.contextLength / 1024) : QStringLiteral("–");
        case Tools:
            if (!row.detailsKnown)
                return QStringLiteral("…");
            return d.supportsTools() ? tr("yes") : tr("no");
        case UsedBy: return row.usedBy.isEmpty() ? QStringLiteral("–") : row.usedBy.join(QStringLiteral(", "));
        case Loaded:
            if (!row.running)
                return QStringLiteral("–");
            {
                const QString until = row.load.expiresAt.toLocalTime().toString(QStringLiteral("HH:mm"));
                if (row.load.vramBytes <= 0)
                    return tr("%1 in RAM (CPU), until %2").arg(downloadSize(row.load.sizeBytes), until);
                if (row.load.vramBytes >= row.load.sizeBytes)
                    return tr("%1 on the GPU, until %2").arg(downloadSize(row.load.sizeBytes), until);
                return tr("%1 (%2 on the GPU), until %3")
                    .arg(downloadSize(row.load.sizeBytes), downloadSize(row.load.vramBytes), until);
            }
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Tools && row.detailsKnown && !d.supportsTools())
        return QBrush(QColor(0xc0, 0x39, 0x2b));
    if (role == Qt::ToolTipRole && index.column() == Tools && row.detailsKnown && !d.supportsTools())
        return tr("Claude Code needs tool calling; this model's template has none");
    if (role == Qt::TextAlignmentRole && index.column() == Size)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant InstalledModelsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Model");
    case Size: return tr("Size");
    case Family: return tr("Family");
    case Parameters: return tr("Parameters");
    case Quantization: return tr("Quantization");
    case Context: return tr("Context");
    case Tools: return tr("Tool calling");
    case UsedBy: return tr("Used by");
    case Loaded: return tr("Loaded");
    default: return {};
    }
}

PullListModel::PullListModel(OllamaPulls *pulls, QObject *parent) : ReadOnlyTableModel(parent), m_pulls(pulls)
{
    if (!m_pulls)
        return;
    for (OllamaPullJob *job : m_pulls->jobs())
        m_jobs.append(job);
    connect(m_pulls, &OllamaPulls::changed, this, &PullListModel::jobChanged);
}

void PullListModel::jobChanged(const QString &model)
{
    OllamaPullJob *job = m_pulls->jobFor(model);
    if (!job)
        return;
    const int row = int(m_jobs.indexOf(job));
    if (row >= 0) {
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size()));
    m_jobs.append(job);
    endInsertRows();
}

OllamaPullJob *PullListModel::jobAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? m_jobs.at(row).data() : nullptr;
}

int PullListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int PullListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

QString stateText(const OllamaPullJob &job)
{
    switch (job.state()) {
    case OllamaPullJob::State::Idle: return PullListModel::tr("starting");
    case OllamaPullJob::State::Running: return job.status().isEmpty() ? PullListModel::tr("pulling") : job.status();
    case OllamaPullJob::State::Paused: return PullListModel::tr("paused");
    case OllamaPullJob::State::Succeeded: return PullListModel::tr("done");
    case OllamaPullJob::State::Failed: return PullListModel::tr("failed: %1").arg(job.error());
    case OllamaPullJob::State::Interrupted: return PullListModel::tr("interrupted: %1").arg(job.error());
    case OllamaPullJob::State::Cancelled: return PullListModel::tr("cancelled");
    }
    return {};
}

} // namespace

QVariant PullListModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const OllamaPullJob *job = m_jobs.at(index.row());
    if (!job)
        return {};
    const bool active = job->state() == OllamaPullJob::State::Running;
    if (role == FractionRole && index.column() == Progress)
        return job->fraction();
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Model: return job->model();
        case Progress:
            return job->fraction() >= 0 ? QStringLiteral("%1 %").arg(int(job->fraction() * 100)) : QStringLiteral("–");
        case Bytes:
            return job->totalBytes() > 0
                       ? tr("%1 of %2").arg(downloadSize(job->completedBytes()), downloadSize(job->totalBytes()))
                       : QStringLiteral("–");
        case Speed:
            return active && job->bytesPerSecond() > 0 ? tr("%1/s").arg(downloadSize(qint64(job->bytesPerSecond())))
                                                       : QStringLiteral("–");
        case Eta: return active ? durationText(job->etaSeconds()) : QStringLiteral("–");
        case State: return stateText(*job);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State &&
        (job->state() == OllamaPullJob::State::Failed || job->state() == OllamaPullJob::State::Interrupted))
        return QBrush(QColor(0xc0, 0x39, 0x2b));
    return {};
}

QVariant PullListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Model: return tr("Model");
    case Progress: return tr("Progress");
    case Bytes: return tr("Downloaded");
    case Speed: return tr("Speed");
    case Eta: return tr("Time left");
    case State: return tr("State");
    default: return {};
    }
}

} // namespace sb
