#include "HardwareParsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace sb::hardware {

namespace {

constexpr qint64 kMiB = 1024LL * 1024;
// Larger than any real memory: a garbled tool output past it is read as unknown (found by
// fuzzing: a 14-digit MiB figure overflowed the byte count).
constexpr qint64 kMaxBytes = 1LL << 60;

// `count` units as bytes; -1 (unknown) when negative or past kMaxBytes.
qint64 bytesOf(qint64 count, qint64 unit)
{
    if (count < 0 || count > kMaxBytes / unit)
        return -1;
    return count * unit;
}

// Adds a chip's bytes to a card's total without overflow (-1 parts are unknown).
qint64 addBytes(qint64 total, qint64 bytes)
{
    if (bytes < 0)
        return total;
    return std::min(kMaxBytes, std::max<qint64>(total, 0) + bytes);
}

QList<QByteArray> nonEmptyLines(const QByteArray &text)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : text.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            lines.append(trimmed);
    }
    return lines;
}

// nvidia-smi prints "[N/A]" or "[Not Supported]" for fields a board does not report.
qint64 optionalInteger(const QString &field)
{
    bool ok = false;
    const qint64 value = field.trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

QString firstLine(const QByteArray &text)
{
    const QList<QByteArray> lines = nonEmptyLines(text);
    return lines.isEmpty() ? QString() : QString::fromUtf8(lines.first());
}

QJsonValue valueIgnoringCase(const QJsonObject &object, const QStringList &keys)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        for (const QString &key : keys) {
            if (it.key().compare(key, Qt::CaseInsensitive) == 0)
                return it.value();
        }
    }
    return {};
}

} // namespace

ProbeStatus commandStatus(const QString &tool, const ProbeOutput &output)
{
    ProbeStatus status;
    status.probe = tool;
    if (!output.started) {
        status.state = ProbeStatus::State::NotPresent;
        status.detail = QStringLiteral("%1 is not installed").arg(tool);
    } else if (output.timedOut) {
        status.state = ProbeStatus::State::Failed;
        status.detail = QStringLiteral("%1 did not finish in time and was stopped").arg(tool);
    } else if (output.exitCode != 0) {
        status.state = ProbeStatus::State::Failed;
        QString why = firstLine(output.standardError);
        if (why.isEmpty())
            why = firstLine(output.standardOutput);
        status.detail = QStringLiteral("%1 exited with code %2%3")
                            .arg(tool)
                            .arg(output.exitCode)
                            .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
    } else {
        status.state = ProbeStatus::State::Found;
    }
    return status;
}

GpuParse parseNvidiaSmiCsv(const QByteArray &csv)
{
    QList<GpuDevice> gpus;
    QString unreadLine;
    int index = 0;
    for (const QByteArray &line : nonEmptyLines(csv)) {
        const QStringList fields = QString::fromUtf8(line).split(QLatin1Char(','));
        if (fields.size() < 5) {
            unreadLine = QString::fromUtf8(line);
            continue;
        }
        GpuDevice gpu;
        gpu.vendor = GpuVendor::Nvidia;
        gpu.index = index++;
        gpu.name = fields.at(0).trimmed();
        const qint64 total = optionalInteger(fields.at(1));
        const qint64 used = optionalInteger(fields.at(2));
        gpu.memoryTotalBytes = bytesOf(total, kMiB);
        gpu.memoryUsedBytes = bytesOf(used, kMiB);
        gpu.utilizationPercent = int(optionalInteger(fields.at(3)));
        gpu.driverVersion = fields.at(4).trimmed();
        gpu.source = QStringLiteral("nvidia-smi");
        gpus.append(gpu);
    }
    if (gpus.isEmpty() && !unreadLine.isEmpty())
        return unexpected(QStringLiteral("unexpected nvidia-smi line: %1").arg(unreadLine));
    return gpus;
}

