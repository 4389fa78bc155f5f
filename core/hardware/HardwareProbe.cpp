#include "HardwareProbe.h"

#include "PlatformGpuApis.h"
#include "SystemFiles.h"

#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

namespace sb {

using namespace hardware;

namespace {
const QString kNvidiaSmi = QStringLiteral("nvidia-smi");
const QString kRocmSmi = QStringLiteral("rocm-smi");
const QString kNpuSmi = QStringLiteral("npu-smi");
const QString kXpuSmi = QStringLiteral("xpu-smi");
const QString kSysctl = QStringLiteral("sysctl");
const QString kSystemProfiler = QStringLiteral("system_profiler");
} // namespace

struct HardwareProbe::FileResults
{
    bool linuxFiles = false;
    MemoryInfo memory;
    CpuInfo cpu;
    QList<GpuDevice> amdSysfs;
    QList<GpuDevice> intelSysfs;
    QList<GpuDevice> nvidiaSysfs;
    int davinciDevices = 0;
    QList<GpuDevice> nvml;
    QList<GpuDevice> dxgi;
};

HardwareProbe::HardwareProbe(QObject *parent) : QObject(parent)
{
    const QString kernel = QSysInfo::kernelType();
    m_platform = kernel == QLatin1String("winnt") ? QStringLiteral("windows") : kernel;
}

HardwareProbe::~HardwareProbe()
{
    // Tools still running are killed without reporting back to a half-destroyed probe.
    for (QProcess *process : findChildren<QProcess *>()) {
        disconnect(process, nullptr, this, nullptr);
        process->kill();
        process->waitForFinished(1000);
        delete process;
    }
    // The worker only reads small pseudo-files; waiting for it is short and keeps the
    // shared results alive until it is done.
    if (m_fileThread) {
        m_fileThread->wait();
        delete m_fileThread;
    }
}

void HardwareProbe::setSystemRoot(const QString &root)
{
    m_root = root;
}
void HardwareProbe::setToolDirectories(const QStringList &dirs)
{
    m_toolDirs = dirs;
}
void HardwareProbe::setPlatform(const QString &platform)
{
    m_platform = platform;
}
void HardwareProbe::setTimeoutMs(int milliseconds)
{
    m_timeoutMs = milliseconds;
}
void HardwareProbe::setUseDriverLibraries(bool use)
{
    m_useDriverLibraries = use;
}
bool HardwareProbe::isRunning() const
{
    return m_running;
}
HardwareReport HardwareProbe::report() const
{
    return m_report;
}

void HardwareProbe::start()
{
    if (m_running)
        return;
    m_running = true;
    m_outputs.clear();
    m_report = HardwareReport();
    m_pending = 0;

    const bool isLinux = m_platform == QLatin1String("linux");
    const bool isMac = m_platform == QLatin1String("darwin");
    const bool isWindows = m_platform == QLatin1String("windows");

    runTool(kNvidiaSmi, kNvidiaSmi,
            {QStringLiteral("--query-gpu=name,memory.total,memory.used,utilization.gpu,driver_version"),
             QStringLiteral("--format=csv,noheader,nounits")});
    if (isLinux) {
        runTool(kRocmSmi, kRocmSmi,
                {QStringLiteral("--showproductname"), QStringLiteral("--showmeminfo"), QStringLiteral("vram"),
                 QStringLiteral("--json")});
        runTool(kNpuSmi, kNpuSmi, {QStringLiteral("info")});
    }
    if (isLinux || isWindows)
        runTool(kXpuSmi, kXpuSmi, {QStringLiteral("discovery"), QStringLiteral("-j")});
    if (isMac) {
        runTool(kSysctl, kSysctl,
                {QStringLiteral("machdep.cpu.brand_string"), QStringLiteral("hw.memsize"),
                 QStringLiteral("hw.optional.arm64"), QStringLiteral("hw.physicalcpu"), QStringLiteral("hw.logicalcpu"),
                 QStringLiteral("hw.perflevel0.physicalcpu"), QStringLiteral("hw.perflevel1.physicalcpu")});
        runTool(kSystemProfiler, kSystemProfiler, {QStringLiteral("SPDisplaysDataType"), QStringLiteral("-json")});
    }

    auto results = std::make_shared<FileResults>();
    m_files = results;
    const QString root = m_root;
    const bool libraries = m_useDriverLibraries;
    ++m_pending;
    m_fileThread = QThread::create([results, root, isLinux, isWindows, libraries] {
        if (isLinux) {
            results->linuxFiles = true;
            results->memory = readLinuxMemory(root);
            results->cpu = readLinuxCpu(root);
            results->amdSysfs = readAmdKfdGpus(root);
            results->intelSysfs = readDrmGpus(root, GpuVendor::Intel);
            results->nvidiaSysfs = readDrmGpus(root, GpuVendor::Nvidia);
            results->davinciDevices = countDavinciDevices(root);
        }
        if (isWindows) {
            results->memory = readWindowsMemory();
            if (libraries)
                results->dxgi = readDxgiAdapters().valueOr(QList<GpuDevice>());
        }
        if (libraries && !QSysInfo::kernelType().startsWith(QLatin1String("darwin")))
            results->nvml = readNvmlGpus().valueOr(QList<GpuDevice>());
    });
    connect(m_fileThread, &QThread::finished, this, &HardwareProbe::filesDone);
    m_fileThread->start();
}

void HardwareProbe::runTool(const QString &key, const QString &program, const QStringList &arguments)
{
    const QString path = m_toolDirs.isEmpty() ? QStandardPaths::findExecutable(program)
                                              : QStandardPaths::findExecutable(program, m_toolDirs);
    if (path.isEmpty()) {
        m_outputs.insert(key, ProbeOutput{}); // not installed
        return;
    }
    ++m_pending;
    auto *process = new QProcess(this);
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    auto timedOut = std::make_shared<bool>(false);
    auto done = std::make_shared<bool>(false);
    auto complete = [this, key, process, timedOut, done](bool started) {
        if (*done)
            return;
        *done = true;
        ProbeOutput output;
        output.started = started;
        output.timedOut = *timedOut;
        output.exitCode = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
        output.standardOutput = process->readAllStandardOutput();
        output.standardError = process->readAllStandardError();
        process->deleteLater();
        toolDone(key, output);
    };
    connect(process, &QProcess::finished, this, [complete] { complete(true); });
    connect(process, &QProcess::errorOccurred, this, [complete, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            complete(false);
        else if (process->state() == QProcess::NotRunning)
            complete(true);
    });
    connect(timer, &QTimer::timeout, this, [process, timedOut] {
        *timedOut = true;
        process->kill();
    });
    timer->start(m_timeoutMs);
    process->start(path, arguments, QIODevice::ReadOnly);
}

void HardwareProbe::toolDone(const QString &key, const ProbeOutput &output)
{
    m_outputs.insert(key, output);
    --m_pending;
    finishIfComplete();
}

void HardwareProbe::filesDone()
{
    --m_pending;
    finishIfComplete();
}

void HardwareProbe::finishIfComplete()
{
    if (m_pending > 0 || !m_running)
        return;
    if (m_fileThread) {
        m_fileThread->wait();
        m_fileThread->deleteLater();
        m_fileThread = nullptr;
    }
    assemble();
    m_running = false;
    Q_EMIT finished(m_report);
}

void HardwareProbe::assemble()
{
    HardwareReport &report = m_report;
    const FileResults &files = *m_files;
    report.operatingSystem = m_platform;
    report.architecture = QSysInfo::currentCpuArchitecture();
    report.memory = files.memory;
    report.cpu = files.cpu;
    if (report.cpu.logicalCores < 0)
        report.cpu.logicalCores = QThread::idealThreadCount();

    auto addStatus = [&report](const ProbeStatus &status) {
        report.probes.append(status);
    };
    // The status after parsing; the devices found go to `gpus`.
    auto noteParse = [](ProbeStatus status, const GpuParse &parsed, QList<GpuDevice> &gpus) {
        if (!parsed.hasValue()) {
            status.state = ProbeStatus::State::Failed;
            status.detail = parsed.error();
            return status;
        }
        gpus = *parsed;
        if (status.state == ProbeStatus::State::Found)
            status.detail = QStringLiteral("%1 device(s)").arg(gpus.size());
        return status;
    };
    // A GPU tool's status, and the devices its parser found when the tool ran.
    auto parseTool = [this, &noteParse](const QString &tool, GpuParse (*parse)(const QByteArray &),
                                        QList<GpuDevice> &gpus) {
        const ProbeOutput out = m_outputs.value(tool);
        ProbeStatus status = commandStatus(tool, out);
        if (status.state == ProbeStatus::State::Found)
            status = noteParse(status, parse(out.standardOutput), gpus);
        return status;
    };

    // NVIDIA: nvidia-smi, else NVML, else a note that the card has no working driver.
    if (m_outputs.contains(kNvidiaSmi)) {
        QList<GpuDevice> gpus;
        ProbeStatus status = parseTool(kNvidiaSmi, &parseNvidiaSmiCsv, gpus);
        if (gpus.isEmpty() && !files.nvml.isEmpty()) {
            gpus = files.nvml;
            addStatus(ProbeStatus{QStringLiteral("nvml"), ProbeStatus::State::Found,
                                  QStringLiteral("%1 device(s)").arg(gpus.size())});
        }
        if (gpus.isEmpty() && !files.nvidiaSysfs.isEmpty() && status.state == ProbeStatus::State::NotPresent) {
            status.state = ProbeStatus::State::Failed;
            status.detail =
                QStringLiteral("an NVIDIA card is on the PCI bus but nvidia-smi is missing: install the NVIDIA driver");
        }
        addStatus(status);
        report.gpus.append(gpus);
    }

    // AMD: sysfs knows the memory; rocm-smi knows the marketing names.
    if (m_outputs.contains(kRocmSmi)) {
        QList<GpuDevice> rocm;
        ProbeStatus status = parseTool(kRocmSmi, &parseRocmSmiJson, rocm);
        QList<GpuDevice> amd = files.amdSysfs;
        if (amd.isEmpty()) {
            amd = rocm;
        } else {
            for (int i = 0; i < amd.size() && i < rocm.size(); ++i) {
                if (!rocm.at(i).name.isEmpty())
                    amd[i].name = rocm.at(i).name;
                amd[i].driverVersion = rocm.at(i).driverVersion;
            }
        }
        if (!files.amdSysfs.isEmpty())
            addStatus(ProbeStatus{QStringLiteral("amd-sysfs"), ProbeStatus::State::Found,
                                  QStringLiteral("%1 device(s) in the KFD topology").arg(files.amdSysfs.size())});
        addStatus(status);
        report.gpus.append(amd);
    }

    // Ascend: the device nodes prove presence, npu-smi gives the table.
    if (m_outputs.contains(kNpuSmi)) {
        const ProbeOutput &out = m_outputs.value(kNpuSmi);
        ProbeStatus status = commandStatus(kNpuSmi, out);
        QList<GpuDevice> gpus;
        if (status.state == ProbeStatus::State::Found) {
            status = noteParse(status, parseNpuSmiInfo(out.standardOutput), gpus);
        } else if (status.state == ProbeStatus::State::NotPresent && files.davinciDevices > 0) {
            status.state = ProbeStatus::State::Failed;
            status.detail =
                QStringLiteral(
                    "%1 Ascend device node(s) in /dev but npu-smi is missing: install the Ascend driver package")
                    .arg(files.davinciDevices);
        }
        addStatus(status);
        report.gpus.append(gpus);
    }

    // Intel: xpu-smi where present, else the PCI ids in sysfs.
    if (m_outputs.contains(kXpuSmi)) {
        QList<GpuDevice> gpus;
        ProbeStatus status = parseTool(kXpuSmi, &parseXpuSmiDiscoveryJson, gpus);
        if (gpus.isEmpty() && !files.intelSysfs.isEmpty()) {
            gpus = files.intelSysfs;
            addStatus(ProbeStatus{
                QStringLiteral("intel-sysfs"), ProbeStatus::State::Found,
                QStringLiteral("%1 device(s); memory unknown without xpu-smi").arg(files.intelSysfs.size())});
        }
        addStatus(status);
        report.gpus.append(gpus);
    }

    // macOS: sysctl for CPU and RAM, system_profiler for the GPUs.
    if (m_outputs.contains(kSysctl)) {
        const ProbeOutput &out = m_outputs.value(kSysctl);
        ProbeStatus status = commandStatus(kSysctl, out);
        if (out.started && !out.standardOutput.isEmpty()) {
            // sysctl exits non-zero when one name is unknown (no perflevels on Intel Macs)
            // but still prints the others.
            const QHash<QString, QString> values = parseSysctl(out.standardOutput);
            const CpuInfo cpu = cpuFromSysctl(values);
            report.cpu.model = cpu.model;
            if (cpu.logicalCores > 0)
                report.cpu.logicalCores = cpu.logicalCores;
            report.cpu.physicalCores = cpu.physicalCores;
            report.memory.physicalBytes = memoryFromSysctl(values);
            report.memory.totalBytes = report.memory.physicalBytes;
            status.state = ProbeStatus::State::Found;
            status.detail.clear();
        }
        addStatus(status);
    }
    if (m_outputs.contains(kSystemProfiler)) {
        const ProbeOutput &out = m_outputs.value(kSystemProfiler);
        ProbeStatus status = commandStatus(kSystemProfiler, out);
        if (status.state == ProbeStatus::State::Found) {
            QList<GpuDevice> gpus;
            status =
                noteParse(status, parseSystemProfilerDisplays(out.standardOutput, report.memory.physicalBytes), gpus);
            report.gpus.append(gpus);
        }
        addStatus(status);
    }

    if (!files.dxgi.isEmpty()) {
        // DXGI lists every adapter; keep those a vendor tool has not already described.
        for (const GpuDevice &adapter : files.dxgi) {
            if (!report.hasVendor(adapter.vendor))
                report.gpus.append(adapter);
        }
        addStatus(ProbeStatus{QStringLiteral("dxgi"), ProbeStatus::State::Found,
                              QStringLiteral("%1 adapter(s)").arg(files.dxgi.size())});
    }
}

HardwareReport HardwareProbe::runAndWait()
{
    QEventLoop loop;
    connect(this, &HardwareProbe::finished, &loop, &QEventLoop::quit);
    start();
    if (m_running)
        loop.exec();
    return m_report;
}

} // namespace sb
