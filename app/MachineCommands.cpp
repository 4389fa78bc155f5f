#include "MachineCommands.h"

#include "Subcommand.h"

#include "claudecode/ClaudeCodeConnector.h"
#include "claudecode/ClaudeCodeVerifier.h"
#include "config/ConfigLoader.h"
#include "doctor/Doctor.h"
#include "doctor/DoctorReport.h"
#include "hardware/HardwareProbe.h"
#include "hardware/ModelFitAdvisor.h"
#include "ollama/OllamaClient.h"
#include "ollama/OllamaPullJob.h"
#include "secrets/SecretStore.h"
#include "server/BindPolicy.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <optional>

#ifdef Q_OS_WIN
#include <io.h>
#define SB_ISATTY _isatty
#define SB_FILENO _fileno
#else
#include <unistd.h>
#define SB_ISATTY isatty
#define SB_FILENO fileno
#endif

namespace sb {

namespace {

const QStringList kCommands{QStringLiteral("hardware"), QStringLiteral("models"), QStringLiteral("claude"),
                            QStringLiteral("doctor")};

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// Parsed options shared by every command.
struct CommandLine
{
    QStringList words; // positional
    QHash<QString, QString> options;
    bool json = false;

    QString option(const QString &name, const QString &fallback = {}) const { return options.value(name, fallback); }
    bool has(const QString &name) const { return options.contains(name); }
};

CommandLine parse(const QStringList &args)
{
    static const QStringList valued{
        QStringLiteral("--config"),     QStringLiteral("--host"),        QStringLiteral("--port"),
        QStringLiteral("--ollama"),     QStringLiteral("--base-url"),    QStringLiteral("--token"),
        QStringLiteral("--main-model"), QStringLiteral("--small-model"), QStringLiteral("--context"),
        QStringLiteral("--project"),    QStringLiteral("--model")};
    CommandLine line;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--json")) {
            line.json = true;
        } else if (a.startsWith(QLatin1String("--")) && a.contains(QLatin1Char('='))) {
            line.options.insert(a.section(QLatin1Char('='), 0, 0), a.section(QLatin1Char('='), 1));
        } else if (valued.contains(a) && i + 1 < args.size()) {
            line.options.insert(a, args.at(++i));
        } else if (a.startsWith(QLatin1String("--"))) {
            line.options.insert(a, QStringLiteral("1"));
        } else {
            line.words.append(a);
        }
    }
    return line;
}

// Runs the event loop until `done` is set by a callback.
void waitFor(const bool &done)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done)
            loop.quit();
    });
    poll.start(10);
    if (!done)
        loop.exec();
}

QString gib(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("?");
    return QStringLiteral("%1 GiB").arg(double(bytes) / (1024.0 * 1024 * 1024), 0, 'f', 1);
}

// What the commands need from the configuration, with command-line overrides.
struct Setup
{
    QString configPath;
    std::optional<GatewayConfig> config;
    QStringList configErrors;
    QString stateDir;
    QString gatewayUrl;
    QUrl ollamaUrl;
};

Setup loadSetup(const CommandLine &line)
{
    Setup setup;
    setup.configPath = line.option(QStringLiteral("--config"), ConfigLoader::defaultConfigPath());
    // The gateway keeps its token in the default config directory whatever --config names
    // (GatewayLaunch::prepare); reading it elsewhere would mint a second token it refuses.
    setup.stateDir = QFileInfo(ConfigLoader::defaultConfigPath()).absolutePath();
    if (QFileInfo::exists(setup.configPath)) {
        SecretStore secrets(setup.stateDir);
        const ConfigLoadResult loaded =
            ConfigLoader::loadFile(setup.configPath, [&secrets](const QString &name) { return secrets.read(name); });
        setup.configErrors = loaded.errors();
        if (loaded.ok())
            setup.config = loaded.config;
    }
    QString host = setup.config ? setup.config->host : QStringLiteral("127.0.0.1");
    quint16 port = setup.config ? setup.config->port : 4000;
    host = line.option(QStringLiteral("--host"), host);
    if (line.has(QStringLiteral("--port")))
        port = quint16(line.option(QStringLiteral("--port")).toUInt());
    host = BindPolicy::localDialHost(host);
    setup.gatewayUrl = line.option(QStringLiteral("--base-url"), QStringLiteral("http://%1:%2").arg(host).arg(port));

    const QString ollama = line.option(QStringLiteral("--ollama"));
    setup.ollamaUrl = ollama.isEmpty() ? DoctorInputs::ollamaUrlFor(setup.config ? &*setup.config : nullptr,
                                                                    qEnvironmentVariable("OLLAMA_HOST"))
                                       : QUrl(ollama);
    return setup;
}

