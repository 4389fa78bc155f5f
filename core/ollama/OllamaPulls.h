#pragma once

#include "OllamaPullJob.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace sb {

class OllamaClient;

// The model downloads of the app, one job per model name. It outlives the window (the app
// owns it), so a pull goes on when the window is closed to the tray. Every job's progress
// and end is announced through changed(); pages only read.
class OllamaPulls final : public QObject
{
    Q_OBJECT
public:
    // `client` says where Ollama is and makes the jobs; it must outlive this list.
    explicit OllamaPulls(OllamaClient *client, QObject *parent = nullptr);

    // Starts pulling `model`, or resumes its paused or interrupted job; a pull already
    // running is returned as it is. Never null.
    OllamaPullJob *pull(const QString &model);
    // The latest job for `model`, finished or not; null when it was never pulled here.
    OllamaPullJob *jobFor(const QString &model) const;
    QList<OllamaPullJob *> jobs() const;

Q_SIGNALS:
    // A job was added, made progress, changed state or finished (`model` says which).
    void changed(const QString &model);

private:
    OllamaClient *m_client;
    QList<QPointer<OllamaPullJob>> m_jobs;
};

} // namespace sb
