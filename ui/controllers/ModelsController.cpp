#include "ModelsController.h"

#include "ollama/OllamaClient.h"
#include "ollama/OllamaPulls.h"

#include <QPointer>

namespace sb {

namespace {

// "qwen2.5-coder:7b" and "qwen2.5-coder:7b" match; a bare name means its ":latest".
bool sameModel(const QString &a, const QString &b)
{
    const auto full = [](const QString &name) {
        return name.contains(QLatin1Char(':')) ? name : name + QStringLiteral(":latest");
    };
    return full(a) == full(b);
}

} // namespace

ModelsController::ModelsController(OllamaClient *client, OllamaPulls *pulls, QObject *parent)
    : QObject(parent), m_client(client), m_pulls(pulls)
{
    if (m_pulls) {
        // A finished pull adds a model: look again.
        connect(m_pulls, &OllamaPulls::changed, this, [this](const QString &model) {
            const OllamaPullJob *job = m_pulls->jobFor(model);
            if (job && job->state() == OllamaPullJob::State::Succeeded)
                refresh();
        });
    }
}

void ModelsController::setConfig(const GatewayConfig &config)
{
    m_deployments = config.deployments;
    for (Installed &entry : m_installed)
        entry.usedBy = usersOf(entry.model.name);
    Q_EMIT updated();
}

QString ModelsController::address() const
{
    return m_client->baseUrl().toString();
}

QStringList ModelsController::usersOf(const QString &model) const
{
    QStringList users;
    for (const Deployment &deployment : m_deployments) {
        if (deployment.provider == Provider::Ollama && sameModel(deployment.upstreamModel, model))
            users.append(deployment.id);
    }
    return users;
}

void ModelsController::refresh()
{
    const int generation = ++m_generation;
    QPointer<ModelsController> self(this);
    m_client->version([self, generation](const Expected<QString, QString> &version) {
        if (!self || generation != self->m_generation)
            return;
        self->m_version = version.hasValue() ? *version : QString();
        Q_EMIT self->updated();
    });
    m_client->listModels([self, generation](const Expected<QList<OllamaModel>, QString> &tags) {
        if (self && generation == self->m_generation)
            self->tagsDone(tags);
    });
}

void ModelsController::tagsDone(const Expected<QList<OllamaModel>, QString> &tags)
{
    m_checked = true;
    m_reachable = tags.hasValue();
    m_problem = tags.hasValue() ? QString() : tags.error();
    m_installed.clear();
    if (!tags.hasValue()) {
        Q_EMIT updated();
        return;
    }
    for (const OllamaModel &model : *tags) {
        Installed entry;
        entry.model = model;
        entry.usedBy = usersOf(model.name);
        m_installed.append(entry);
    }
    Q_EMIT updated();
    const int generation = m_generation;
    QPointer<ModelsController> self(this);
    m_client->runningModels([self, generation](const Expected<QList<OllamaRunningModel>, QString> &running) {
        if (!self || generation != self->m_generation || !running.hasValue())
            return;
        for (Installed &entry : self->m_installed) {
            for (const OllamaRunningModel &load : *running) {
                if (sameModel(load.name, entry.model.name)) {
                    entry.running = true;
                    entry.load = load;
                }
            }
        }
        Q_EMIT self->updated();
    });
    for (const Installed &entry : std::as_const(m_installed)) {
        const QString name = entry.model.name;
        m_client->showModel(name, [self, generation, name](const Expected<OllamaModelDetails, QString> &details) {
            if (!self || generation != self->m_generation || !details.hasValue())
                return;
            for (Installed &item : self->m_installed) {
                if (item.model.name == name) {
                    item.details = *details;
                    item.detailsKnown = true;
                }
            }
            Q_EMIT self->updated();
        });
    }
}

void ModelsController::pull(const QString &model)
{
    if (m_pulls && !model.trimmed().isEmpty())
        m_pulls->pull(model.trimmed());
}

void ModelsController::remove(const QString &model)
{
    QPointer<ModelsController> self(this);
    m_client->deleteModel(model, [self, model](const Expected<void, QString> &done) {
        if (!self)
            return;
        Q_EMIT self->removed(model, done.hasValue() ? QString() : done.error());
        self->refresh();
    });
}

} // namespace sb