QString gatewayToken(const Setup &setup, const CommandLine &line)
{
    if (line.has(QStringLiteral("--token")))
        return line.option(QStringLiteral("--token"));
    SecretStore secrets(setup.stateDir);
    return secrets.gatewayToken();
}

ClaudeCodeConnector connectorFor(const Setup &setup, const CommandLine &line)
{
    const QString project = line.option(QStringLiteral("--project"), QDir::currentPath());
    return ClaudeCodeConnector(
        ClaudeCodePaths::fromEnvironment(QProcessEnvironment::systemEnvironment(), setup.stateDir, project));
}

// ---- hardware ---------------------------------------------------------------------------

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

// ---- models -----------------------------------------------------------------------------

void drawProgress(const OllamaPullJob &job, bool tty)
{
    if (!tty)
        return;
    const double fraction = job.fraction();
    const int width = 30;
    QString bar;
    if (fraction >= 0) {
        const int filled = int(fraction * width);
        bar = QString(filled, QChar(0x2588)) + QString(width - filled, QLatin1Char(' '));
    } else {
        bar = QString(width, QLatin1Char('.'));
    }
    QString line = QStringLiteral("\r%1 [%2] %3%  %4/%5")
                       .arg(job.status().left(24).leftJustified(24), bar)
                       .arg(fraction >= 0 ? fraction * 100 : 0.0, 5, 'f', 1)
                       .arg(gib(job.completedBytes()), gib(job.totalBytes()));
    if (job.bytesPerSecond() > 0)
        line += QStringLiteral("  %1 MB/s").arg(job.bytesPerSecond() / 1e6, 0, 'f', 1);
    if (job.etaSeconds() >= 0)
        line += QStringLiteral("  ETA %1:%2")
                    .arg(job.etaSeconds() / 60)
                    .arg(job.etaSeconds() % 60, 2, 10, QLatin1Char('0'));
    err() << line << "   ";
    err().flush();
}

