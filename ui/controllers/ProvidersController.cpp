#include "ProvidersController.h"

#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"
#include "config/ModelListEditor.h"
#include "config/YamlTextEdit.h"
#include "upstream/UpstreamAdapter.h"

#include <QFile>
#include <QFutureWatcher>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QtConcurrent>

#include <optional>

namespace sb {

namespace {

const QString kApiKeyField = QStringLiteral("litellm_params.api_key");

// The names people know the upstreams by, for the provider prefixes the loader serves.
QString displayName(const QString &prefix)
{
    static const QHash<QString, QString> names = {
        {QStringLiteral("anthropic"), QStringLiteral("Anthropic")},
        {QStringLiteral("openai"), QStringLiteral("OpenAI")},
        {QStringLiteral("deepseek"), QStringLiteral("DeepSeek")},
        {QStringLiteral("openrouter"), QStringLiteral("OpenRouter")},
        {QStringLiteral("groq"), QStringLiteral("Groq")},
        {QStringLiteral("together_ai"), QStringLiteral("Together AI")},
        {QStringLiteral("mistral"), QStringLiteral("Mistral")},
        {QStringLiteral("xai"), QStringLiteral("xAI")},
        {QStringLiteral("fireworks_ai"), QStringLiteral("Fireworks AI")},
        {QStringLiteral("perplexity"), QStringLiteral("Perplexity")},
        {QStringLiteral("gemini"), QStringLiteral("Google Gemini")},
        {QStringLiteral("azure"), QStringLiteral("Azure OpenAI")},
        {QStringLiteral("hosted_vllm"), QStringLiteral("vLLM")},
        {QStringLiteral("vllm"), QStringLiteral("vLLM")},
        {QStringLiteral("lm_studio"), QStringLiteral("LM Studio")},
        {QStringLiteral("llamafile"), QStringLiteral("llamafile")},
    };
    return names.value(prefix, prefix);
}

QString hostPort(const QUrl &url)
{
    QString host = url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return url.port() >= 0 ? host + QLatin1Char(':') + QString::number(url.port()) : host;
}

// The provider prefix a model_list item's `model` names, as the loader reads it (a bare
// claude-… is Anthropic, a bare gpt-/o1/o3/o4 OpenAI).
QString prefixOf(const QString &model, Provider provider)
{
    const qsizetype slash = model.indexOf(QLatin1Char('/'));
    if (slash > 0)
        return model.left(slash);
    return provider == Provider::Anthropic ? QStringLiteral("anthropic") : QStringLiteral("openai");
}

// The address a provider prefix uses when a deployment sets no api_base: asked of the loader
// itself (its defaults and LiteLLM's *_API_BASE variables), so nothing here re-declares them.
std::optional<QUrl> homeBase(const QString &prefix)
{
    static QMutex mutex;
    static QHash<QString, std::optional<QUrl>> cache;
    QMutexLocker lock(&mutex);
    if (const auto found = cache.constFind(prefix); found != cache.constEnd())
        return *found;
    const QByteArray probe =
        QStringLiteral("model_list:\n  - model_name: probe\n    litellm_params:\n      model: %1/probe\n")
            .arg(prefix)
            .toUtf8();
    const ConfigLoadResult loaded = ConfigLoader::loadText(probe, QStringLiteral("probe.yaml"));
    std::optional<QUrl> base;
    if (loaded.config.deployments.size() == 1)
        base = loaded.config.deployments.front().apiBase;
    cache.insert(prefix, base);
    return base;
}

KeySource sourceOf(const QString &written, const Deployment &deployment,
                   const std::function<bool(const QString &)> &inStore)
{
    KeySource source;
    const QString text = written.trimmed();
    if (text.isEmpty()) {
        // No api_key: the loader may have taken LiteLLM's variable for the provider.
        source.kind = deployment.apiKey.isEmpty() ? KeySource::Kind::None : KeySource::Kind::DefaultVariable;
        source.available = !deployment.apiKey.isEmpty();
        return source;
    }
    if (text.startsWith(QStringLiteral("keychain/"))) {
        source.kind = KeySource::Kind::Keychain;
        source.name = text.mid(9);
        source.available = inStore(source.name);
        return source;
    }
    if (text.startsWith(QStringLiteral("os.environ/"))) {
        source.kind = KeySource::Kind::Environment;
        source.name = text.mid(11);
        source.available = qEnvironmentVariableIsSet(source.name.toLocal8Bit().constData());
        return source;
    }
    static const QRegularExpression reference(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    if (const QRegularExpressionMatch match = reference.match(text); match.hasMatch()) {
        source.kind = KeySource::Kind::Environment;
        source.name = match.captured(1);
        source.available = qEnvironmentVariableIsSet(source.name.toLocal8Bit().constData());
        return source;
    }
    source.kind = KeySource::Kind::PlainText;
    source.name = ProvidersController::maskKey(text);
    source.available = true;
    return source;
}

} // namespace

int ProviderEntry::deploymentsToPoint() const
{
    int count = 0;
    for (const ProviderDeployment &deployment : deployments) {
        if (!(deployment.source.kind == KeySource::Kind::Keychain && deployment.source.name == secretName))
            ++count;
    }
    return count;
}

// What one worker read: the rows, and where the store keeps them.
struct ProvidersSnapshot
{
    int generation = 0;
    QList<ProviderEntry> providers;
    bool usingFile = false;
    QString file;
    QString configProblem;
};

namespace {

// Everything the page shows, read on a worker thread: the config's text for the key each
// deployment names, and the store for which secrets exist. The keys read stay in here; only
// their masked forms leave.
ProvidersSnapshot readSnapshot(const ProvidersSetup &setup, int generation)
{
    ProvidersSnapshot snapshot;
    snapshot.generation = generation;
    SecretStore store(setup.secretsDir, setup.backend);
    QHash<QString, std::optional<QString>> secrets;
    const auto secret = [&](const QString &name) -> const std::optional<QString> & {
        auto found = secrets.find(name);
        if (found == secrets.end())
            found = secrets.insert(name, store.read(name));
        return *found;
    };

    QList<MappingRow> rows;
    if (QFile file(setup.configPath); file.open(QIODevice::ReadOnly)) {
        const auto read = ModelListEditor::read(file.readAll());
        if (read)
            rows = *read;
        else
            snapshot.configProblem = read.error();
    } else if (!setup.configPath.isEmpty()) {
        snapshot.configProblem = QStringLiteral("cannot read %1: %2").arg(setup.configPath, file.errorString());
    }

    QList<ProviderEntry> &providers = snapshot.providers;
    const auto entryFor = [&](const QString &prefix, const QUrl &base, Provider kind) -> ProviderEntry & {
        const std::optional<QUrl> home = homeBase(prefix);
        const bool atHome = home && hostPort(*home) == hostPort(base);
        const QString name = atHome ? prefix : prefix + QLatin1Char('@') + hostPort(base);
        for (ProviderEntry &entry : providers) {
            if (entry.name == name)
                return entry;
        }
        ProviderEntry entry;
        entry.name = name;
        entry.label =
            atHome ? displayName(prefix) : QStringLiteral("%1 at %2").arg(displayName(prefix), hostPort(base));
        entry.secretName = ProvidersController::secretNameFor(name);
        entry.kind = kind;
        entry.apiBase = base;
        providers.append(entry);
        return providers.last();
    };
    // Anthropic and OpenAI are always offered, first: the two keys most people come with.
    entryFor(QStringLiteral("anthropic"), homeBase(QStringLiteral("anthropic")).value_or(QUrl()), Provider::Anthropic);
    entryFor(QStringLiteral("openai"), homeBase(QStringLiteral("openai")).value_or(QUrl()), Provider::OpenAiCompatible);

    // The loaded deployments are model_list in order, less the items the loader skipped; pair
    // them with the file's items by what they name (the loader keeps no item index).
    const std::vector<Deployment> &deployments = setup.config.deployments;
    std::size_t next = 0;
    for (int index = 0; index < rows.size() && next < deployments.size(); ++index) {
        const MappingRow &row = rows.at(index);
        const Deployment &deployment = deployments[next];
        if (row.value(QStringLiteral("model_name")).toString() != deployment.modelName ||
            row.value(QStringLiteral("litellm_params.model")).toString() != deployment.model)
            continue;
        ++next;
        if (deployment.provider == Provider::Ollama)
            continue; // Ollama takes no key
        ProviderEntry &entry =
            entryFor(prefixOf(deployment.model, deployment.provider), deployment.apiBase, deployment.provider);
        if (entry.azureApiVersion.isEmpty())
            entry.azureApiVersion = deployment.azureApiVersion;
        ProviderDeployment used;
        used.index = row.source >= 0 ? row.source : index;
        used.id = deployment.id;
        used.modelName = deployment.modelName;
        used.source = sourceOf(row.value(kApiKeyField).toString(), deployment,
                               [&](const QString &name) { return secret(name).has_value(); });
        entry.deployments.append(used);
    }

    for (ProviderEntry &entry : providers) {
        const std::optional<QString> &key = secret(entry.secretName);
        entry.keyKnown = true;
        entry.hasKey = key && !key->isEmpty();
        entry.maskedKey = entry.hasKey ? ProvidersController::maskKey(*key) : QString();
    }
    snapshot.usingFile = store.usingFileFallback();
    snapshot.file = store.fallbackFilePath();
    return snapshot;
}

} // namespace

ProvidersController::ProvidersController(const ProvidersSetup &setup, QObject *parent)
    : QObject(parent), m_setup(setup), m_network(new QNetworkAccessManager(this))
{
    // The rows appear once a worker has read the config and asked the store.
    refresh();
}

ProvidersController::~ProvidersController() = default;

QString ProvidersController::maskKey(const QString &key)
{
    const QString ellipsis = QStringLiteral("…");
    if (key.size() < 12)
        return ellipsis;
    // The provider's own marker ("sk-ant-", "sk-proj-", "gsk_") says which key it is.
    static const QRegularExpression marker(QStringLiteral("^(?:[A-Za-z]+[-_])+"));
    QString start = marker.match(key).captured(0);
    const int tail = 4;
    if (start.size() + tail > key.size() / 3)
        start.clear();
    return start + ellipsis + key.right(tail);
}

QString ProvidersController::secretNameFor(const QString &provider)
{
    return QStringLiteral("provider-key/") + provider;
}

int ProvidersController::indexOf(const QString &provider) const
{
    for (int i = 0; i < m_providers.size(); ++i) {
        if (m_providers.at(i).name == provider)
            return i;
    }
    return -1;
}

bool ProvidersController::anyPlainTextKey() const
{
    for (const ProviderEntry &entry : m_providers) {
        for (const ProviderDeployment &deployment : entry.deployments) {
            if (deployment.source.kind == KeySource::Kind::PlainText)
                return true;
        }
    }
    return false;
}

void ProvidersController::setConfig(const GatewayConfig &config)
{
    m_setup.config = config;
    refresh();
}

void ProvidersController::refresh()
{
    const int generation = ++m_refreshGeneration;
    auto *watcher = new QFutureWatcher<ProvidersSnapshot>(this);
    connect(watcher, &QFutureWatcher<ProvidersSnapshot>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const ProvidersSnapshot snapshot = watcher->result();
        if (snapshot.generation == m_refreshGeneration) // a later refresh is under way: it wins
            applySnapshot(snapshot);
    });
    // SecretStore blocks on the keyring and the config is on disk: never on the GUI thread.
    watcher->setFuture(QtConcurrent::run([setup = m_setup, generation] { return readSnapshot(setup, generation); }));
}

void ProvidersController::applySnapshot(const ProvidersSnapshot &snapshot)
{
    QList<ProviderEntry> providers = snapshot.providers;
    // What the user last did to a provider stays said until the next action.
    for (ProviderEntry &entry : providers) {
        const int old = indexOf(entry.name);
        if (old >= 0) {
            entry.status = m_providers.at(old).status;
            entry.statusOk = m_providers.at(old).statusOk;
            entry.busy = m_providers.at(old).busy;
        }
    }
    m_providers = providers;
    m_storageKnown = true;
    m_usingFile = snapshot.usingFile;
    m_storageFile = snapshot.file;
    m_configProblem = snapshot.configProblem;
    Q_EMIT changed();
}

void ProvidersController::setStatus(const QString &provider, const QString &text, bool ok, bool busy)
{
    const int row = indexOf(provider);
    if (row < 0)
        return;
    ProviderEntry &entry = m_providers[row];
    entry.status = text;
    entry.statusOk = ok;
    entry.busy = busy;
    Q_EMIT providerChanged(row);
}

void ProvidersController::setKey(const QString &provider, const QString &key)
{
    const int row = indexOf(provider);
    const QString value = key.trimmed();
    if (row < 0 || value.isEmpty())
        return;
    if (value.startsWith(QStringLiteral("keychain/")) || value.startsWith(QStringLiteral("os.environ/"))) {
        setStatus(provider, tr("That is a reference, not a key: paste the key itself."), false, false);
        return;
    }
    const QString name = m_providers.at(row).secretName;
    setStatus(provider, tr("Saving the key…"), true, true);
    auto *watcher = new QFutureWatcher<bool>(this);
    connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, provider] {
        watcher->deleteLater();
        const bool ok = watcher->result();
        setStatus(provider, ok ? tr("Key saved.") : tr("The key could not be saved in the secret store."), ok, false);
        if (!ok)
            return;
        Q_EMIT secretsChanged();
        // Offer the reference once the rows say which deployments still lack it.
        auto *once = new QObject(this);
        connect(this, &ProvidersController::changed, once, [this, once, provider] {
            once->deleteLater();
            const int at = indexOf(provider);
            const int offer = at >= 0 ? m_providers.at(at).deploymentsToPoint() : 0;
            if (offer > 0)
                setStatus(provider,
                          tr("Key saved. %n deployment(s) of this provider do not use it yet: \"Use for "
                             "deployments\" points them at it.",
                             nullptr, offer),
                          true, false);
            Q_EMIT keySaved(provider, offer);
        });
        refresh();
    });
    watcher->setFuture(QtConcurrent::run([dir = m_setup.secretsDir, backend = m_setup.backend, name, value] {
        SecretStore store(dir, backend);
        return store.write(name, value);
    }));
}

