#include "MappingsController.h"

#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"
#include "config/YamlTextEdit.h"
#include "routing/Router.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QtConcurrent>

#include <memory>

namespace sb {

namespace {

struct Read
{
    QByteArray text;
    QString error;
    QString strategy; // router_settings.routing_strategy as the loader reads it
};

const QString kStrategyKey = QStringLiteral("router_settings.routing_strategy");

Read readConfig(const QString &path)
{
    Read read;
    QFile file(path);
    if (!file.exists()) {
        read.text = ConfigLoader::defaultConfigText();
    } else if (!file.open(QIODevice::ReadOnly)) {
        read.error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return read;
    } else {
        read.text = file.readAll();
    }
    read.strategy = ConfigLoader::loadText(read.text, path).config.router.routingStrategy;
    return read;
}

// The text of an Anthropic error body ({"type":"error","error":{"message":…}}), else the body.
QString errorText(const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    const QString message = error.value(QLatin1String("message")).toString();
    return message.isEmpty() ? QString::fromUtf8(body.left(300)).trimmed() : message;
}

} // namespace

MappingsController::MappingsController(const QString &configPath, QObject *parent)
    : QObject(parent), m_configPath(configPath), m_network(new QNetworkAccessManager(this))
{}

void MappingsController::load()
{
    auto *watcher = new QFutureWatcher<Read>(this);
    connect(watcher, &QFutureWatcher<Read>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Read read = watcher->result();
        if (!read.error.isEmpty()) {
            Q_EMIT loadFailed(read.error);
            return;
        }
        const auto rows = ModelListEditor::read(read.text);
        if (!rows) {
            Q_EMIT loadFailed(rows.error());
            return;
        }
        m_base = read.text;
        m_baseStrategy = read.strategy;
        m_haveBase = true;
        Q_EMIT loaded(*rows);
    });
    watcher->setFuture(QtConcurrent::run(readConfig, m_configPath));
}

Expected<QByteArray, QString> MappingsController::editedText(const QList<MappingRow> &rows,
                                                             const QString &strategy) const
{
    const auto edited = ModelListEditor::write(m_base, rows);
    if (!edited || strategy.isEmpty() || strategy == m_baseStrategy)
        return edited;
    // Only a changed strategy is written: an unchanged one stays as the file has it (or absent).
    return YamlTextEdit::setScalar(*edited, kStrategyKey, strategy);
}

void MappingsController::apply(const QList<MappingRow> &rows, const QString &strategy)
{
    if (!m_haveBase) {
        Q_EMIT applyFailed(tr("The config has not been read yet."));
        return;
    }
    // The text edit is refused here, before any file is touched, when it cannot be made.
    const auto edited = editedText(rows, strategy);
    if (!edited) {
        Q_EMIT applyFailed(edited.error());
        return;
    }
    const QString path = m_configPath;
    const QByteArray base = m_base;
    const QByteArray text = *edited;
    using Outcome = QString; // empty: written
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, text, strategy] {
        watcher->deleteLater();
        const QString error = watcher->result();
        if (!error.isEmpty()) {
            Q_EMIT applyFailed(error);
            return;
        }
        m_base = text;
        if (!strategy.isEmpty())
            m_baseStrategy = strategy;
        Q_EMIT applied();
    });
    watcher->setFuture(QtConcurrent::run([path, base, text] {
        // A missing file is the first-run config the rows were read from.
        const bool exists = QFile::exists(path);
        const auto written =
            ConfigEditor::commitText(path, text, exists ? std::optional<QByteArray>(base) : std::nullopt);
        return written ? QString() : written.error();
    }));
}

MappingResolution MappingsController::resolve(const QList<MappingRow> &rows, const QString &model,
                                              const QString &strategy) const
{
    MappingResolution result;
    const auto edited = editedText(rows, strategy);
    if (!edited) {
        result.error = edited.error();
        return result;
    }
    const ConfigLoadResult loaded = ConfigLoader::loadText(*edited, m_configPath);
    if (!loaded.ok()) {
        for (const ConfigIssue &issue : loaded.issues) {
            if (issue.severity == ConfigIssue::Severity::Error) {
                result.error = tr("The edited mappings would not load: %1").arg(issue.toString());
                return result;
            }
        }
    }
    Router router(loaded.config);
    RouteRequest request;
    request.model = model;
    const std::optional<RoutePlan> plan = router.plan(request);
    if (!plan) {
        result.error = tr("No mapping serves %1: the gateway answers 404 for it.").arg(model);
        return result;
    }
    result.group = plan->group;
    result.rule = plan->rule;
    result.fallbacks = plan->fallbackGroups;
    QStringList tried;
    for (;;) {
        const PickResult pick = router.pick(plan->group, request, tried);
        if (!pick.deployment)
            break;
        tried.append(pick.deployment->id);
        result.deployments.append(pick.deployment->id);
    }
    return result;
}