int runModels(const CommandLine &line, const Setup &setup)
{
    const QString sub = line.words.value(1);
    OllamaClient client(setup.ollamaUrl);
    if (sub == QLatin1String("list") || sub.isEmpty()) {
        bool done = false;
        QList<OllamaModel> models;
        QList<OllamaRunningModel> running;
        QString error;
        client.listModels([&](const QList<OllamaModel> &m, const QString &e) {
            models = m;
            error = e;
            if (!e.isEmpty()) {
                done = true;
                return;
            }
            client.runningModels([&](const QList<OllamaRunningModel> &r, const QString &) {
                running = r;
                done = true;
            });
        });
        waitFor(done);
        if (!error.isEmpty()) {
            err() << error << "\n";
            return 1;
        }
        if (line.json) {
            QJsonArray array;
            for (const OllamaModel &m : models) {
                QJsonObject o{{QStringLiteral("name"), m.name},
                              {QStringLiteral("size_bytes"), double(m.sizeBytes)},
                              {QStringLiteral("parameter_size"), m.parameterSize},
                              {QStringLiteral("quantization"), m.quantization}};
                for (const OllamaRunningModel &r : running) {
                    if (r.name == m.name)
                        o.insert(QStringLiteral("loaded_vram_bytes"), double(r.vramBytes));
                }
                array.append(o);
            }
            out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
            return 0;
        }
        for (const OllamaModel &m : models) {
            QString loaded;
            for (const OllamaRunningModel &r : running) {
                if (r.name == m.name)
                    loaded = QStringLiteral("  loaded (%1 on GPU)").arg(gib(r.vramBytes));
            }
            out() << m.name.leftJustified(32) << gib(m.sizeBytes).leftJustified(12) << m.parameterSize.leftJustified(8)
                  << m.quantization << loaded << "\n";
        }
        if (models.isEmpty())
            out() << "No models installed in Ollama at " << setup.ollamaUrl.toString()
                  << ": try `switchboard models pull qwen2.5-coder:7b`\n";
        return 0;
    }
    const QString name = line.words.value(2);
    if (name.isEmpty()) {
        err() << "usage: switchboard models " << sub << " NAME\n";
        return 2;
    }
    if (sub == QLatin1String("pull")) {
        OllamaPullJob *job = client.createPullJob(name);
        const bool tty = SB_ISATTY(SB_FILENO(stderr));
        QObject context;
        // Without a terminal (a log, a CI job): a line per status and per tenth of the download.
        int printedTenth = -1;
        QString printedLine;
        const auto printLine = [job, &printedTenth, &printedLine] {
            QString text = job->status();
            const double fraction = job->fraction();
            if (fraction >= 0 && job->status().startsWith(QLatin1String("pulling ")) &&
                job->status() != QLatin1String("pulling manifest")) {
                printedTenth = std::max(printedTenth, int(fraction * 10));
                text += QStringLiteral("  %1% of %2").arg(int(fraction * 100)).arg(gib(job->totalBytes()));
            }
            if (text != printedLine)
                err() << text << "\n";
            printedLine = text;
        };
        QObject::connect(job, &OllamaPullJob::progressChanged, &context, [job, tty, &printedTenth, printLine] {
            if (tty)
                drawProgress(*job, tty);
            else if (job->fraction() >= 0 && int(job->fraction() * 10) > printedTenth)
                printLine();
        });
        QObject::connect(job, &OllamaPullJob::statusChanged, &context, [job, tty, printLine] {
            if (tty)
                drawProgress(*job, tty);
            else
                printLine();
        });
        bool done = false;
        QObject::connect(job, &OllamaPullJob::finished, &context, [&done] { done = true; });
        QObject::connect(job, &OllamaPullJob::stateChanged, &context, [&done](OllamaPullJob::State s) {
            if (s == OllamaPullJob::State::Interrupted)
                done = true;
        });
        job->start();
        waitFor(done);
        if (tty)
            err() << "\n";
        if (job->state() == OllamaPullJob::State::Succeeded) {
            out() << "Pulled " << name << " (" << gib(job->totalBytes()) << ")\n";
            return 0;
        }
        err() << "Pull of " << name << " did not finish: " << job->error() << "\n";
        if (job->canResume())
            err() << "Run the same command again to resume.\n";
        return 1;
    }
    if (sub == QLatin1String("rm")) {
        bool done = false;
        QString error;
        client.deleteModel(name, [&](bool, const QString &e) {
            error = e;
            done = true;
        });
        waitFor(done);
        if (!error.isEmpty()) {
            err() << "Could not remove " << name << ": " << error << "\n";
            return 1;
        }
        out() << "Removed " << name << "\n";
        return 0;
    }
    err() << "usage: switchboard models list | pull NAME | rm NAME\n";
    return 2;
}

// ---- claude -----------------------------------------------------------------------------

