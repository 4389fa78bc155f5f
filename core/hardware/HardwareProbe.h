#pragma once

#include "HardwareParsers.h"
#include "HardwareReport.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <memory>

class QThread;

namespace sb {

// Runs every hardware probe concurrently — the vendor tools as QProcesses, each stopped
// after a timeout, and the /proc, /sys and driver-library reads on a short-lived worker
// thread — and emits finished() with the merged report. start() returns at once.
class HardwareProbe final : public QObject
{
    Q_OBJECT
public:
    explicit HardwareProbe(QObject *parent = nullptr);
    ~HardwareProbe() override;

    // Test seams: read /proc, /sys and /dev below `root`; look for tools only in `dirs`;
    // probe as if on "linux", "darwin" or "windows".
    void setSystemRoot(const QString &root);
    void setToolDirectories(const QStringList &dirs);
    void setPlatform(const QString &platform);
    void setTimeoutMs(int milliseconds);
    // NVML and DXGI are skipped when false (tests must not see the real machine).
    void setUseDriverLibraries(bool use);

    void start();
    bool isRunning() const;
    HardwareReport report() const;

    // Blocks on a local event loop until finished; for the command line only.
    HardwareReport runAndWait();

Q_SIGNALS:
    void finished(const sb::HardwareReport &report);

private:
    struct FileResults;

    void runTool(const QString &key, const QString &program, const QStringList &arguments);
    void toolDone(const QString &key, const ProbeOutput &output);
    void filesDone();
    void finishIfComplete();
    void assemble();

    QString m_root = QStringLiteral("/");
    QStringList m_toolDirs;
    QString m_platform;
    int m_timeoutMs = 2000;
    bool m_useDriverLibraries = true;

    int m_pending = 0;
    bool m_running = false;
    QHash<QString, ProbeOutput> m_outputs;
    std::shared_ptr<FileResults> m_files;
    QThread *m_fileThread = nullptr;
    HardwareReport m_report;
};

} // namespace sb
