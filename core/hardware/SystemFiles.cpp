#include "SystemFiles.h"

#include "HardwareParsers.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace sb::hardware {

namespace {

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(1 << 20);
}

QString under(const QString &root, const QString &path)
{
    return QDir::cleanPath(root + QLatin1Char('/') + path);
}

qint64 readNumber(const QString &path)
{
    bool ok = false;
    const qint64 value = readSmallFile(path).trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

quint32 pciVendorId(GpuVendor vendor)
{
    switch (vendor) {
    case GpuVendor::Nvidia: return 0x10de;
    case GpuVendor::Amd: return 0x1002;
    case GpuVendor::Intel: return 0x8086;
    default: return 0;
    }
}

} // namespace

MemoryInfo readLinuxMemory(const QString &root)
{
    MemoryInfo memory = parseProcMeminfo(readSmallFile(under(root, QStringLiteral("proc/meminfo"))));
    // A container sees the host's MemTotal; the cgroup limit is what it may really use.
    qint64 limit = -1;
    const QString v2Path = parseCgroupV2Path(readSmallFile(under(root, QStringLiteral("proc/self/cgroup"))));
    const QStringList candidates{
        under(root, QStringLiteral("sys/fs/cgroup") + v2Path + QStringLiteral("/memory.max")),
        under(root, QStringLiteral("sys/fs/cgroup/memory.max")),
        under(root, QStringLiteral("sys/fs/cgroup/memory/memory.limit_in_bytes")),
    };
    for (const QString &path : candidates) {
        if (QFile::exists(path)) {
            limit = parseCgroupMemoryLimit(readSmallFile(path));
            if (limit > 0)
                break;
        }
    }
    memory.cgroupLimitBytes = limit;
    if (limit > 0 && (memory.physicalBytes < 0 || limit < memory.physicalBytes)) {
        memory.totalBytes = limit;
        if (memory.availableBytes < 0 || memory.availableBytes > limit)
            memory.availableBytes = limit;
    }
    return memory;
}

CpuInfo readLinuxCpu(const QString &root)
{
    CpuInfo cpu = parseProcCpuinfo(readSmallFile(under(root, QStringLiteral("proc/cpuinfo"))));
    const QString v2Path = parseCgroupV2Path(readSmallFile(under(root, QStringLiteral("proc/self/cgroup"))));
    for (const QString &path : {under(root, QStringLiteral("sys/fs/cgroup") + v2Path + QStringLiteral("/cpu.max")),
                                under(root, QStringLiteral("sys/fs/cgroup/cpu.max"))}) {
        if (QFile::exists(path)) {
            cpu.cgroupCpuLimit = parseCgroupCpuMax(readSmallFile(path));
            if (cpu.cgroupCpuLimit > 0)
                break;
        }
    }
    return cpu;
}

QList<GpuDevice> readAmdKfdGpus(const QString &root)
{
    QList<GpuDevice> gpus;
    const QDir nodes(under(root, QStringLiteral("sys/class/kfd/kfd/topology/nodes")));
    QStringList names = nodes.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(names.begin(), names.end(), [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
    int index = 0;
    for (const QString &node : names) {
        const QHash<QString, qint64> props =
            parseKfdProperties(readSmallFile(nodes.filePath(node + QStringLiteral("/properties"))));
        const qint64 vendorId = props.value(QStringLiteral("vendor_id"));
        const qint64 deviceId = props.value(QStringLiteral("device_id"));
        const qint64 renderMinor = props.value(QStringLiteral("drm_render_minor"));
        // CPU nodes have zeros here.
        if (vendorId == 0 || deviceId == 0 || renderMinor == 0)
            continue;
        const QString device = under(root, QStringLiteral("sys/class/drm/renderD%1/device").arg(renderMinor));
        if (readSmallFile(device + QStringLiteral("/vendor")).trimmed().toLower() != "0x1002")
            continue;
        GpuDevice gpu;
        gpu.vendor = GpuVendor::Amd;
        gpu.index = index++;
        gpu.name = QStringLiteral("AMD GPU [0x%1]").arg(deviceId, 4, 16, QLatin1Char('0'));
        const qint64 gfx = props.value(QStringLiteral("gfx_target_version"));
        if (gfx > 0) {
            // gfx_target_version 110000 -> gfx1100, 90402 -> gfx942
            gpu.name +=
                QStringLiteral(" gfx%1%2%3").arg(gfx / 10000).arg((gfx / 100) % 100, 1, 16).arg(gfx % 100, 1, 16);
        }
        gpu.memoryTotalBytes = readNumber(device + QStringLiteral("/mem_info_vram_total"));
        gpu.memoryUsedBytes = readNumber(device + QStringLiteral("/mem_info_vram_used"));
        const qint64 gtt = readNumber(device + QStringLiteral("/mem_info_gtt_total"));
        // An APU reserves little VRAM and serves the rest from system memory (GTT).
        if (gtt > 0 && gpu.memoryTotalBytes >= 0 && gpu.memoryTotalBytes < 4LL * 1024 * 1024 * 1024 &&
            gtt > gpu.memoryTotalBytes) {
            gpu.unifiedMemory = true;
            gpu.memoryTotalBytes = gtt;
        }
        gpu.source = QStringLiteral("sysfs");
        gpus.append(gpu);
    }
    return gpus;
}

QList<GpuDevice> readDrmGpus(const QString &root, GpuVendor vendor)
{
    QList<GpuDevice> gpus;
    const QDir drm(under(root, QStringLiteral("sys/class/drm")));
    static const QRegularExpression cardName(QStringLiteral("^card(\\d+)$"));
    const quint32 wanted = pciVendorId(vendor);
    for (const QString &entry : drm.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::System)) {
        const QRegularExpressionMatch match = cardName.match(entry);
        if (!match.hasMatch())
            continue;
        const QString device = drm.filePath(entry + QStringLiteral("/device"));
        bool ok = false;
        const quint32 vendorId = readSmallFile(device + QStringLiteral("/vendor")).trimmed().toUInt(&ok, 16);
        if (!ok || vendorId != wanted)
            continue;
        const QString deviceId = QString::fromLatin1(readSmallFile(device + QStringLiteral("/device")).trimmed());
        GpuDevice gpu;
        gpu.vendor = vendor;
        gpu.index = match.captured(1).toInt();
        gpu.name = QStringLiteral("%1 GPU [%2]")
                       .arg(vendor == GpuVendor::Intel    ? QStringLiteral("Intel")
                            : vendor == GpuVendor::Nvidia ? QStringLiteral("NVIDIA")
                                                          : QStringLiteral("AMD"),
                            deviceId);
        gpu.source = QStringLiteral("sysfs");
        gpus.append(gpu);
    }
    std::sort(gpus.begin(), gpus.end(), [](const GpuDevice &a, const GpuDevice &b) { return a.index < b.index; });
    return gpus;
}

int countDavinciDevices(const QString &root)
{
    static const QRegularExpression numbered(QStringLiteral("^davinci\\d+$"));
    int count = 0;
    for (const QString &entry :
         QDir(under(root, QStringLiteral("dev"))).entryList(QDir::System | QDir::Files | QDir::AllEntries)) {
        if (numbered.match(entry).hasMatch())
            ++count;
    }
    return count;
}

} // namespace sb::hardware
