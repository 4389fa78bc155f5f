#include "ModelsController.h"

#include "ollama/OllamaClient.h"
#include "ollama/OllamaPulls.h"

#include "MappingsController.h"
#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"

#include <QFile>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QtConcurrent>

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
    : QObject(parent), m_client(client), m_pulls(pulls), m_network(new QNetworkAccessManager(this))
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

void ModelsController::useForClaudeCode(const QString &model, bool small)
{
    if (m_configPath.isEmpty()) {
        Q_EMIT usedForClaudeCode(model, tr("There is no config file to write."));
        return;
    }
    const QString path = m_configPath;
    const QString base = address();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, model] {
        watcher->deleteLater();
        Q_EMIT usedForClaudeCode(model, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path, base, model, small]() -> QString {
        QFile file(path);
        const bool exists = file.exists();
        if (exists && !file.open(QIODevice::ReadOnly))
            return tr("cannot read %1: %2").arg(path, file.errorString());
        const QByteArray before = exists ? file.readAll() : ConfigLoader::defaultConfigText();
        const auto edited = MappingsController::withClaudeCodeModel(before, path, model, base, small);
        if (!edited)
            return edited.error();
        const auto written =
            ConfigEditor::commitText(path, *edited, exists ? std::optional<QByteArray>(before) : std::nullopt);
        return written ? QString() : written.error();
    }));
}

void ModelsController::setGateway(const QString &baseUrl, const QString &token)
{
    m_gatewayUrl = baseUrl;
    m_gatewayToken = token;
}

void ModelsController::checkToolCalling(const QString &model)
{
    const Deployment *serving = nullptr;
    for (const Deployment &deployment : m_deployments) {
        if (deployment.provider == Provider::Ollama && sameModel(deployment.upstreamModel, model)) {
            serving = &deployment;
            break;
        }
    }
    if (!serving) {
        Q_EMIT toolCheckFinished(model, tr("No mapping uses %1: use it for Claude Code first, then check.").arg(model),
                                 false);
        return;
    }
    if (m_gatewayUrl.isEmpty()) {
        Q_EMIT toolCheckFinished(model, tr("The gateway is not running."), false);
        return;
    }
    const int context = serving->contextLength;
    QNetworkRequest request(QUrl(m_gatewayUrl + QStringLiteral("/v1/messages")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("x-api-key", m_gatewayToken.toUtf8());
    request.setRawHeader("anthropic-version", "2023-06-01");
    request.setTransferTimeout(300000); // a cold local model loads first
    const QJsonObject tool{
        {QStringLiteral("name"), QStringLiteral("get_weather")},
        {QStringLiteral("description"), QStringLiteral("The current weather in a city")},
        {QStringLiteral("input_schema"),
         QJsonObject{
             {QStringLiteral("type"), QStringLiteral("object")},
             {QStringLiteral("properties"),
              QJsonObject{{QStringLiteral("city"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}},
             {QStringLiteral("required"), QJsonArray{QStringLiteral("city")}}}},
    };
    const QJsonObject body{
        {QStringLiteral("model"), serving->id},
        {QStringLiteral("max_tokens"), 256},
        {QStringLiteral("tools"), QJsonArray{tool}},
        {QStringLiteral("messages"),
         QJsonArray{
             QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                         {QStringLiteral("content"),
                          QStringLiteral("What is the weather in Paris right now? Use the get_weather tool.")}}}},
    };
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply, model, context] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        const QString contextVerdict =
            context >= 32768
                ? tr("context %1 tokens: enough for Claude Code").arg(context)
                : tr("context %1 tokens: below 32K, Claude Code's prompt gets cut — raise num_ctx").arg(context);
        if (status != 200) {
            const QString why =
                answer.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
            Q_EMIT toolCheckFinished(model,
                                     status == 0 ? tr("No answer from the gateway: %1").arg(reply->errorString())
                                                 : tr("The request failed (HTTP %1): %2").arg(status).arg(why),
                                     false);
            return;
        }
        // A valid call: a tool_use block naming the tool, with the required string argument.
        QString text;
        for (const QJsonValue &value : answer.value(QLatin1String("content")).toArray()) {
            const QJsonObject block = value.toObject();
            if (block.value(QLatin1String("type")).toString() == QLatin1String("text"))
                text += block.value(QLatin1String("text")).toString();
            if (block.value(QLatin1String("type")).toString() != QLatin1String("tool_use"))
                continue;
            const QString name = block.value(QLatin1String("name")).toString();
            const QJsonValue city = block.value(QLatin1String("input")).toObject().value(QLatin1String("city"));
            if (name == QLatin1String("get_weather") && city.isString() && !city.toString().isEmpty()) {
                Q_EMIT toolCheckFinished(
                    model,
                    tr("Tool calling works: get_weather(city: \"%1\"); %2.").arg(city.toString(), contextVerdict),
                    context >= 32768);
                return;
            }
            Q_EMIT toolCheckFinished(
                model,
                tr("The model called a tool, but not validly (%1 with %2); %3.")
                    .arg(name,
                         QString::fromUtf8(QJsonDocument(block.value(QLatin1String("input")).toObject())
                                               .toJson(QJsonDocument::Compact)),
                         contextVerdict),
                false);
            return;
        }
        Q_EMIT toolCheckFinished(model,
                                 tr("No tool call: the model answered in text (“%1”). Claude Code cannot work with it; "
                                    "%2.")
                                     .arg(text.simplified().left(80), contextVerdict),
                                 false);
    });
}

} // namespace sb