void MappingsController::setGateway(const QString &baseUrl, const QString &token)
{
    m_baseUrl = baseUrl;
    m_token = token;
}

QString MappingsController::servingId(const MappingRow &row) const
{
    const QString id = row.value(QStringLiteral("model_info.id")).toString();
    for (const Deployment &deployment : m_serving.deployments) {
        if (!id.isEmpty()) {
            if (deployment.id == id)
                return id;
            continue;
        }
        const QString base = row.value(QStringLiteral("litellm_params.api_base")).toString();
        if (deployment.modelName == row.value(QStringLiteral("model_name")).toString() &&
            deployment.model == row.value(QStringLiteral("litellm_params.model")).toString() &&
            (base.isEmpty() ||
             QUrl(base).adjusted(QUrl::StripTrailingSlash) == deployment.apiBase.adjusted(QUrl::StripTrailingSlash)))
            return deployment.id;
    }
    return {};
}

void MappingsController::test(int index, const MappingRow &row)
{
    if (m_baseUrl.isEmpty()) {
        Q_EMIT testFinished(index, tr("The gateway is not running."), true);
        return;
    }
    const QString id = servingId(row);
    if (id.isEmpty() || row.source < 0) {
        Q_EMIT testFinished(index, tr("Not serving yet: Apply first, then test."), true);
        return;
    }
    QNetworkRequest request(QUrl(m_baseUrl + QStringLiteral("/v1/messages")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("x-api-key", m_token.toUtf8());
    request.setRawHeader("anthropic-version", "2023-06-01");
    request.setTransferTimeout(120000);
    const QJsonObject body{
        {QStringLiteral("model"), id},
        {QStringLiteral("max_tokens"), 48},
        {QStringLiteral("stream"), true},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), QStringLiteral("Reply with one short sentence.")}}}},
    };
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto firstToken = std::make_shared<qint64>(-1);
    auto received = std::make_shared<QByteArray>();
    connect(reply, &QNetworkReply::readyRead, this, [reply, clock, firstToken, received] {
        received->append(reply->readAll());
        if (*firstToken < 0 && received->contains("content_block_delta"))
            *firstToken = clock->elapsed();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, index, clock, firstToken, received] {
        reply->deleteLater();
        received->append(reply->readAll());
        const qint64 totalMs = clock->elapsed();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            Q_EMIT testFinished(index, tr("No answer from the gateway: %1").arg(reply->errorString()), true);
            return;
        }
        if (status != 200) {
            Q_EMIT testFinished(index, tr("HTTP %1: %2").arg(status).arg(errorText(*received)), true);
            return;
        }
        // The stream's text deltas, or its error event.
        QString text;
        QString streamError;
        for (const QByteArray &line : received->split('\n')) {
            if (!line.startsWith("data:"))
                continue;
            const QJsonObject event = QJsonDocument::fromJson(line.mid(5).trimmed()).object();
            const QString type = event.value(QLatin1String("type")).toString();
            if (type == QLatin1String("content_block_delta"))
                text += event.value(QLatin1String("delta")).toObject().value(QLatin1String("text")).toString();
            else if (type == QLatin1String("error"))
                streamError = event.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
        }
        if (!streamError.isEmpty()) {
            Q_EMIT testFinished(index, tr("Failed during the answer: %1").arg(streamError), true);
            return;
        }
        const QString first = *firstToken >= 0 ? tr("%1 ms to the first token, ").arg(*firstToken) : QString();
        Q_EMIT testFinished(
            index, tr("OK — %1%2 ms in all: “%3”").arg(first).arg(totalMs).arg(text.simplified().left(80)), false);
    });
}

