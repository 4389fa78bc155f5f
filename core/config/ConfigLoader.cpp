#include "ConfigLoader.h"

#include "ConfigSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <utility>

namespace sb {

namespace {

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

QStringList stringList(const YAML::Node &node)
{
    QStringList list;
    if (!node || node.IsNull())
        return list;
    if (node.IsScalar()) {
        list.append(QString::fromStdString(node.Scalar()));
        return list;
    }
    if (node.IsSequence()) {
        for (const auto &item : node) {
            if (item.IsScalar())
                list.append(QString::fromStdString(item.Scalar()));
        }
    }
    return list;
}

int lineOf(const YAML::Node &node)
{
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
}

// Walks the YAML tree once, checking each key against the schema, then extracts values.
class Loader
{
public:
    Loader(const QString &fileName, const SecretResolver &secrets, ConfigLoadResult &result)
        : m_file(fileName), m_secrets(secrets), m_result(result)
    {}

    void load(const YAML::Node &root);

private:
    void issue(ConfigIssue::Severity severity, const YAML::Node &node, const QString &key, const QString &message)
    {
        m_result.issues.append({severity, m_file, lineOf(node), key, message});
    }
    void warn(const YAML::Node &node, const QString &key, const QString &message)
    {
        issue(ConfigIssue::Severity::Warning, node, key, message);
    }
    void error(const YAML::Node &node, const QString &key, const QString &message)
    {
        issue(ConfigIssue::Severity::Error, node, key, message);
    }

    void validate(const YAML::Node &node, const QString &schemaPath, const QString &shownPath);
    bool typeMatches(const YAML::Node &node, ConfigSchema::Type type) const;

    std::optional<QString> resolveString(const YAML::Node &node, const QString &key);
    std::optional<qint64> resolveInt(const YAML::Node &node, const QString &key);
    std::optional<double> resolveNumber(const YAML::Node &node, const QString &key);

    void loadDeployment(const YAML::Node &item, int index);
    void loadAliases(const YAML::Node &aliases);
    void loadRouterSettings(const YAML::Node &root);
    void loadFallbacks(const YAML::Node &node, const QString &key, QHash<QString, QStringList> &target);
    QStringList loadGroupList(const YAML::Node &node, const QString &key);
    void loadRoutes(const YAML::Node &routes);
    bool isGroup(const QString &name) const;

    // Values read through the schema: `key` is the shown path ("model_list[2].litellm_params.rpm"),
    // the schema's type and bounds apply, and every fallback or clamp is reported.
    std::optional<double> number(const YAML::Node &node, const QString &key);
    std::optional<qint64> integer(const YAML::Node &node, const QString &key);
    std::optional<bool> boolean(const YAML::Node &node, const QString &key);
    std::optional<double> bounded(const YAML::Node &node, const QString &key, double value);

