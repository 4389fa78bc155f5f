#pragma once

#include "Expected.h"
#include "HardwareReport.h"

#include <QByteArray>
#include <QHash>

namespace sb {

// What running one external tool produced. `started` is false when the tool is not installed.
struct ProbeOutput
{
    bool started = false;
    bool timedOut = false;
    int exitCode = -1;
    QByteArray standardOutput;
    QByteArray standardError;
};

// The devices a tool's output lists (possibly none), or why the output was not understood.
// Lines a parser cannot read beside ones it can are skipped; only output with nothing
// readable in it is an error.
using GpuParse = Expected<QList<GpuDevice>, QString>;

// Pure functions over the tools' output; no process, file or clock is touched here.
namespace hardware {

// Found / NotPresent / Failed for a tool run, with the tool's own first error line.
ProbeStatus commandStatus(const QString &tool, const ProbeOutput &output);

// nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu,driver_version
//            --format=csv,noheader,nounits
GpuParse parseNvidiaSmiCsv(const QByteArray &csv);
// rocm-smi --showproductname --showmeminfo vram --json (keys matched case-insensitively)
GpuParse parseRocmSmiJson(const QByteArray &json);
// npu-smi info: the two-row-per-device table of 910/910B/310/310P cards.
GpuParse parseNpuSmiInfo(const QByteArray &table);
// system_profiler SPDisplaysDataType -json; Apple GPUs get `ramBytes` as unified memory.
GpuParse parseSystemProfilerDisplays(const QByteArray &json, qint64 ramBytes);
// xpu-smi discovery -j
GpuParse parseXpuSmiDiscoveryJson(const QByteArray &json);

// "key: value" lines of `sysctl name...` (also accepts "key = value").
QHash<QString, QString> parseSysctl(const QByteArray &text);
CpuInfo cpuFromSysctl(const QHash<QString, QString> &values);
qint64 memoryFromSysctl(const QHash<QString, QString> &values);

// /sys/class/kfd/kfd/topology/nodes/N/properties: "key value" lines.
QHash<QString, qint64> parseKfdProperties(const QByteArray &text);

MemoryInfo parseProcMeminfo(const QByteArray &text);
CpuInfo parseProcCpuinfo(const QByteArray &text);
// cgroup v2 memory.max ("max" = unlimited) or v1 memory.limit_in_bytes (huge = unlimited).
// -1 when unlimited or unreadable.
qint64 parseCgroupMemoryLimit(const QByteArray &text);
// cgroup v2 cpu.max ("max 100000" or "200000 100000"); -1 when unlimited.
double parseCgroupCpuMax(const QByteArray &text);
// /proc/self/cgroup: the cgroup v2 path ("0::/user.slice/..."), empty when absent.
QString parseCgroupV2Path(const QByteArray &text);

// Sizes such as "8 GB", "1536 MB", "32768.00 MiB"; -1 when not understood.
qint64 parseSizeWithUnit(const QString &text);

} // namespace hardware
} // namespace sb