GpuParse parseRocmSmiJson(const QByteArray &json)
{
    QList<GpuDevice> gpus;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return unexpected(QStringLiteral("rocm-smi output is not a JSON object: %1").arg(error.errorString()));
    const QJsonObject root = doc.object();
    QString driver;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key().compare(QLatin1String("system"), Qt::CaseInsensitive) == 0)
            driver = valueIgnoringCase(it.value().toObject(), {QStringLiteral("Driver version")}).toString();
    }
    static const QRegularExpression cardKey(QStringLiteral("^card(\\d+)$"), QRegularExpression::CaseInsensitiveOption);
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QRegularExpressionMatch match = cardKey.match(it.key());
        if (!match.hasMatch())
            continue;
        const QJsonObject card = it.value().toObject();
        GpuDevice gpu;
        gpu.vendor = GpuVendor::Amd;
        gpu.index = match.captured(1).toInt();
        gpu.name = valueIgnoringCase(card, {QStringLiteral("Card Series"), QStringLiteral("Card series")}).toString();
        if (gpu.name.isEmpty())
            gpu.name = valueIgnoringCase(card, {QStringLiteral("Card model")}).toString();
        // rocm-smi prints every number as a string.
        gpu.memoryTotalBytes =
            optionalInteger(valueIgnoringCase(card, {QStringLiteral("VRAM Total Memory (B)")}).toString());
        gpu.memoryUsedBytes =
            optionalInteger(valueIgnoringCase(card, {QStringLiteral("VRAM Total Used Memory (B)")}).toString());
        gpu.driverVersion = driver;
        gpu.source = QStringLiteral("rocm-smi");
        gpus.append(gpu);
    }
    std::sort(gpus.begin(), gpus.end(), [](const GpuDevice &a, const GpuDevice &b) { return a.index < b.index; });
    return gpus;
}

GpuParse parseNpuSmiInfo(const QByteArray &table)
{
    QList<GpuDevice> gpus;
    static const QRegularExpression usedTotal(QStringLiteral("(\\d+)\\s*/\\s*(\\d+)"));
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    QString version;
    GpuDevice *current = nullptr;
    for (const QByteArray &rawLine : nonEmptyLines(table)) {
        const QString line = QString::fromUtf8(rawLine);
        if (!line.startsWith(QLatin1Char('|')))
            continue;
        QStringList cells = line.split(QLatin1Char('|'));
        // Drop the empty pieces outside the first and last bar.
        cells.removeFirst();
        if (!cells.isEmpty() && cells.last().trimmed().isEmpty())
            cells.removeLast();
        for (QString &cell : cells)
            cell = cell.trimmed();
        if (cells.isEmpty())
            continue;
        if (cells.first().startsWith(QLatin1String("npu-smi"))) {
            const QStringList words = cells.first().split(whitespace, Qt::SkipEmptyParts);
            if (words.size() >= 2)
                version = words.at(1);
            continue;
        }
        // The process table that follows the device table ends the devices.
        if (line.contains(QLatin1String("Process id"), Qt::CaseInsensitive) ||
            line.contains(QLatin1String("No running processes"), Qt::CaseInsensitive)) {
            break;
        }
        if (cells.size() < 3)
            continue;
        const QStringList first = cells.first().split(whitespace, Qt::SkipEmptyParts);
        bool idOk = false;
        const int id = first.value(0).toInt(&idOk);
        if (!idOk)
            continue;                                                  // header rows ("NPU Name", "Chip Device")
        const bool isChipRow = cells.at(1).contains(QLatin1Char(':')); // the Bus-Id column
        if (!isChipRow) {
            if (first.size() < 2)
                continue;
            GpuDevice npu;
            npu.vendor = GpuVendor::Ascend;
            npu.index = id;
            npu.name = QStringLiteral("Ascend ") + first.mid(1).join(QLatin1Char(' '));
            npu.driverVersion = version;
            npu.source = QStringLiteral("npu-smi");
            gpus.append(npu);
            current = &gpus.last();
            continue;
        }
        if (!current)
            continue;
        if (current->busId.isEmpty())
            current->busId = cells.at(1);
        // AICore(%), then Memory-Usage used / total, then HBM-Usage used / total (not on 310s).
        const QString usage = cells.at(2);
        bool coreOk = false;
        const int aiCore = usage.split(whitespace, Qt::SkipEmptyParts).value(0).toInt(&coreOk);
        if (coreOk)
            current->utilizationPercent = aiCore;
        QList<QPair<qint64, qint64>> pairs;
        auto it = usedTotal.globalMatch(usage);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            pairs.append({m.captured(1).toLongLong(), m.captured(2).toLongLong()});
        }
        QPair<qint64, qint64> chosen{-1, -1};
        if (pairs.size() >= 2 && pairs.at(1).second > 0)
            chosen = pairs.at(1);
        else if (!pairs.isEmpty())
            chosen = pairs.at(0);
        if (chosen.second > 0 && bytesOf(chosen.second, kMiB) >= 0) {
            // A card with several chips (310P Duo) reports each; count them all.
            current->memoryTotalBytes = addBytes(current->memoryTotalBytes, bytesOf(chosen.second, kMiB));
            current->memoryUsedBytes = addBytes(current->memoryUsedBytes, bytesOf(chosen.first, kMiB));
        }
    }
    if (gpus.isEmpty() && !table.trimmed().isEmpty())
        return unexpected(QStringLiteral("npu-smi info printed no device rows"));
    return gpus;
}

