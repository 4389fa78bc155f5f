#include "PlatformGpuApis.h"

#include <QLibrary>

#ifdef Q_OS_WIN
#include <windows.h>
// dxgi.h needs windows.h first.
#include <dxgi.h>
#endif

namespace sb::hardware {

namespace {

// The few NVML declarations we call (NVML API reference, nvml.h).
using NvmlReturn = int;
using NvmlDevice = struct NvmlDeviceOpaque *;
struct NvmlMemory
{
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
struct NvmlUtilization
{
    unsigned int gpu;
    unsigned int memory;
};
using NvmlInit = NvmlReturn (*)();
using NvmlShutdown = NvmlReturn (*)();
using NvmlGetCount = NvmlReturn (*)(unsigned int *);
using NvmlGetHandle = NvmlReturn (*)(unsigned int, NvmlDevice *);
using NvmlGetName = NvmlReturn (*)(NvmlDevice, char *, unsigned int);
using NvmlGetMemory = NvmlReturn (*)(NvmlDevice, NvmlMemory *);
using NvmlGetUtilization = NvmlReturn (*)(NvmlDevice, NvmlUtilization *);
using NvmlGetDriver = NvmlReturn (*)(char *, unsigned int);

} // namespace

GpuParse readNvmlGpus()
{
    QList<GpuDevice> gpus;
#ifdef Q_OS_WIN
    QLibrary library(QStringLiteral("nvml"));
#else
    QLibrary library(QStringLiteral("nvidia-ml"), 1);
#endif
    if (!library.load())
        return unexpected(QStringLiteral("NVML is not installed"));
    const auto init = reinterpret_cast<NvmlInit>(library.resolve("nvmlInit_v2"));
    const auto shutdown = reinterpret_cast<NvmlShutdown>(library.resolve("nvmlShutdown"));
    const auto count = reinterpret_cast<NvmlGetCount>(library.resolve("nvmlDeviceGetCount_v2"));
    const auto handle = reinterpret_cast<NvmlGetHandle>(library.resolve("nvmlDeviceGetHandleByIndex_v2"));
    const auto name = reinterpret_cast<NvmlGetName>(library.resolve("nvmlDeviceGetName"));
    const auto memory = reinterpret_cast<NvmlGetMemory>(library.resolve("nvmlDeviceGetMemoryInfo"));
    const auto utilization = reinterpret_cast<NvmlGetUtilization>(library.resolve("nvmlDeviceGetUtilizationRates"));
    const auto driver = reinterpret_cast<NvmlGetDriver>(library.resolve("nvmlSystemGetDriverVersion"));
    if (!init || !shutdown || !count || !handle || !name || !memory)
        return unexpected(QStringLiteral("NVML lacks the functions Switchboard needs"));
    if (const NvmlReturn rc = init(); rc != 0)
        return unexpected(QStringLiteral("NVML could not start (code %1): is the NVIDIA driver loaded?").arg(rc));
    char driverVersion[96] = {};
    if (driver)
        driver(driverVersion, sizeof driverVersion);
    unsigned int devices = 0;
    if (count(&devices) == 0) {
        for (unsigned int i = 0; i < devices; ++i) {
            NvmlDevice device = nullptr;
            if (handle(i, &device) != 0)
                continue;
            GpuDevice gpu;
            gpu.vendor = GpuVendor::Nvidia;
            gpu.index = int(i);
            char deviceName[96] = {};
            if (name(device, deviceName, sizeof deviceName) == 0)
                gpu.name = QString::fromUtf8(deviceName);
            NvmlMemory info{};
            if (memory(device, &info) == 0) {
                gpu.memoryTotalBytes = qint64(info.total);
                gpu.memoryUsedBytes = qint64(info.used);
            }
            NvmlUtilization rates{};
            if (utilization && utilization(device, &rates) == 0)
                gpu.utilizationPercent = int(rates.gpu);
            gpu.driverVersion = QString::fromUtf8(driverVersion);
            gpu.source = QStringLiteral("nvml");
            gpus.append(gpu);
        }
    }
    shutdown();
    return gpus;
}

GpuParse readDxgiAdapters()
{
#ifdef Q_OS_WIN
    QList<GpuDevice> gpus;
    IDXGIFactory1 *factory = nullptr;
    if (FAILED(CreateDXGIFactory1(__uuidof(IDXGIFactory1), reinterpret_cast<void **>(&factory))))
        return unexpected(QStringLiteral("DXGI is not available"));
    IDXGIAdapter1 *adapter = nullptr;
    for (UINT i = 0; factory->EnumAdapters1(i, &adapter) != DXGI_ERROR_NOT_FOUND; ++i) {
        DXGI_ADAPTER_DESC1 desc{};
        if (SUCCEEDED(adapter->GetDesc1(&desc)) && !(desc.Flags & DXGI_ADAPTER_FLAG_SOFTWARE)) {
            GpuDevice gpu;
            gpu.index = int(i);
            gpu.name = QString::fromWCharArray(desc.Description);
            switch (desc.VendorId) {
            case 0x10DE: gpu.vendor = GpuVendor::Nvidia; break;
            case 0x1002: gpu.vendor = GpuVendor::Amd; break;
            case 0x8086: gpu.vendor = GpuVendor::Intel; break;
            default: gpu.vendor = GpuVendor::Other; break;
            }
            gpu.memoryTotalBytes = qint64(desc.DedicatedVideoMemory);
            // Integrated GPUs have almost no dedicated memory and borrow system RAM.
            if (desc.DedicatedVideoMemory < 512ULL * 1024 * 1024 && desc.SharedSystemMemory > 0) {
                gpu.unifiedMemory = true;
                gpu.memoryTotalBytes = qint64(desc.SharedSystemMemory);
            }
            gpu.source = QStringLiteral("dxgi");
            gpus.append(gpu);
        }
        adapter->Release();
    }
    factory->Release();
    return gpus;
#else
    return unexpected(QStringLiteral("DXGI exists only on Windows"));
#endif
}

MemoryInfo readWindowsMemory()
{
    MemoryInfo memory;
#ifdef Q_OS_WIN
    MEMORYSTATUSEX status{};
    status.dwLength = sizeof status;
    if (GlobalMemoryStatusEx(&status)) {
        memory.physicalBytes = qint64(status.ullTotalPhys);
        memory.totalBytes = memory.physicalBytes;
        memory.availableBytes = qint64(status.ullAvailPhys);
    }
#endif
    return memory;
}

} // namespace sb::hardware
