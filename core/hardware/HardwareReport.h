#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sb {

enum class GpuVendor { Nvidia, Amd, Intel, Apple, Ascend, Other };

QString gpuVendorName(GpuVendor vendor);

// One accelerator. Unknown numbers are -1.
struct GpuDevice
{
    GpuVendor vendor = GpuVendor::Other;
    int index = -1; // the tool's own id (npu-smi ids need not start at 0)
    QString name;
    qint64 memoryTotalBytes = -1;
    qint64 memoryUsedBytes = -1;
    int utilizationPercent = -1;
    QString driverVersion;
    QString busId;
    bool unifiedMemory = false; // Apple Silicon, AMD APUs: GPU memory is system RAM
    QString source;             // which probe found it ("nvidia-smi", "sysfs", ...)

    QJsonObject toJson() const;
};

struct CpuInfo
{
    QString model;
    int logicalCores = -1;
    int physicalCores = -1;
    double cgroupCpuLimit = -1; // CPUs allowed by a cgroup quota, -1 when unlimited

    QJsonObject toJson() const;
};

struct MemoryInfo
{
    qint64 totalBytes = -1; // physical RAM, already clamped to a cgroup limit
    qint64 availableBytes = -1;
    qint64 physicalBytes = -1; // before the cgroup clamp
    qint64 cgroupLimitBytes = -1;

    QJsonObject toJson() const;
};

// What one probe concluded. A missing tool is NotPresent, never Failed.
struct ProbeStatus
{
    enum class State { NotPresent, Found, Failed };
    QString probe;
    State state = State::NotPresent;
    QString detail;

    QJsonObject toJson() const;
};

struct HardwareReport
{
    QString operatingSystem;
    QString architecture;
    CpuInfo cpu;
    MemoryInfo memory;
    QList<GpuDevice> gpus;
    QList<ProbeStatus> probes;

    bool hasVendor(GpuVendor vendor) const;
    // Memory a model can use on GPUs: VRAM summed over discrete devices of the biggest
    // vendor, or the Metal working set on unified-memory machines. 0 when there is none.
    qint64 usableGpuMemoryBytes() const;
    QJsonObject toJson() const;
};

} // namespace sb
