#pragma once

#include "hardware/HardwareReport.h"
#include "hardware/ModelFitAdvisor.h"

#include "ReadOnlyTableModel.h"

namespace sb {

class OllamaPulls;

// "45.0 GiB"; "–" when unknown.
QString memoryText(qint64 bytes);

// The accelerators the probes found, one row each. Read-only.
class GpuDeviceModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Device, Vendor, Memory, Free, Utilization, Driver, FoundBy, ColumnCount };

    using ReadOnlyTableModel::ReadOnlyTableModel;

    void setDevices(const QList<GpuDevice> &devices);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<GpuDevice> m_devices;
};

// The model-fit advice, one catalog model a row, with the role Claude Code would give it
// and the state of its pull. Read-only; the Pull column's text follows OllamaPulls.
class ModelFitModel final : public ReadOnlyTableModel
{
    Q_OBJECT
public:
    enum Column { Model, Quantization, Download, Needs, Fit, Tools, Context, Role, Pull, ColumnCount };
    // Qt::UserRole on any column: the catalog model name (what a pull fetches).
    static constexpr int ModelNameRole = Qt::UserRole;
    // On the Pull column: true while nothing is running or done for it (the button is live).
    static constexpr int CanPullRole = Qt::UserRole + 1;

    explicit ModelFitModel(OllamaPulls *pulls, QObject *parent = nullptr);

    void setAdvice(const ModelAdvice &advice);
    int rowOf(const QString &model) const; // -1 when the advice has no such model

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString roleOf(const ModelFitEntry &entry) const;
    QString pullText(const QString &model) const;
    bool canPull(const QString &model) const;

    OllamaPulls *m_pulls;
    ModelAdvice m_advice;
};

} // namespace sb
