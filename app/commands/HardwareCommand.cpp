#include "HardwareCommand.h"

#include "CommandSetup.h"

#include "hardware/HardwareProbe.h"
#include "hardware/ModelFitAdvisor.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sb::cli {

namespace {

int runHardware(const CommandLine &line)
{
    HardwareProbe probe;
    const HardwareReport report = probe.runAndWait();
    const ModelAdvice advice = adviseModels(report, ModelCatalog::builtIn());
    if (line.json) {
        out() << QJsonDocument(QJsonObject{{QStringLiteral("hardware"), report.toJson()},
                                           {QStringLiteral("advice"), advice.toJson()}})
                     .toJson(QJsonDocument::Indented);
        return 0;
    }
    out() << "System: " << report.operatingSystem << " " << report.architecture << "\n";
    out() << "CPU: " << (report.cpu.model.isEmpty() ? QStringLiteral("unknown") : report.cpu.model) << ", "
          << report.cpu.logicalCores << " logical cores";
    if (report.cpu.physicalCores > 0)
        out() << " (" << report.cpu.physicalCores << " physical)";
    if (report.cpu.cgroupCpuLimit > 0)
        out() << ", limited to " << report.cpu.cgroupCpuLimit << " by a cgroup";
    out() << "\nRAM: " << gib(report.memory.totalBytes);
    if (report.memory.cgroupLimitBytes > 0)
        out() << " (cgroup limit; the machine has " << gib(report.memory.physicalBytes) << ")";
    out() << ", " << gib(report.memory.availableBytes) << " available\n";
    if (report.gpus.isEmpty())
        out() << "GPUs: none found\n";
    for (const GpuDevice &gpu : report.gpus) {
        out() << "GPU " << gpu.index << ": " << gpu.name << " [" << gpuVendorName(gpu.vendor) << "] "
              << (gpu.unifiedMemory ? QStringLiteral("unified memory ") : QString()) << gib(gpu.memoryTotalBytes);
        if (!gpu.driverVersion.isEmpty())
            out() << ", driver " << gpu.driverVersion;
        out() << " (" << gpu.source << ")\n";
    }
    for (const ProbeStatus &probeStatus : report.probes) {
        if (probeStatus.state == ProbeStatus::State::Failed)
            out() << "  ! " << probeStatus.detail << "\n";
    }
    out() << "\nPlatform: " << advice.platform << "; GPU memory for models: " << gib(advice.gpuMemoryBytes)
          << "; RAM for models: " << gib(advice.ramBytes) << "\nRuntimes:\n";
    for (const RuntimeAdvice &runtime : advice.runtimes)
        out() << "  " << (runtime.works ? "yes " : "no  ") << runtime.runtime << " — " << runtime.note << "\n";
    out() << "Models at a " << advice.contextTokens / 1024 << "K context:\n";
    for (const ModelFitEntry &entry : advice.models) {
        out() << "  " << entry.model.leftJustified(22) << modelFitName(entry.recommended.fit).leftJustified(12)
              << entry.recommended.quantization.leftJustified(8) << "needs " << gib(entry.recommended.neededBytes)
              << (entry.tools ? QString() : QStringLiteral("  (no tool calling)"))
              << (entry.contextLargeEnough ? QString() : QStringLiteral("  (context too small)")) << "\n";
    }
    out() << "Claude Code main model: "
          << (advice.mainModel.model.isEmpty()
                  ? QStringLiteral("none")
                  : advice.mainModel.model + QLatin1Char(' ') + advice.mainModel.quantization)
          << " — " << advice.mainModel.reason << "\n";
    out() << "Claude Code small model: "
          << (advice.smallModel.model.isEmpty() ? QStringLiteral("none") : advice.smallModel.model) << " — "
          << advice.smallModel.reason << "\n";
    for (const QString &note : advice.notes)
        out() << "Note: " << note << "\n";
    return 0;
}

} // namespace

int runHardwareCommand(const QStringList &words)
{
    return runHardware(parseCommandLine(words));
}

} // namespace sb::cli
