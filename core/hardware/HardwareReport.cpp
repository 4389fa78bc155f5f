#include "HardwareReport.h"

#include <QJsonArray>

#include <map>

namespace sb {

QString gpuVendorName(GpuVendor vendor)
{
    switch (vendor) {
    case GpuVendor::Nvidia: return QStringLiteral("nvidia");
    case GpuVendor::Amd: return QStringLiteral("amd");
    case GpuVendor::Intel: return QStringLiteral("intel");
    case GpuVendor::Apple: return QStringLiteral("apple");
    case GpuVendor::Ascend: return QStringLiteral("ascend");
    case GpuVendor::Other: break;
    }
    return QStringLiteral("other");
}

namespace {
QJsonValue numberOrNull(qint64 value)
{
    return value < 0 ? QJsonValue() : QJsonValue(double(value));
}
} // namespace

QJsonObject GpuDevice::toJson() const
{
    return QJsonObject{
        {QStringLiteral("vendor"), gpuVendorName(vendor)},
        {QStringLiteral("index"), index},
        {QStringLiteral("name"), name},
        {QStringLiteral("memory_total_bytes"), numberOrNull(memoryTotalBytes)},
        {QStringLiteral("memory_used_bytes"), numberOrNull(memoryUsedBytes)},
        {QStringLiteral("utilization_percent"), numberOrNull(utilizationPercent)},
        {QStringLiteral("driver_version"), driverVersion},
        {QStringLiteral("bus_id"), busId},
        {QStringLiteral("unified_memory"), unifiedMemory},
        {QStringLiteral("source"), source},
    };
}

QJsonObject CpuInfo::toJson() const
{
    return QJsonObject{
        {QStringLiteral("model"), model},
        {QStringLiteral("logical_cores"), numberOrNull(logicalCores)},
        {QStringLiteral("physical_cores"), numberOrNull(physicalCores)},
        {QStringLiteral("cgroup_cpu_limit"), cgroupCpuLimit < 0 ? QJsonValue() : QJsonValue(cgroupCpuLimit)},
    };
}

QJsonObject MemoryInfo::toJson() const
{
    return QJsonObject{
        {QStringLiteral("total_bytes"), numberOrNull(totalBytes)},
        {QStringLiteral("available_bytes"), numberOrNull(availableBytes)},
        {QStringLiteral("physical_bytes"), numberOrNull(physicalBytes)},
        {QStringLiteral("cgroup_limit_bytes"), numberOrNull(cgroupLimitBytes)},
    };
}

QJsonObject ProbeStatus::toJson() const
{
    static const char *const names[] = {"not_present", "found", "failed"};
    return QJsonObject{
        {QStringLiteral("probe"), probe},
        {QStringLiteral("state"), QLatin1String(names[int(state)])},
        {QStringLiteral("detail"), detail},
    };
}

bool HardwareReport::hasVendor(GpuVendor vendor) const
{
    for (const GpuDevice &gpu : gpus) {
        if (gpu.vendor == vendor)
            return true;
    }
    return false;
}

qint64 HardwareReport::usableGpuMemoryBytes() const
{
    std::map<int, qint64> perVendor;
    for (const GpuDevice &gpu : gpus) {
        if (gpu.unifiedMemory) {
            // Metal lets a process wire about two thirds of RAM on small machines and three
            // quarters on large ones (recommendedMaxWorkingSetSize).
            const qint64 ram = memory.physicalBytes > 0 ? memory.physicalBytes : memory.totalBytes;
            if (ram <= 0)
                continue;
            const double share = ram >= 36LL * 1024 * 1024 * 1024 ? 0.75 : 0.67;
            perVendor[int(gpu.vendor)] = std::max(perVendor[int(gpu.vendor)], qint64(double(ram) * share));
        } else if (gpu.memoryTotalBytes > 0) {
            perVendor[int(gpu.vendor)] += gpu.memoryTotalBytes;
        }
    }
    qint64 best = 0;
    for (const auto &entry : perVendor)
        best = std::max(best, entry.second);
    return best;
}

QJsonObject HardwareReport::toJson() const
{
    QJsonArray gpuArray;
    for (const GpuDevice &gpu : gpus)
        gpuArray.append(gpu.toJson());
    QJsonArray probeArray;
    for (const ProbeStatus &probe : probes)
        probeArray.append(probe.toJson());
    return QJsonObject{
        {QStringLiteral("os"), operatingSystem},
        {QStringLiteral("architecture"), architecture},
        {QStringLiteral("cpu"), cpu.toJson()},
        {QStringLiteral("memory"), memory.toJson()},
        {QStringLiteral("gpus"), gpuArray},
        {QStringLiteral("usable_gpu_memory_bytes"), double(usableGpuMemoryBytes())},
        {QStringLiteral("probes"), probeArray},
    };
}

} // namespace sb