qint64 parseSizeWithUnit(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]i?B)?\\s*$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = pattern.match(text);
    if (!m.hasMatch())
        return -1;
    const double number = m.captured(1).toDouble();
    const QString unit = m.captured(2).toUpper();
    double factor = 1;
    // system_profiler's "MB"/"GB" are binary units (1536 MB shared VRAM = 1.5 GiB).
    if (unit.startsWith(QLatin1Char('K')))
        factor = 1024.0;
    else if (unit.startsWith(QLatin1Char('M')))
        factor = 1024.0 * 1024;
    else if (unit.startsWith(QLatin1Char('G')))
        factor = 1024.0 * 1024 * 1024;
    else if (unit.startsWith(QLatin1Char('T')))
        factor = 1024.0 * 1024 * 1024 * 1024;
    const double bytes = number * factor;
    if (!(bytes >= 0) || bytes > double(kMaxBytes))
        return -1; // also NaN; a double past qint64 must not be converted
    return qint64(bytes);
}

GpuParse parseSystemProfilerDisplays(const QByteArray &json, qint64 ramBytes)
{
    QList<GpuDevice> gpus;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return unexpected(QStringLiteral("system_profiler output is not JSON: %1").arg(error.errorString()));
    const QJsonArray displays = doc.object().value(QLatin1String("SPDisplaysDataType")).toArray();
    int index = 0;
    for (const QJsonValue &entry : displays) {
        const QJsonObject display = entry.toObject();
        GpuDevice gpu;
        gpu.index = index++;
        gpu.name = display.value(QLatin1String("sppci_model")).toString();
        if (gpu.name.isEmpty())
            gpu.name = display.value(QLatin1String("_name")).toString();
        const QString vendor = display.value(QLatin1String("spdisplays_vendor")).toString().toLower();
        if (vendor.contains(QLatin1String("apple")) || gpu.name.startsWith(QLatin1String("Apple")))
            gpu.vendor = GpuVendor::Apple;
        else if (vendor.contains(QLatin1String("amd")) || vendor.contains(QLatin1String("ati")))
            gpu.vendor = GpuVendor::Amd;
        else if (vendor.contains(QLatin1String("intel")))
            gpu.vendor = GpuVendor::Intel;
        else if (vendor.contains(QLatin1String("nvidia")))
            gpu.vendor = GpuVendor::Nvidia;
        if (gpu.vendor == GpuVendor::Apple) {
            gpu.unifiedMemory = true;
            gpu.memoryTotalBytes = ramBytes;
        } else {
            QString vram = display.value(QLatin1String("spdisplays_vram")).toString();
            if (vram.isEmpty())
                vram = display.value(QLatin1String("spdisplays_vram_shared")).toString();
            gpu.memoryTotalBytes = parseSizeWithUnit(vram);
        }
        gpu.source = QStringLiteral("system_profiler");
        gpus.append(gpu);
    }
    return gpus;
}

GpuParse parseXpuSmiDiscoveryJson(const QByteArray &json)
{
    QList<GpuDevice> gpus;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return unexpected(QStringLiteral("xpu-smi output is not JSON: %1").arg(error.errorString()));
    for (const QJsonValue &entry : doc.object().value(QLatin1String("device_list")).toArray()) {
        const QJsonObject device = entry.toObject();
        if (device.contains(QLatin1String("device_type")) &&
            device.value(QLatin1String("device_type")).toString() != QLatin1String("GPU")) {
            continue;
        }
        GpuDevice gpu;
        gpu.vendor = GpuVendor::Intel;
        gpu.index = device.value(QLatin1String("device_id")).toInt(-1);
        gpu.name = device.value(QLatin1String("device_name")).toString();
        gpu.busId = device.value(QLatin1String("pci_bdf_address")).toString();
        const QJsonValue memory = device.value(QLatin1String("memory_physical_size_byte"));
        gpu.memoryTotalBytes = memory.isUndefined() ? -1 : optionalInteger(memory.toVariant().toString());
        gpu.source = QStringLiteral("xpu-smi");
        gpus.append(gpu);
    }
    return gpus;
}

QHash<QString, QString> parseSysctl(const QByteArray &text)
{
    QHash<QString, QString> values;
    for (const QByteArray &line : nonEmptyLines(text)) {
        const QString s = QString::fromUtf8(line);
        int separator = s.indexOf(QLatin1String(": "));
        int width = 2;
        if (separator < 0) {
            separator = s.indexOf(QLatin1String(" = "));
            width = 3;
        }
        if (separator <= 0)
            continue;
        values.insert(s.left(separator).trimmed(), s.mid(separator + width).trimmed());
    }
    return values;
}