void ProvidersController::removeKey(const QString &provider)
{
    const int row = indexOf(provider);
    if (row < 0)
        return;
    const QString name = m_providers.at(row).secretName;
    setStatus(provider, tr("Removing the key…"), true, true);
    auto *watcher = new QFutureWatcher<bool>(this);
    connect(watcher, &QFutureWatcher<bool>::finished, this, [this, watcher, provider] {
        watcher->deleteLater();
        const bool ok = watcher->result();
        setStatus(provider, ok ? tr("Key removed.") : tr("The key could not be removed from the secret store."), ok,
                  false);
        if (ok)
            Q_EMIT secretsChanged();
        refresh();
    });
    watcher->setFuture(QtConcurrent::run([dir = m_setup.secretsDir, backend = m_setup.backend, name] {
        SecretStore store(dir, backend);
        return store.remove(name);
    }));
}

void ProvidersController::test(const QString &provider)
{
    const int row = indexOf(provider);
    if (row < 0 || m_providers.at(row).busy)
        return;
    const QString name = m_providers.at(row).secretName;
    setStatus(provider, tr("Testing…"), true, true);
    using Read = Expected<QString, QString>;
    auto *watcher = new QFutureWatcher<Read>(this);
    connect(watcher, &QFutureWatcher<Read>::finished, this, [this, watcher, provider] {
        watcher->deleteLater();
        finishTest(provider, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([dir = m_setup.secretsDir, backend = m_setup.backend, name]() -> Read {
        SecretStore store(dir, backend);
        const std::optional<QString> key = store.read(name);
        if (!key || key->isEmpty())
            return unexpected(QStringLiteral("no key is stored for it"));
        return *key;
    }));
}

void ProvidersController::finishTest(const QString &provider, const Expected<QString, QString> &key)
{
    const int row = indexOf(provider);
    if (row < 0)
        return;
    if (!key) {
        setStatus(provider, tr("Not tested: %1.").arg(key.error()), false, false);
        return;
    }
    const ProviderEntry &entry = m_providers.at(row);
    // The URLs and headers the adapters use for chat, with the models list in place of it.
    QString base = entry.apiBase.toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QNetworkRequest request;
    if (entry.kind == Provider::Anthropic) {
        // limit: Anthropic pages the list by 20 otherwise.
        request.setUrl(QUrl(base + QStringLiteral("/v1/models?limit=1000")));
        request.setRawHeader("x-api-key", key->toUtf8());
        request.setRawHeader("anthropic-version", "2023-06-01");
    } else if (!entry.azureApiVersion.isEmpty()) {
        request.setUrl(QUrl(base + QStringLiteral("/openai/models?api-version=") + entry.azureApiVersion));
        request.setRawHeader("api-key", key->toUtf8());
    } else {
        request.setUrl(QUrl(base + QStringLiteral("/models")));
        request.setRawHeader("Authorization", "Bearer " + key->toUtf8());
    }
    request.setTransferTimeout(m_setup.testTimeoutMs);
    const Provider kind = entry.kind;
    const QString where = hostPort(entry.apiBase);
    const int timeoutSeconds = qMax(1, m_setup.testTimeoutMs / 1000);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, provider, kind, where, timeoutSeconds] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 200) {
            const QJsonArray models = QJsonDocument::fromJson(body).object().value(QStringLiteral("data")).toArray();
            setStatus(provider, tr("Works: %n model(s).", nullptr, int(models.size())), true, false);
            return;
        }
        if (status > 0) {
            const QString said = UpstreamAdapter::of(kind).decodeError(status, body).message;
            QString text;
            if (status == 401)
                text = tr("The key was refused (HTTP 401): %1").arg(said);
            else if (status == 403)
                text = tr("The key may not list models (HTTP 403): %1").arg(said);
            else
                text = tr("HTTP %1: %2").arg(status).arg(said);
            setStatus(provider, text, false, false);
            return;
        }
        QString text;
        switch (reply->error()) {
        case QNetworkReply::ConnectionRefusedError:
            text = tr("Nothing answers at %1 (connection refused).").arg(where);
            break;
        case QNetworkReply::HostNotFoundError: text = tr("%1 was not found (DNS).").arg(where); break;
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            text = tr("%1 did not answer within %2 s.").arg(where).arg(timeoutSeconds);
            break;
        default: text = tr("Could not reach %1: %2").arg(where, reply->errorString()); break;
        }
        setStatus(provider, text, false, false);
    });
}

