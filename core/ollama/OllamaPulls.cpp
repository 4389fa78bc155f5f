#include "OllamaPulls.h"

#include "OllamaClient.h"

namespace sb {

OllamaPulls::OllamaPulls(OllamaClient *client, QObject *parent) : QObject(parent), m_client(client) {}

OllamaPullJob *OllamaPulls::pull(const QString &model)
{
    if (OllamaPullJob *existing = jobFor(model)) {
        if (existing->state() == OllamaPullJob::State::Running)
            return existing;
        if (existing->canResume()) {
            existing->resume();
            return existing;
        }
    }
    OllamaPullJob *job = m_client->createPullJob(model);
    job->setParent(this);
    m_jobs.append(job);
    const auto announce = [this, model] {
        Q_EMIT changed(model);
    };
    connect(job, &OllamaPullJob::progressChanged, this, announce);
    connect(job, &OllamaPullJob::stateChanged, this, announce);
    job->start();
    Q_EMIT changed(model);
    return job;
}

OllamaPullJob *OllamaPulls::jobFor(const QString &model) const
{
    for (auto it = m_jobs.crbegin(); it != m_jobs.crend(); ++it) {
        if (*it && (*it)->model() == model)
            return *it;
    }
    return nullptr;
}

QList<OllamaPullJob *> OllamaPulls::jobs() const
{
    QList<OllamaPullJob *> live;
    for (const QPointer<OllamaPullJob> &job : m_jobs) {
        if (job)
            live.append(job);
    }
    return live;
}

} // namespace sb