    QString m_file;
    const SecretResolver &m_secrets;
    ConfigLoadResult &m_result;
};

bool Loader::typeMatches(const YAML::Node &node, ConfigSchema::Type type) const
{
    using T = ConfigSchema::Type;
    if (node.IsNull())
        return true; // an empty value means "not set"
    switch (type) {
    case T::Any: return true;
    case T::Map: return node.IsMap();
    case T::List: return node.IsSequence();
    case T::StringMap:
        if (!node.IsMap())
            return false;
        for (const auto &entry : node) {
            if (!entry.second.IsScalar())
                return false;
        }
        return true;
    case T::StringList:
        if (node.IsScalar())
            return true; // one string where a list is expected: LiteLLM accepts it
        if (!node.IsSequence())
            return false;
        for (const auto &entry : node) {
            if (!entry.IsScalar())
                return false;
        }
        return true;
    case T::String: return node.IsScalar();
    case T::Bool: {
        if (!node.IsScalar())
            return false;
        bool value = false;
        return YAML::convert<bool>::decode(node, value);
    }
    case T::Int:
    case T::Number: {
        if (!node.IsScalar())
            return false;
        const QString text = qs(node.Scalar());
        if (text.contains(QStringLiteral("${")) || text.startsWith(QStringLiteral("os.environ/")))
            return true; // checked after resolution
        bool ok = false;
        if (type == T::Int)
            text.toLongLong(&ok);
        else
            text.toDouble(&ok);
        return ok;
    }
    }
    return false;
}

void Loader::validate(const YAML::Node &node, const QString &schemaPath, const QString &shownPath)
{
    const ConfigSchema::Key *key = ConfigSchema::find(schemaPath);
    if (!key) {
        warn(node, shownPath, QStringLiteral("unknown key, ignored"));
        return;
    }
    if (!typeMatches(node, key->type)) {
        error(node, shownPath, QStringLiteral("expected %1").arg(ConfigSchema::typeName(key->type)));
        return;
    }
    if (key->status != ConfigSchema::Status::Active && !node.IsNull())
        warn(node, shownPath, QString::fromUtf8(key->note));

    if (key->type == ConfigSchema::Type::Map && node.IsMap()) {
        for (const auto &entry : node) {
            const QString name = qs(entry.first.as<std::string>(""));
            validate(entry.second, schemaPath + QLatin1Char('.') + name, shownPath + QLatin1Char('.') + name);
        }
    } else if (key->type == ConfigSchema::Type::List && node.IsSequence() &&
               ConfigSchema::find(schemaPath + QStringLiteral("[]"))) {
        int index = 0;
        for (const auto &item : node) {
            validate(item, schemaPath + QStringLiteral("[]"),
                     shownPath + QLatin1Char('[') + QString::number(index) + QLatin1Char(']'));
            ++index;
        }
    }
}

std::optional<QString> Loader::resolveString(const YAML::Node &node, const QString &key)
{
    if (!node || node.IsNull() || !node.IsScalar())
        return std::nullopt;
    QString value = qs(node.Scalar());
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (value.startsWith(QStringLiteral("os.environ/"))) {
        const QString name = value.mid(11);
        if (!env.contains(name)) {
            warn(node, key, QStringLiteral("environment variable %1 is not set").arg(name));
            return std::nullopt;
        }
        return env.value(name);
    }
    if (value.startsWith(QStringLiteral("keychain/"))) {
        const QString name = value.mid(9);
        std::optional<QString> secret = m_secrets ? m_secrets(name) : std::nullopt;
        if (!secret)
            warn(node, key, QStringLiteral("secret %1 is not in the secret store").arg(name));
        return secret;
    }
    static const QRegularExpression reference(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    if (!value.contains(QStringLiteral("${")))
        return value;
    QString resolved;
    qsizetype last = 0;
    bool missing = false;
    for (auto it = reference.globalMatch(value); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        resolved += value.mid(last, match.capturedStart() - last);
        const QString name = match.captured(1);
        if (!env.contains(name)) {
            warn(node, key, QStringLiteral("environment variable %1 is not set").arg(name));
            missing = true;
        }
        resolved += env.value(name);
        last = match.capturedEnd();
    }
    resolved += value.mid(last);
    if (missing && resolved.isEmpty())
        return std::nullopt;
    return resolved;
}

std::optional<qint64> Loader::resolveInt(const YAML::Node &node, const QString &key)
{
    const std::optional<QString> text = resolveString(node, key);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const qint64 value = text->toLongLong(&ok);
    if (!ok) {
        error(node, key, QStringLiteral("expected an integer, got \"%1\"").arg(*text));
        return std::nullopt;
    }
    return value;
}

std::optional<double> Loader::resolveNumber(const YAML::Node &node, const QString &key)
{
    const std::optional<QString> text = resolveString(node, key);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const double value = text->toDouble(&ok);
    if (!ok || !std::isfinite(value)) {
        error(node, key, QStringLiteral("expected a number, got \"%1\"").arg(*text));
        return std::nullopt;
    }
    return value;
}

struct ProviderPrefix
{
    const char *prefix;
    Provider provider;
    const char *defaultBase; // empty: api_base is required
};

constexpr ProviderPrefix kProviders[] = {
    {"ollama", Provider::Ollama, "http://localhost:11434"},
    {"ollama_chat", Provider::Ollama, "http://localhost:11434"},
    {"openai", Provider::OpenAiCompatible, "https://api.openai.com/v1"},
    {"hosted_vllm", Provider::OpenAiCompatible, ""},
    {"lm_studio", Provider::OpenAiCompatible, "http://localhost:1234/v1"},
    {"anthropic", Provider::Anthropic, "https://api.anthropic.com"},
};

void Loader::loadDeployment(const YAML::Node &item, int index)
{
    const QString where = QStringLiteral("model_list[%1]").arg(index);
    if (!item.IsMap())
        return; // already reported by validate()
    Deployment deployment;
    deployment.line = lineOf(item);

    const std::optional<QString> name = resolveString(item["model_name"], where + QStringLiteral(".model_name"));
    if (!name || name->isEmpty()) {
        error(item, where + QStringLiteral(".model_name"), QStringLiteral("field required"));
        return;
    }
    deployment.modelName = *name;

    const YAML::Node params = item["litellm_params"];
    if (!params || !params.IsMap()) {
        error(item, where + QStringLiteral(".litellm_params"), QStringLiteral("field required"));
        return;
    }
    const QString paramsKey = where + QStringLiteral(".litellm_params");
    const std::optional<QString> model = resolveString(params["model"], paramsKey + QStringLiteral(".model"));
    if (!model || model->isEmpty()) {
        error(params, paramsKey + QStringLiteral(".model"), QStringLiteral("field required"));
        return;
    }
    deployment.model = *model;

    const qsizetype slash = model->indexOf(QLatin1Char('/'));
    QString prefix = slash > 0 ? model->left(slash) : QString();
    const ProviderPrefix *provider = nullptr;
    for (const ProviderPrefix &candidate : kProviders) {
        if (prefix == QLatin1String(candidate.prefix))
            provider = &candidate;
    }
    if (provider) {
        deployment.upstreamModel = model->mid(slash + 1);
    } else if (model->startsWith(QStringLiteral("claude-"))) {
        provider = &kProviders[5]; // LiteLLM infers Anthropic for bare claude ids
        deployment.upstreamModel = *model;
    } else if (model->startsWith(QStringLiteral("gpt-")) || model->startsWith(QStringLiteral("o1")) ||
               model->startsWith(QStringLiteral("o3")) || model->startsWith(QStringLiteral("o4"))) {
        provider = &kProviders[2];
        deployment.upstreamModel = *model;
    } else {
        error(params["model"], paramsKey + QStringLiteral(".model"),
              QStringLiteral("provider \"%1\" is not supported; use ollama/, ollama_chat/, openai/, "
                             "hosted_vllm/, lm_studio/ or anthropic/ followed by the model name")
                  .arg(prefix.isEmpty() ? *model : prefix));
        return;
    }
    deployment.provider = provider->provider;

    const QString baseKey = paramsKey + QStringLiteral(".api_base");
    QString base = resolveString(params["api_base"], baseKey).value_or(QString());
    if (base.isEmpty()) {
        if (*provider->defaultBase == '\0') {
            error(params, baseKey, QStringLiteral("%1 needs api_base, e.g. http://localhost:8000/v1").arg(prefix));
            return;
        }
        base = QLatin1String(provider->defaultBase);
    }
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QUrl url(base);
    if (!url.isValid() || (url.scheme() != QStringLiteral("http") && url.scheme() != QStringLiteral("https")) ||
        url.host().isEmpty()) {
        error(params["api_base"], baseKey, QStringLiteral("expected an http:// or https:// URL, got \"%1\"").arg(base));
        return;
    }
    if ((deployment.provider == Provider::Anthropic || deployment.provider == Provider::Ollama) &&
        base.endsWith(QStringLiteral("/v1"))) {
        base.chop(3);
        warn(params["api_base"], baseKey,
             QStringLiteral("ends with /v1; Switchboard adds the API path itself and uses %1").arg(base));
    } else if (deployment.provider == Provider::OpenAiCompatible && url.path().isEmpty()) {
        warn(params["api_base"], baseKey,
             QStringLiteral("has no path; requests go to %1/chat/completions (most OpenAI-compatible "
                            "servers want %1/v1)")
                 .arg(base));
    }
    deployment.apiBase = QUrl(base);

    if (const auto key = resolveString(params["api_key"], paramsKey + QStringLiteral(".api_key")))
        deployment.apiKey = *key;
    // The context comes from num_ctx, else model_info.max_input_tokens; both share its bounds.
    // (YAML::Node's assignment writes into the node it refers to, so no Node is reassigned.)
    const bool contextFromInfo = !params["num_ctx"];
    QString contextKey = paramsKey + QStringLiteral(".num_ctx");
    std::optional<qint64> context = resolveInt(params["num_ctx"], contextKey);
    const YAML::Node info = item["model_info"];
    if (info && info.IsMap()) {
        if (contextFromInfo) {
            contextKey = where + QStringLiteral(".model_info.max_input_tokens");
            context = resolveInt(info["max_input_tokens"], contextKey);
        }
        for (const char *field : {"max_output_tokens", "max_tokens"}) {
            if (const auto cap = integer(info[field], where + QStringLiteral(".model_info.") + QLatin1String(field)))
                deployment.maxOutputTokens = int(*cap);
        }
        if (const auto id = resolveString(info["id"], where + QStringLiteral(".model_info.id")))
            deployment.id = *id;
    }
    const bool contextSet = context.has_value();
    if (contextSet) {
        const ConfigSchema::Checked checked =
            ConfigSchema::check(*ConfigSchema::find(ConfigSchema::schemaPath(contextKey)), double(*context));
        if (checked.outcome == ConfigSchema::Checked::Outcome::Rejected) {
            error(contextFromInfo ? info["max_input_tokens"] : params["num_ctx"], contextKey,
                  QStringLiteral("context length %1 is out of range: %2").arg(*context).arg(checked.message));
            return;
        }
        deployment.contextLength = int(*context);
    } else if (deployment.provider == Provider::Ollama) {
        deployment.contextLength = kDefaultOllamaContext;
    }
    if (deployment.provider == Provider::Ollama && deployment.contextLength < 16384)
        warn(params["num_ctx"], paramsKey + QStringLiteral(".num_ctx"),
             QStringLiteral("a context of %1 tokens is too small for Claude Code, whose prompts "
                            "start near 15K tokens; use 32768 or more")
                 .arg(deployment.contextLength));
    if (const auto cap = integer(params["max_tokens"], paramsKey + QStringLiteral(".max_tokens")))
        deployment.maxOutputTokens = int(*cap);
    if (const auto keep = resolveString(params["keep_alive"], paramsKey + QStringLiteral(".keep_alive")))
        deployment.keepAlive = *keep;
    if (const auto timeout = number(params["timeout"], paramsKey + QStringLiteral(".timeout")))
        deployment.timeoutSeconds = *timeout;
    if (const auto timeout = number(params["stream_timeout"], paramsKey + QStringLiteral(".stream_timeout")))
        deployment.streamTimeoutSeconds = *timeout;
    const std::pair<const char *, double *> prices[] = {{"input_cost_per_token", &deployment.inputCostPerToken},
                                                        {"output_cost_per_token", &deployment.outputCostPerToken},
                                                        {"input_cost_per_second", &deployment.inputCostPerSecond}};
    for (const auto &[field, target] : prices) {
        const QString key = paramsKey + QLatin1Char('.') + QLatin1String(field);
        if (const auto price = number(params[field], key))
            *target = *price;
    }
    if (const auto rpm = integer(params["rpm"], paramsKey + QStringLiteral(".rpm")))
        deployment.rpm = *rpm;
    if (const auto tpm = integer(params["tpm"], paramsKey + QStringLiteral(".tpm")))
        deployment.tpm = *tpm;
    if (const auto order = integer(params["order"], paramsKey + QStringLiteral(".order")))
        deployment.order = int(*order);
    if (const auto parallel =
            integer(params["max_parallel_requests"], paramsKey + QStringLiteral(".max_parallel_requests")))
        deployment.maxParallelRequests = int(*parallel);
    if (const auto weight = number(params["weight"], paramsKey + QStringLiteral(".weight")))
        deployment.weight = *weight;
    if (deployment.id.isEmpty())
        deployment.id = deployment.modelName + QLatin1Char('#') + QString::number(index);
    m_result.config.deployments.push_back(deployment);
}

void Loader::loadAliases(const YAML::Node &aliases)
{
    if (!aliases || !aliases.IsMap())
        return;
    const QStringList names = m_result.config.modelNames();
    for (const auto &entry : aliases) {
        const QString alias = qs(entry.first.as<std::string>(""));
        const QString key = QStringLiteral("router_settings.model_group_alias.") + alias;
        const QString target = resolveString(entry.second, key).value_or(QString());
        if (names.contains(target)) {
            m_result.config.groupAliases.insert(alias, target);
            continue;
        }
        // Guides often name the upstream model ("ollama/qwen2.5:7b") instead of a
        // model_name; follow it to the group that serves that model.
        QString group;
        for (const Deployment &deployment : m_result.config.deployments) {
            if (deployment.model == target) {
                group = deployment.modelName;
                break;
            }
        }
        if (!group.isEmpty()) {
            m_result.config.groupAliases.insert(alias, group);
            warn(
                entry.second, key,
                QStringLiteral("\"%1\" is not a model_name; using the group \"%2\" that serves it").arg(target, group));
        } else {
            warn(entry.second, key,
                 QStringLiteral("\"%1\" is neither a model_name nor a configured model; alias ignored").arg(target));
        }
    }
}

void Loader::load(const YAML::Node &root)
{
    GatewayConfig &config = m_result.config;
    if (!root || root.IsNull()) {
        issue(ConfigIssue::Severity::Error, root, QString(), QStringLiteral("the file is empty"));
        return;
    }
    if (!root.IsMap()) {
        error(root, QString(), QStringLiteral("expected a mapping at the top level (model_list: …)"));
        return;
    }
    const int errorsBefore = int(m_result.errors().size());
    for (const auto &entry : root) {
        const QString name = qs(entry.first.as<std::string>(""));
        validate(entry.second, name, name);
    }
    if (int(m_result.errors().size()) != errorsBefore)
        return; // types are wrong somewhere: extracting would only repeat the errors

    const YAML::Node list = root["model_list"];
    if (!list || !list.IsSequence() || list.size() == 0) {
        error(list ? list : root, QStringLiteral("model_list"), QStringLiteral("at least one model is required"));
    } else {
        int index = 0;
        for (const auto &item : list)
            loadDeployment(item, index++);
    }

    const YAML::Node router = root["router_settings"];
    if (router && router.IsMap()) {
        loadAliases(router["model_group_alias"]);
        if (const auto timeout = number(router["timeout"], QStringLiteral("router_settings.timeout")))
            config.requestTimeoutSeconds = *timeout;
    }
    const YAML::Node litellm = root["litellm_settings"];
    if (litellm && litellm.IsMap()) {
        if (const auto timeout = number(litellm["request_timeout"], QStringLiteral("litellm_settings.request_timeout")))
            config.requestTimeoutSeconds = *timeout;
        if (const auto cache = boolean(litellm["cache"], QStringLiteral("litellm_settings.cache")))
            config.cache.enabled = *cache;
        const YAML::Node params = litellm["cache_params"];
        if (params && params.IsMap()) {
            const QString key = QStringLiteral("litellm_settings.cache_params.");
            if (const auto type = resolveString(params["type"], key + QStringLiteral("type"))) {
                if (*type == QStringLiteral("redis"))
                    config.cache.redis = true;
                else if (*type != QStringLiteral("local"))
                    error(params["type"], key + QStringLiteral("type"),
                          QStringLiteral("\"%1\" is not supported; use local or redis").arg(*type));
            }
            if (const auto host = resolveString(params["host"], key + QStringLiteral("host")))
                config.cache.host = *host == QStringLiteral("localhost") ? QStringLiteral("127.0.0.1") : *host;
            if (const auto port = integer(params["port"], key + QStringLiteral("port")))
                config.cache.port = int(*port);
            if (const auto ttl = number(params["ttl"], key + QStringLiteral("ttl")))
                config.cache.ttlSeconds = int(*ttl);
            if (const auto ns = resolveString(params["namespace"], key + QStringLiteral("namespace")))
                config.cache.keyNamespace = *ns;
        }
    }

    const YAML::Node general = root["general_settings"];
    if (general && general.IsMap()) {
        if (const auto key = resolveString(general["master_key"], QStringLiteral("general_settings.master_key")))
            config.masterKey = *key;
        const YAML::Node ips = general["allowed_ips"];
        for (const QString &entry : stringList(ips)) {
            const bool valid = entry.contains(QLatin1Char('/')) ? QHostAddress::parseSubnet(entry).first.protocol() !=
                                                                      QAbstractSocket::UnknownNetworkLayerProtocol
                                                                : !QHostAddress(entry).isNull();
            if (!valid)
                error(ips, QStringLiteral("general_settings.allowed_ips"),
                      QStringLiteral("\"%1\" is not an IP address or CIDR range").arg(entry));
            else
                config.allowedIps.append(entry);
        }
    }

    const YAML::Node own = root["switchboard"];
    if (own && own.IsMap()) {
        if (const auto host = resolveString(own["host"], QStringLiteral("switchboard.host")))
            config.host = *host;
        const auto key = [](const char *name) {
            return QStringLiteral("switchboard.") + QLatin1String(name);
        };
        if (const auto port = integer(own["port"], key("port")))
            config.port = quint16(*port);
        // 4 GiB is far beyond any request Claude Code sends; beyond it the byte count would
        // overflow and every request get 413 (the schema's bound).
        if (const auto mb = number(own["max_body_mb"], key("max_body_mb")))
            config.maxBodyBytes = qint64(*mb * 1024 * 1024);
        const std::pair<const char *, int *> millis[] = {{"ping_interval_seconds", &config.pingIntervalMs},
                                                         {"keepalive_timeout_seconds", &config.keepAliveTimeoutMs},
                                                         {"body_timeout_seconds", &config.bodyTimeoutMs},
                                                         {"connect_timeout_seconds", &config.connectTimeoutMs}};
        for (const auto &[name, target] : millis) {
            if (const auto seconds = number(own[name], key(name)))
                *target = int(*seconds * 1000);
        }
        if (const auto first = number(own["first_byte_timeout_seconds"], key("first_byte_timeout_seconds")))
            config.firstByteTimeoutSeconds = *first;
        if (const auto idle = number(own["stream_idle_timeout_seconds"], key("stream_idle_timeout_seconds")))
            config.streamIdleTimeoutSeconds = *idle;
        const std::pair<const char *, bool *> flags[] = {{"usage_enabled", &config.usageEnabled},
                                                         {"cache_all_requests", &config.cache.allRequests},
                                                         {"metrics_open", &config.metricsOpen}};
        for (const auto &[name, target] : flags) {
            if (const auto flag = boolean(own[name], key(name)))
                *target = *flag;
        }
        config.allowedHosts = stringList(own["allowed_hosts"]);
        config.allowedOrigins = stringList(own["allowed_origins"]);
        if (const auto path = resolveString(own["usage_db"], key("usage_db")))
            config.usageDbPath = *path;
        if (const auto path = resolveString(own["pricing_file"], key("pricing_file")))
            config.pricingFile = *path;
        if (const auto days = integer(own["usage_retention_days"], key("usage_retention_days")))
            config.usageRetentionDays = int(*days);
    }
    loadRouterSettings(root);
    if (config.port != 0)
        m_result.issues.append(ConfigLoader::selfLoopIssues(config, config.host, config.port, m_file));
}

std::optional<double> Loader::bounded(const YAML::Node &node, const QString &key, double value)
{
    const ConfigSchema::Key *declared = ConfigSchema::find(ConfigSchema::schemaPath(key));
    if (!declared)
        return value;
    const ConfigSchema::Checked checked = ConfigSchema::check(*declared, value);
    switch (checked.outcome) {
    case ConfigSchema::Checked::Outcome::InBounds: break;
    case ConfigSchema::Checked::Outcome::Rejected: error(node, key, checked.message); return std::nullopt;
    case ConfigSchema::Checked::Outcome::Clamped:
    case ConfigSchema::Checked::Outcome::Defaulted: warn(node, key, checked.message); break;
    }
    return checked.value;
}

std::optional<double> Loader::number(const YAML::Node &node, const QString &key)
{
    const std::optional<double> value = resolveNumber(node, key);
    return value ? bounded(node, key, *value) : std::nullopt;
}

std::optional<qint64> Loader::integer(const YAML::Node &node, const QString &key)
{
    const std::optional<qint64> value = resolveInt(node, key);
    if (!value)
        return std::nullopt;
    const std::optional<double> checked = bounded(node, key, double(*value));
    if (!checked)
        return std::nullopt;
    // Clamping only ever moves a value to a bound; an unclamped value keeps its exact digits.
    return *checked == double(*value) ? *value : qint64(*checked);
}

std::optional<bool> Loader::boolean(const YAML::Node &node, const QString &key)
{
    Q_UNUSED(key) // validate() already reported a value that is not true or false
    bool value = false;
    if (!node || !node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        return std::nullopt;
    return value;
}

bool Loader::isGroup(const QString &name) const
{
    return m_result.config.groupAliases.contains(name) || m_result.config.modelNames().contains(name);
}

QStringList Loader::loadGroupList(const YAML::Node &node, const QString &key)
{
    QStringList groups;
    if (!node || node.IsNull())
        return groups;
    auto add = [&](const YAML::Node &item) {
        const QString group = resolveString(item, key).value_or(QString());
        if (group.isEmpty())
            return;
        if (!isGroup(group))
            error(item, key, QStringLiteral("\"%1\" is not a model_name or model_group_alias").arg(group));
        else if (!groups.contains(group))
            groups.append(group);
    };
    if (node.IsScalar()) {
        add(node);
    } else if (node.IsSequence()) {
        for (const auto &item : node) {
            if (item.IsScalar())
                add(item);
            else
                error(item, key, QStringLiteral("expected a group name"));
        }
    } else {
        error(node, key, QStringLiteral("expected a list of group names"));
    }
    return groups;
}

void Loader::loadFallbacks(const YAML::Node &node, const QString &key, QHash<QString, QStringList> &target)
{
    // LiteLLM's shape: [{group: [fallback groups…]}, …]; one mapping with several keys works too.
    if (!node || node.IsNull() || !node.IsSequence())
        return;
    int index = 0;
    for (const auto &item : node) {
        const QString itemKey = key + QLatin1Char('[') + QString::number(index++) + QLatin1Char(']');
        if (!item.IsMap()) {
            error(item, itemKey, QStringLiteral("expected {group: [fallback groups]}"));
            continue;
        }
        for (const auto &entry : item) {
            const QString group = qs(entry.first.as<std::string>(""));
            const QString entryKey = itemKey + QLatin1Char('.') + group;
            if (!isGroup(group)) {
                error(entry.first, entryKey,
                      QStringLiteral("\"%1\" is not a model_name or model_group_alias").arg(group));
                continue;
            }
            QStringList groups = loadGroupList(entry.second, entryKey);
            groups.removeAll(group);
            target.insert(group, groups);
        }
    }
}

void Loader::loadRoutes(const YAML::Node &routes)
{
    if (!routes || !routes.IsSequence())
        return;
    int index = 0;
    for (const auto &item : routes) {
        const QString key = QStringLiteral("switchboard.routes[%1]").arg(index++);
        if (!item.IsMap())
            continue; // reported by validate()
        ScenarioRule rule;
        rule.line = lineOf(item);
        rule.name = resolveString(item["name"], key + QStringLiteral(".name")).value_or(QString());
        if (rule.name.isEmpty())
            rule.name = QStringLiteral("route%1").arg(index);
        rule.group = resolveString(item["group"], key + QStringLiteral(".group")).value_or(QString());
        if (rule.group.isEmpty()) {
            error(item, key + QStringLiteral(".group"), QStringLiteral("field required"));
            continue;
        }
        if (!isGroup(rule.group)) {
            error(item["group"], key + QStringLiteral(".group"),
                  QStringLiteral("\"%1\" is not a model_name or model_group_alias").arg(rule.group));
            continue;
        }
        const YAML::Node when = item["when"];
        if (when && when.IsMap()) {
            const QString whenKey = key + QStringLiteral(".when.");
            rule.model = resolveString(when["model"], whenKey + QStringLiteral("model")).value_or(QString());
            rule.requestClass =
                resolveString(when["request_class"], whenKey + QStringLiteral("request_class")).value_or(QString());
            const std::pair<const char *, std::optional<bool> *> flags[] = {
                {"agent", &rule.agent}, {"thinking", &rule.thinking}, {"has_image", &rule.hasImage}};
            for (const auto &[field, target] : flags) {
                if (const auto flag = boolean(when[field], whenKey + QLatin1String(field)))
                    *target = *flag;
            }
            if (const auto tokens = integer(when["min_tokens"], whenKey + QStringLiteral("min_tokens")))
                rule.minTokens = *tokens;
        }
        m_result.config.router.routes.push_back(rule);
    }
}

void Loader::loadRouterSettings(const YAML::Node &root)
{
    RouterSettings &settings = m_result.config.router;
    const YAML::Node router = root["router_settings"];
    const YAML::Node litellm = root["litellm_settings"];
    const YAML::Node general = root["general_settings"];
    const YAML::Node own = root["switchboard"];
    // LiteLLM reads these from litellm_settings or router_settings; router_settings wins.
    const std::pair<const YAML::Node *, const char *> sections[] = {{&litellm, "litellm_settings."},
                                                                    {&router, "router_settings."}};
    for (const auto &[section, prefix] : sections) {
        if (!*section || !section->IsMap())
            continue;
        const YAML::Node &node = *section;
        const QString p = QLatin1String(prefix);
        if (const auto retries = integer(node["num_retries"], p + QStringLiteral("num_retries")))
            settings.numRetries = int(*retries);
        if (const auto fails = integer(node["allowed_fails"], p + QStringLiteral("allowed_fails")))
            settings.allowedFails = int(*fails);
        if (const auto cooldown = number(node["cooldown_time"], p + QStringLiteral("cooldown_time")))
            settings.cooldownSeconds = *cooldown;
        if (const auto parallel = integer(node["max_parallel_requests"], p + QStringLiteral("max_parallel_requests")))
            settings.globalMaxParallelRequests = int(*parallel);
        QHash<QString, QStringList> fallbacks;
        loadFallbacks(node["fallbacks"], p + QStringLiteral("fallbacks"), fallbacks);
        for (auto it = fallbacks.cbegin(); it != fallbacks.cend(); ++it)
            settings.fallbacks.insert(it.key(), it.value());
        QHash<QString, QStringList> contextFallbacks;
        loadFallbacks(node["context_window_fallbacks"], p + QStringLiteral("context_window_fallbacks"),
                      contextFallbacks);
        for (auto it = contextFallbacks.cbegin(); it != contextFallbacks.cend(); ++it)
            settings.contextWindowFallbacks.insert(it.key(), it.value());
        if (node["default_fallbacks"] && !node["default_fallbacks"].IsNull())
            settings.defaultFallbacks =
                loadGroupList(node["default_fallbacks"], p + QStringLiteral("default_fallbacks"));
    }

    if (router && router.IsMap()) {
        const YAML::Node strategy = router["routing_strategy"];
        const QString strategyKey = QStringLiteral("router_settings.routing_strategy");
        if (strategy && strategy.IsScalar()) {
            static const QStringList known = {
                QStringLiteral("simple-shuffle"),         QStringLiteral("least-busy"),
                QStringLiteral("latency-based-routing"),  QStringLiteral("usage-based-routing"),
                QStringLiteral("usage-based-routing-v2"), QStringLiteral("cost-based-routing")};
            const QString value = qs(strategy.Scalar());
            if (value == QStringLiteral("cost-based")) {
                warn(strategy, strategyKey,
                     QStringLiteral("\"cost-based\" is read as LiteLLM's \"cost-based-routing\""));
                settings.routingStrategy = QStringLiteral("cost-based-routing");
            } else if (!known.contains(value)) {
                error(strategy, strategyKey,
                      QStringLiteral("unknown strategy \"%1\"; expected one of %2")
                          .arg(value, known.join(QStringLiteral(", "))));
            } else {
                settings.routingStrategy = value;
            }
        }
        const YAML::Node args = router["routing_strategy_args"];
        if (args && args.IsMap()) {
            const QString key = QStringLiteral("router_settings.routing_strategy_args.lowest_latency_buffer");
            if (const auto buffer = number(args["lowest_latency_buffer"], key))
                settings.lowestLatencyBuffer = *buffer;
        }
        if (const auto after = number(router["retry_after"], QStringLiteral("router_settings.retry_after")))
            settings.retryAfterSeconds = *after;
        if (const auto parallel = integer(router["default_max_parallel_requests"],
                                          QStringLiteral("router_settings.default_max_parallel_requests")))
            settings.defaultMaxParallelRequests = int(*parallel);
    }

    if (general && general.IsMap()) {
        if (const auto parallel = integer(general["global_max_parallel_requests"],
                                          QStringLiteral("general_settings.global_max_parallel_requests")))
            settings.globalMaxParallelRequests = int(*parallel);
    }

    if (own && own.IsMap()) {
        const auto key = [](const char *name) {
            return QStringLiteral("switchboard.") + QLatin1String(name);
        };
        if (const auto timeout = number(own["queue_timeout_seconds"], key("queue_timeout_seconds")))
            settings.queueTimeoutSeconds = *timeout;
        if (const auto size = integer(own["queue_size"], key("queue_size")))
            settings.queueSize = int(*size);
        if (const auto affinity = boolean(own["session_affinity"], key("session_affinity")))
            settings.sessionAffinity = *affinity;
        if (const auto rpm = integer(own["token_rpm"], key("token_rpm")))
            settings.tokenRpm = *rpm;
        if (const auto tpm = integer(own["token_tpm"], key("token_tpm")))
            settings.tokenTpm = *tpm;
        loadRoutes(own["routes"]);
    }
}

} // namespace

ConfigLoadResult ConfigLoader::loadText(const QByteArray &yaml, const QString &fileName, const SecretResolver &secrets)
{
    ConfigLoadResult result;
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        result.issues.append({ConfigIssue::Severity::Error, fileName, e.mark.line >= 0 ? e.mark.line + 1 : 0, QString(),
                              QStringLiteral("invalid YAML: %1").arg(qs(e.msg))});
        return result;
    }
    try {
        Loader loader(fileName, secrets, result);
        loader.load(root);
    } catch (const YAML::Exception &e) {
        // yaml-cpp throws on odd shapes (e.g. a non-scalar key); report, never crash.
        result.issues.append({ConfigIssue::Severity::Error, fileName, e.mark.line >= 0 ? e.mark.line + 1 : 0, QString(),
                              QStringLiteral("could not read the config: %1").arg(qs(e.msg))});
    }
    return result;
}

ConfigLoadResult ConfigLoader::loadFile(const QString &path, const SecretResolver &secrets)
{
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        ConfigLoadResult result;
        result.issues.append({ConfigIssue::Severity::Error, path, 0, QString(),
                              QStringLiteral("cannot read the file: %1").arg(file.errorString())});
        return result;
    }
    return loadText(file.readAll(), path, secrets);
}

namespace {

bool isLoopbackName(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0 ||
        host.endsWith(QStringLiteral(".localhost"), Qt::CaseInsensitive))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool isAnyAddress(const QString &host)
{
    const QHostAddress address(host);
    return address == QHostAddress(QHostAddress::AnyIPv4) || address == QHostAddress(QHostAddress::AnyIPv6) ||
           address == QHostAddress(QHostAddress::Any);
}

// Whether `upstreamHost` names the machine address the gateway listens on.
bool reachesGateway(const QString &upstreamHost, const QString &gatewayHost)
{
    if (upstreamHost.compare(gatewayHost, Qt::CaseInsensitive) == 0)
        return true;
    const bool gatewayLoopback = isLoopbackName(gatewayHost);
    const bool gatewayAny = isAnyAddress(gatewayHost);
    if (isLoopbackName(upstreamHost))
        return gatewayLoopback || gatewayAny;
    const QHostAddress upstream(upstreamHost);
    if (upstream.isNull())
        return false; // a name other than localhost: not resolved here
    if (isAnyAddress(upstreamHost))
        return true; // connecting to 0.0.0.0 reaches this machine
    if (gatewayAny) {
        const QList<QHostAddress> local = QNetworkInterface::allAddresses();
        for (const QHostAddress &address : local) {
            if (address.isEqual(upstream, QHostAddress::TolerantConversion))
                return true;
        }
        return false;
    }
    return upstream.isEqual(QHostAddress(gatewayHost), QHostAddress::TolerantConversion);
}

} // namespace

QList<ConfigIssue> ConfigLoader::selfLoopIssues(const GatewayConfig &config, const QString &host, quint16 port,
                                                const QString &fileName)
{
    QList<ConfigIssue> issues;
    if (port == 0)
        return issues;
    int index = 0;
    for (const Deployment &deployment : config.deployments) {
        const QUrl &base = deployment.apiBase;
        const int upstreamPort = base.port(base.scheme() == QStringLiteral("https") ? 443 : 80);
        if (upstreamPort == port && reachesGateway(base.host(), host)) {
            issues.append({ConfigIssue::Severity::Error, fileName, deployment.line,
                           QStringLiteral("model_list[%1].litellm_params.api_base").arg(index),
                           QStringLiteral("%1 loops back to Switchboard itself (it listens on %2:%3); point it "
                                          "at the model server instead")
                               .arg(base.toString(), host, QString::number(port))});
        }
        ++index;
    }
    return issues;
}

QString ConfigLoader::defaultConfigPath()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    return base + QStringLiteral("/switchboard/config.yaml");
}