int runClaude(const CommandLine &line, const Setup &setup)
{
    const QString sub = line.words.value(1);
    ClaudeCodeConnector connector = connectorFor(setup, line);
    if (sub == QLatin1String("connect")) {
        ClaudeConnectSettings settings;
        settings.baseUrl = setup.gatewayUrl;
        settings.authToken = gatewayToken(setup, line);
        settings.localUpstreams = !line.has(QStringLiteral("--cloud"));
        const QString main = line.option(QStringLiteral("--main-model"));
        settings.opusModel = main;
        settings.sonnetModel = main;
        settings.haikuModel = line.option(QStringLiteral("--small-model"));
        if (line.has(QStringLiteral("--context")))
            settings.maxContextTokens = line.option(QStringLiteral("--context")).toInt();
        const ConnectorResult result = connector.connect(settings);
        (result.ok ? out() : err()) << result.message << "\n";
        for (const QString &change : result.changes)
            out() << "  " << change << "\n";
        if (!result.backupFile.isEmpty())
            out() << "Backup: " << result.backupFile << "\n";
        return result.ok ? 0 : 1;
    }
    if (sub == QLatin1String("disconnect")) {
        const ConnectorResult result = connector.disconnect();
        (result.ok ? out() : err()) << result.message << "\n";
        for (const QString &change : result.changes)
            out() << "  " << change << "\n";
        for (const QString &warning : result.warnings)
            out() << "  note: " << warning << "\n";
        return result.ok ? 0 : 1;
    }
    if (sub == QLatin1String("status")) {
        const ClaudeCodeStatus status =
            connector.status(setup.gatewayUrl, gatewayToken(setup, line), QProcessEnvironment::systemEnvironment());
        if (line.json) {
            out() << QJsonDocument(status.toJson()).toJson(QJsonDocument::Indented);
            return status.connected() ? 0 : 1;
        }
        out() << "Claude Code: "
              << (status.binaryPath.isEmpty() ? QStringLiteral("not found")
                                              : status.binaryPath + QLatin1Char(' ') + status.version)
              << "\n";
        for (const BaseUrlSource &source : status.sources)
            out() << "  ANTHROPIC_BASE_URL=" << source.baseUrl << " in "
                  << (source.file.isEmpty() ? QStringLiteral("the shell environment") : source.file)
                  << (source.pointsAtGateway ? "  (this gateway)" : "") << "\n";
        out() << "Effective: "
              << (status.effectiveBaseUrl.isEmpty() ? QStringLiteral("api.anthropic.com (nothing set)")
                                                    : status.effectiveBaseUrl)
              << "\n";
        out() << "Onboarding done: " << (status.onboardingDone ? "yes" : "no") << "\n";
        out() << (status.connected() ? "Connected to the gateway at " : "Not connected to the gateway at ")
              << setup.gatewayUrl << "\n";
        for (const QString &problem : status.problems)
            out() << "  - " << problem << "\n";
        return status.connected() ? 0 : 1;
    }
    if (sub == QLatin1String("verify")) {
        ClaudeCodeVerifier::Options options;
        options.baseUrl = setup.gatewayUrl;
        options.token = gatewayToken(setup, line);
        options.model = line.option(QStringLiteral("--model"), options.model);
        if (!line.has(QStringLiteral("--http")))
            options.claudeBinary = ClaudeCodeConnector::findClaudeBinary(QProcessEnvironment::systemEnvironment(),
                                                                         connector.paths().homeDir);
        const VerifyOutcome outcome = ClaudeCodeVerifier::verify(options);
        if (outcome.ok) {
            out() << "OK (" << outcome.method << "): " << outcome.detail << "\n";
            return 0;
        }
        err() << "Failed (" << outcome.method << "): " << outcome.detail << "\n" << outcome.advice << "\n";
        return 1;
    }
    err() << "usage: switchboard claude connect [--main-model M] [--small-model M] [--context N] [--cloud] | "
             "disconnect | status [--json] | verify [--http]\n";
    return 2;
}

// ---- doctor -----------------------------------------------------------------------------

int runDoctor(const CommandLine &line, const Setup &setup)
{
    DoctorInputs inputs;
    inputs.configPath = setup.configPath;
    inputs.config = setup.config;
    inputs.configErrors = setup.configErrors;
    inputs.stateDir = setup.stateDir;
    inputs.gatewayUrl = setup.gatewayUrl;
    inputs.gatewayToken = gatewayToken(setup, line);
    inputs.ollamaUrl = setup.ollamaUrl;
    inputs.claudePaths = connectorFor(setup, line).paths();
    inputs.environment = QProcessEnvironment::systemEnvironment();

    Doctor doctor;
    QList<DoctorCheck> checks;
    bool done = false;
    QObject::connect(&doctor, &Doctor::finished, &doctor, [&](const QList<DoctorCheck> &result) {
        checks = result;
        done = true;
    });
    doctor.run(inputs);
    waitFor(done);
    if (line.json)
        out() << QJsonDocument(DoctorReport::json(checks)).toJson(QJsonDocument::Indented);
    else
        out() << DoctorReport::text(checks);
    return doctorPassed(checks) ? 0 : 1;
}

} // namespace

int runMachineCommand(const QStringList &args, bool *handled)
{
    const QStringList words = subcommandWords(args, kCommands);
    if (handled)
        *handled = !words.isEmpty();
    if (words.isEmpty())
        return 0;
    const std::unique_ptr<QCoreApplication> ownApp = ensureCoreApplication();

    const CommandLine line = parse(words);
    const QString command = line.words.value(0);
    int code = 2;
    if (command == QLatin1String("hardware")) {
        code = runHardware(line);
    } else {
        const Setup setup = loadSetup(line);
        if (command == QLatin1String("models"))
            code = runModels(line, setup);
        else if (command == QLatin1String("claude"))
            code = runClaude(line, setup);
        else if (command == QLatin1String("doctor"))
            code = runDoctor(line, setup);
    }
    out().flush();
    err().flush();
    return code;
}

} // namespace sb
