#pragma once

#include "controllers/ModelsController.h"

#include "ReadOnlyTableModel.h"
#include <QPointer>

namespace sb {

class OllamaPullJob;
class OllamaPulls;

// The models installed in Ollama, one row each, from ModelsController. Read-only.
class InstalledModelsModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Size, Family, Parameters, Quantization, Context, Tools, UsedBy, Loaded, ColumnCount };
    static constexpr int NameRole = Qt::UserRole; // the model's name on any column

    explicit InstalledModelsModel(ModelsController *controller, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    ModelsController *m_controller;
    QList<ModelsController::Installed> m_rows;
};

// The downloads of OllamaPulls, newest last: progress, bytes, speed, ETA and state. Read-only.
class PullListModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Model, Progress, Bytes, Speed, Eta, State, ColumnCount };
    static constexpr int FractionRole = Qt::UserRole; // on Progress: 0..1, -1 unknown

    explicit PullListModel(OllamaPulls *pulls, QObject *parent = nullptr);

    OllamaPullJob *jobAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void jobChanged(const QString &model);

    OllamaPulls *m_pulls;
    QList<QPointer<OllamaPullJob>> m_jobs;
};

// "1.2 GB" in decimal units, as Ollama and its library print sizes.
QString downloadSize(qint64 bytes);
// "3 min 20 s", "45 s"; "–" when unknown.
QString durationText(qint64 seconds);

} // namespace sb