Expected<QByteArray, QString> MappingsController::withClaudeCodeModel(const QByteArray &yaml, const QString &fileName,
                                                                      const QString &model, const QString &ollamaBase,
                                                                      bool small)
{
    auto rows = ModelListEditor::read(yaml);
    if (!rows)
        return unexpected(rows.error());
    const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, fileName);
    if (!loaded.ok())
        return unexpected(tr("The config has errors; fix them first (see the Overview page)."));
    Router router(loaded.config);
    RouteRequest request;
    request.model = small ? QStringLiteral("claude-haiku-4-5") : QStringLiteral("claude-sonnet-4-5");
    const std::optional<RoutePlan> plan = router.plan(request);
    const QString pattern = small ? QStringLiteral("claude-*haiku*") : QStringLiteral("claude-*");
    // The small model only takes over a mapping of its own: one serving every claude-* name
    // would change the main model too.
    const bool ownGroup = plan && plan->rule.isEmpty() && plan->group.contains(QLatin1String("haiku")) == small;
    int target = -1;
    if (ownGroup) {
        QList<int> members;
        for (int i = 0; i < rows->size(); ++i) {
            if (rows->at(i).value(QStringLiteral("model_name")).toString() == plan->group)
                members.append(i);
        }
        if (members.size() > 1)
            return unexpected(tr("%1 deployments share the mapping %2; choose which one changes on the Mappings page.")
                                  .arg(members.size())
                                  .arg(plan->group));
        target = members.value(0, -1);
    }
    const QString full = QStringLiteral("ollama/") + model;
    if (target < 0) {
        MappingRow row;
        row.values.insert(QStringLiteral("model_name"), pattern);
        rows->append(row);
        target = int(rows->size()) - 1;
    }
    MappingRow &row = (*rows)[target];
    row.values.insert(QStringLiteral("litellm_params.model"), full);
    row.values.insert(QStringLiteral("litellm_params.api_base"), ollamaBase);
    // Ollama's own default context (4096) cuts Claude Code's prompt.
    if (row.value(QStringLiteral("litellm_params.num_ctx")).toLongLong() < 32768)
        row.values.insert(QStringLiteral("litellm_params.num_ctx"), 32768);
    return ModelListEditor::write(yaml, *rows);
}

QList<MappingsController::Probe> MappingsController::usualProbes()
{
    return {
        {QStringLiteral("Ollama"), QStringLiteral("ollama"), QStringLiteral("http://127.0.0.1:11434"), true},
        {QStringLiteral("LM Studio"), QStringLiteral("lm_studio"), QStringLiteral("http://127.0.0.1:1234/v1"), false},
        {QStringLiteral("llama.cpp server"), QStringLiteral("hosted_vllm"), QStringLiteral("http://127.0.0.1:8080/v1"),
         false},
        {QStringLiteral("vLLM"), QStringLiteral("hosted_vllm"), QStringLiteral("http://127.0.0.1:8000/v1"), false},
    };
}

void MappingsController::detectLocalServers()
{
    struct Pending
    {
        int left = 0;
        QList<LocalServer> found;
        QList<QString> order;
    };
    auto pending = std::make_shared<Pending>();
    pending->left = int(m_probes.size());
    if (m_probes.isEmpty()) {
        Q_EMIT detected({});
        return;
    }
    for (const Probe &probe : m_probes) {
        pending->order.append(probe.apiBase);
        QNetworkRequest request(
            QUrl(probe.apiBase + (probe.ollama ? QStringLiteral("/api/tags") : QStringLiteral("/models"))));
        request.setTransferTimeout(3000); // loopback: a server that is there answers at once
        QNetworkReply *reply = m_network->get(request);
        connect(reply, &QNetworkReply::finished, this, [this, reply, probe, pending] {
            reply->deleteLater();
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            if (reply->error() == QNetworkReply::NoError) {
                LocalServer server{probe.kind, probe.provider, probe.apiBase, {}};
                const QJsonArray list =
                    body.value(probe.ollama ? QLatin1String("models") : QLatin1String("data")).toArray();
                for (const QJsonValue &model : list)
                    server.models.append(
                        model.toObject().value(probe.ollama ? QLatin1String("name") : QLatin1String("id")).toString());
                server.models.removeAll(QString());
                pending->found.append(server);
            }
            if (--pending->left == 0) {
                // In the order asked, whatever order they answered in.
                std::sort(pending->found.begin(), pending->found.end(),
                          [pending](const LocalServer &a, const LocalServer &b) {
                              return pending->order.indexOf(a.apiBase) < pending->order.indexOf(b.apiBase);
                          });
                Q_EMIT detected(pending->found);
            }
        });
    }
}

} // namespace sb