void ProvidersController::useForDeployments(const QString &provider)
{
    const int row = indexOf(provider);
    if (row < 0)
        return;
    const ProviderEntry &entry = m_providers.at(row);
    QList<int> indexes;
    bool replacesPlainKey = false;
    for (const ProviderDeployment &deployment : entry.deployments) {
        if (!(deployment.source.kind == KeySource::Kind::Keychain && deployment.source.name == entry.secretName)) {
            indexes.append(deployment.index);
            replacesPlainKey = replacesPlainKey || deployment.source.kind == KeySource::Kind::PlainText;
        }
    }
    if (indexes.isEmpty() || !entry.hasKey)
        return;
    const QString reference = QStringLiteral("keychain/") + entry.secretName;
    setStatus(provider, tr("Writing the config…"), true, true);
    using Outcome = QPair<int, QString>; // deployments written, the refusal
    auto *watcher = new QFutureWatcher<Outcome>(this);
    const QString backup = m_setup.configPath + QStringLiteral(".bak");
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, provider, replacesPlainKey, backup] {
        watcher->deleteLater();
        const auto [count, error] = watcher->result();
        if (error.isEmpty() && replacesPlainKey)
            // The backup is the file as it was, plain key included: say so rather than leave
            // the key behind unnoticed.
            setStatus(provider,
                      tr("%n deployment(s) now use the stored key; the gateway reloads the config. The "
                         "previous file, kept as %1, still holds the key in plain text: delete it once "
                         "the gateway works.",
                         nullptr, count)
                          .arg(backup),
                      true, false);
        else if (error.isEmpty())
            setStatus(provider,
                      tr("%n deployment(s) now use the stored key; the gateway reloads the config.", nullptr, count),
                      true, false);
        else
            setStatus(provider, tr("The config was not changed: %1").arg(error), false, false);
        Q_EMIT deploymentsPointed(provider, count, error);
        refresh();
    });
    // One read, every reference edited in the text, one atomic write: the file is never left
    // half pointed, and <config>.bak is the file as it was before. Disk work, so off the GUI
    // thread. Only the reference is written, never the key.
    watcher->setFuture(QtConcurrent::run([path = m_setup.configPath, indexes, reference]() -> Outcome {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {0, tr("cannot read %1: %2").arg(path, file.errorString())};
        const QByteArray before = file.readAll();
        file.close();
        QByteArray text = before;
        for (const int index : indexes) {
            const auto edited =
                YamlTextEdit::setScalar(text, QStringLiteral("model_list[%1].").arg(index) + kApiKeyField, reference);
            if (!edited)
                return {0, edited.error()};
            text = *edited;
        }
        if (const auto committed = ConfigEditor::commitText(path, text, before); !committed)
            return {0, committed.error()};
        return {int(indexes.size()), QString()};
    }));
}

} // namespace sb