QByteArray ConfigLoader::defaultConfigText()
{
    return QByteArrayLiteral(
        "# Switchboard configuration. The format is LiteLLM's: a LiteLLM config.yaml loads\n"
        "# unchanged. Switchboard's own settings live under `switchboard:`.\n"
        "#\n"
        "# Claude Code asks for Claude model ids (claude-opus-…, claude-sonnet-…, claude-haiku-…).\n"
        "# The patterns below send them to local Ollama models; the most specific pattern wins.\n"
        "model_list:\n"
        "  - model_name: \"claude-*haiku*\"        # background and small tasks\n"
        "    litellm_params:\n"
        "      model: ollama/qwen2.5-coder:1.5b\n"
        "      api_base: http://127.0.0.1:11434\n"
        "      num_ctx: 32768                     # Ollama's own default (4096) truncates Claude Code's prompts\n"
        "  - model_name: \"claude-*\"               # opus and sonnet: the main model\n"
        "    litellm_params:\n"
        "      model: ollama/qwen2.5-coder:7b\n"
        "      api_base: http://127.0.0.1:11434\n"
        "      num_ctx: 32768\n"
        "\n"
        "switchboard:\n"
        "  host: 127.0.0.1\n"
        "  port: 4000\n");
}

bool ConfigLoader::ensureDefaultConfig(const QString &path, QString *error)
{
    if (QFileInfo::exists(path))
        return true;
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(QFileInfo(path).absolutePath());
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(defaultConfigText()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace sb
