#include "ModelsCommand.h"

#include "CommandSetup.h"

#include "ollama/OllamaClient.h"
#include "ollama/OllamaPullJob.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#define SB_ISATTY _isatty
#define SB_FILENO _fileno
#else
#include <unistd.h>
#define SB_ISATTY isatty
#define SB_FILENO fileno
#endif

namespace sb::cli {

namespace {

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
        client.listModels([&](const Expected<QList<OllamaModel>, QString> &listed) {
            if (!listed) {
                error = listed.error();
                done = true;
                return;
            }
            models = *listed;
            client.runningModels([&](const Expected<QList<OllamaRunningModel>, QString> &loaded) {
                running = loaded.valueOr(QList<OllamaRunningModel>());
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
        client.deleteModel(name, [&](const Expected<void, QString> &removed) {
            if (!removed)
                error = removed.error();
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

} // namespace

int runModelsCommand(const QStringList &words)
{
    const CommandLine line = parseCommandLine(words);
    return runModels(line, loadSetup(line));
}

} // namespace sb::cli