CpuInfo cpuFromSysctl(const QHash<QString, QString> &values)
{
    CpuInfo cpu;
    cpu.model = values.value(QStringLiteral("machdep.cpu.brand_string"));
    cpu.logicalCores = int(optionalInteger(values.value(QStringLiteral("hw.logicalcpu"), QStringLiteral("-"))));
    cpu.physicalCores = int(optionalInteger(values.value(QStringLiteral("hw.physicalcpu"), QStringLiteral("-"))));
    if (cpu.physicalCores < 0) {
        const qint64 performance =
            optionalInteger(values.value(QStringLiteral("hw.perflevel0.physicalcpu"), QStringLiteral("-")));
        const qint64 efficiency =
            optionalInteger(values.value(QStringLiteral("hw.perflevel1.physicalcpu"), QStringLiteral("-")));
        if (performance > 0)
            cpu.physicalCores = int(performance + std::max<qint64>(efficiency, 0));
    }
    return cpu;
}

qint64 memoryFromSysctl(const QHash<QString, QString> &values)
{
    return optionalInteger(values.value(QStringLiteral("hw.memsize"), QStringLiteral("-")));
}

QHash<QString, qint64> parseKfdProperties(const QByteArray &text)
{
    QHash<QString, qint64> values;
    for (const QByteArray &line : nonEmptyLines(text)) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() != 2)
            continue;
        bool ok = false;
        const qint64 value = parts.at(1).toLongLong(&ok);
        if (ok)
            values.insert(QString::fromLatin1(parts.at(0)), value);
    }
    return values;
}

MemoryInfo parseProcMeminfo(const QByteArray &text)
{
    MemoryInfo memory;
    for (const QByteArray &line : nonEmptyLines(text)) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() < 2)
            continue;
        const qint64 kib = parts.at(1).toLongLong();
        if (parts.at(0) == "MemTotal:")
            memory.physicalBytes = bytesOf(kib, 1024);
        else if (parts.at(0) == "MemAvailable:")
            memory.availableBytes = bytesOf(kib, 1024);
    }
    memory.totalBytes = memory.physicalBytes;
    return memory;
}

CpuInfo parseProcCpuinfo(const QByteArray &text)
{
    CpuInfo cpu;
    int processors = 0;
    QSet<QString> cores;
    QString physicalId;
    for (const QByteArray &raw : text.split('\n')) {
        const int colon = raw.indexOf(':');
        if (colon < 0)
            continue;
        const QString key = QString::fromUtf8(raw.left(colon)).trimmed();
        const QString value = QString::fromUtf8(raw.mid(colon + 1)).trimmed();
        if (key == QLatin1String("processor"))
            ++processors;
        else if ((key == QLatin1String("model name") || key == QLatin1String("Model")) && cpu.model.isEmpty())
            cpu.model = value;
        else if (key == QLatin1String("physical id"))
            physicalId = value;
        else if (key == QLatin1String("core id"))
            cores.insert(physicalId + QLatin1Char('/') + value);
    }
    cpu.logicalCores = processors > 0 ? processors : -1;
    cpu.physicalCores = cores.isEmpty() ? -1 : int(cores.size());
    return cpu;
}

qint64 parseCgroupMemoryLimit(const QByteArray &text)
{
    const QByteArray value = text.trimmed();
    if (value.isEmpty() || value == "max")
        return -1;
    bool ok = false;
    const qint64 limit = value.toLongLong(&ok);
    // cgroup v1 reports "no limit" as a page-rounded LLONG_MAX.
    if (!ok || limit <= 0 || limit >= (qint64(1) << 60))
        return -1;
    return limit;
}

double parseCgroupCpuMax(const QByteArray &text)
{
    const QList<QByteArray> parts = text.simplified().split(' ');
    if (parts.size() != 2 || parts.at(0) == "max")
        return -1;
    bool quotaOk = false;
    bool periodOk = false;
    const double quota = parts.at(0).toDouble(&quotaOk);
    const double period = parts.at(1).toDouble(&periodOk);
    if (!quotaOk || !periodOk || quota <= 0 || period <= 0)
        return -1;
    return quota / period;
}

QString parseCgroupV2Path(const QByteArray &text)
{
    for (const QByteArray &line : nonEmptyLines(text)) {
        if (line.startsWith("0::"))
            return QString::fromUtf8(line.mid(3));
    }
    return {};
}

} // namespace sb::hardware
