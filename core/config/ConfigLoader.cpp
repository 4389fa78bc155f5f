#include "ConfigLoader.h"

#include "ConfigSchema.h"
#include "YamlNesting.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
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

// A value that starts on a later line than its key (a block mapping or list) is reported at the
// key's line, where the user wrote the name the message gives. Filled per load, per thread (the
// config watcher loads on its own thread).
thread_local const QHash<quint64, int> *t_keyLines = nullptr;

quint64 markId(const YAML::Mark &mark)
{
    return (quint64(quint32(mark.line)) << 32) | quint32(mark.column);
}

int lineOf(const YAML::Node &node)
{
    const YAML::Mark mark = node.Mark();
    if (t_keyLines && mark.line >= 0) {
        const auto key = t_keyLines->constFind(markId(mark));
        if (key != t_keyLines->constEnd())
            return key.value();
    }
    return mark.line >= 0 ? mark.line + 1 : 0;
}

void collectKeyLines(const YAML::Node &node, QHash<quint64, int> &lines, int &budget)
{
    if (--budget < 0)
        return;
    if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            collectKeyLines(node[i], lines, budget);
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Mark key = it->first.Mark();
            const YAML::Mark value = it->second.Mark();
            if (key.line >= 0 && value.line > key.line && !lines.contains(markId(value)))
                lines.insert(markId(value), key.line + 1);
            collectKeyLines(it->second, lines, budget);
        }
    }
}

// Scalars as PyYAML (YAML 1.1) resolves them, since LiteLLM reads its config with PyYAML:
// `20_000`, `0x1F`, `0b101`, `017` (octal), `1:30` (base 60) are integers. `0o17` is YAML 1.2's
// octal (a string to PyYAML, which LiteLLM then refuses as an integer); it is read as the
// integer and reported by the caller.
struct YamlInt
{
    qint64 value = 0;
    bool yaml12Octal = false;
};

std::optional<YamlInt> yamlInt(QString text)
{
    text = text.trimmed();
    bool negative = false;
    if (text.startsWith(QLatin1Char('-')) || text.startsWith(QLatin1Char('+'))) {
        negative = text.startsWith(QLatin1Char('-'));
        text.remove(0, 1);
    }
    if (text.isEmpty() || text.startsWith(QLatin1Char('_')))
        return std::nullopt;
    YamlInt result;
    bool ok = false;
    if (text.contains(QLatin1Char(':'))) {
        // Sexagesimal: 1:30 is 90.
        qint64 value = 0;
        const QStringList parts = text.split(QLatin1Char(':'));
        for (int i = 0; i < parts.size(); ++i) {
            QString part = parts.at(i);
            part.remove(QLatin1Char('_'));
            const qint64 digit = part.toLongLong(&ok, 10);
            if (!ok || part.isEmpty() || digit < 0 || (i > 0 && digit > 59))
                return std::nullopt;
            value = value * 60 + digit;
        }
        result.value = negative ? -value : value;
        return result;
    }
    int base = 10;
    QString digits = text;
    if (text.startsWith(QStringLiteral("0x"))) {
        base = 16;
        digits = text.mid(2);
    } else if (text.startsWith(QStringLiteral("0b"))) {
        base = 2;
        digits = text.mid(2);
    } else if (text.startsWith(QStringLiteral("0o"))) {
        base = 8;
        digits = text.mid(2);
        result.yaml12Octal = true;
    } else if (text.size() > 1 && text.startsWith(QLatin1Char('0'))) {
        base = 8;
        digits = text.mid(1);
    }
    digits.remove(QLatin1Char('_'));
    if (digits.isEmpty())
        return std::nullopt;
    const qint64 value = digits.toLongLong(&ok, base);
    if (!ok || digits.startsWith(QLatin1Char('-')) || digits.startsWith(QLatin1Char('+')))
        return std::nullopt;
    result.value = negative ? -value : value;
    return result;
}

// A number: an integer as above, or a float with PyYAML's `_` separators and `.inf`/`.nan`
// spellings (which are refused by the caller as not finite).
std::optional<double> yamlNumber(const QString &raw)
{
    if (const std::optional<YamlInt> integer = yamlInt(raw))
        return double(integer->value);
    QString text = raw.trimmed();
    if (text.startsWith(QLatin1Char('_')) || text.contains(QStringLiteral("__")))
        return std::nullopt;
    text.remove(QLatin1Char('_'));
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

// PyYAML's booleans: yes/no, true/false, on/off in lower, Capitalised or UPPER case (not y/n,
// which yaml-cpp would also take).
std::optional<bool> yamlBool(const QString &text)
{
    static const QStringList yes = {QStringLiteral("yes"), QStringLiteral("true"), QStringLiteral("on")};
    static const QStringList no = {QStringLiteral("no"), QStringLiteral("false"), QStringLiteral("off")};
    const QString lower = text.toLower();
    const bool spelled = text == lower || text == text.toUpper() ||
                         (text.size() > 1 && text.at(0).isUpper() && text.mid(1) == lower.mid(1));
    if (!spelled)
        return std::nullopt;
    if (yes.contains(lower))
        return true;
    if (no.contains(lower))
        return false;
    return std::nullopt;
}

// yaml-cpp reads YAML 1.2 and keeps what PyYAML (YAML 1.1, which LiteLLM uses) resolves: merge
// keys stay a literal "<<" entry and a duplicate key's first value is found. This pass makes
// the tree mean what PyYAML builds: duplicates keep the last value (with a warning), and
// `<<: *anchor` / `<<: [*a, *b]` add the keys the mapping lacks, earlier anchors winning.
// It changes nodes in place so every value keeps its line.
class PyYamlSemantics
{
public:
    PyYamlSemantics(const QString &file, QList<ConfigIssue> &issues) : m_file(file), m_issues(issues) {}

    // False when the tree is too large to walk (an alias bomb); an error was added.
    bool apply(YAML::Node node)
    {
        if (++m_visits > kMaxVisits) {
            if (m_visits == kMaxVisits + 1)
                m_issues.append({ConfigIssue::Severity::Error, m_file, lineOf(node), QString(),
                                 QStringLiteral("the YAML expands to more than %1 nodes (aliases nested too "
                                                "deeply); refusing to read it")
                                     .arg(kMaxVisits)});
            return false;
        }
        if (node.IsSequence()) {
            for (std::size_t i = 0; i < node.size(); ++i) {
                if (!apply(node[i]))
                    return false;
            }
            return true;
        }
        if (!node.IsMap())
            return true;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!apply(it->second))
                return false;
        }
        removeDuplicates(node);
        applyMerge(node);
        return true;
    }

private:
    static constexpr int kMaxVisits = 200000;

    static bool isMergeKey(const YAML::Node &key)
    {
        // A quoted "<<" is a plain string key in PyYAML too.
        return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!";
    }

    void removeDuplicates(YAML::Node node)
    {
        QHash<QString, int> count;
        QHash<QString, QList<int>> lines;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!it->first.IsScalar() || isMergeKey(it->first))
                continue;
            const QString key = qs(it->first.Scalar());
            ++count[key];
            lines[key].append(lineOf(it->first));
        }
        for (auto it = count.cbegin(); it != count.cend(); ++it) {
            if (it.value() < 2)
                continue;
            const QList<int> &at = lines.value(it.key());
            QStringList earlier;
            for (int i = 0; i + 1 < at.size(); ++i)
                earlier.append(QString::number(at.at(i)));
            m_issues.append({ConfigIssue::Severity::Warning, m_file, at.last(), it.key(),
                             QStringLiteral("duplicate key (also on line %1); the last value is used, as LiteLLM "
                                            "(PyYAML) reads it")
                                 .arg(earlier.join(QStringLiteral(", ")))});
            for (int i = 1; i < it.value(); ++i)
                node.remove(it.key().toStdString()); // removes the first occurrence
        }
    }

    void applyMerge(YAML::Node node)
    {
        std::vector<YAML::Node> sources; // in the order they win
        bool found = false;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!isMergeKey(it->first))
                continue;
            found = true;
            const YAML::Node value = it->second;
            if (value.IsMap()) {
                sources.push_back(value);
            } else if (value.IsSequence()) {
                for (std::size_t i = 0; i < value.size(); ++i) {
                    if (value[i].IsMap())
                        sources.push_back(value[i]);
                    else
                        m_issues.append({ConfigIssue::Severity::Error, m_file, lineOf(value[i]), QStringLiteral("<<"),
                                         QStringLiteral("a merge key takes a mapping or a list of mappings")});
                }
            } else {
                m_issues.append({ConfigIssue::Severity::Error, m_file, lineOf(it->first), QStringLiteral("<<"),
                                 QStringLiteral("a merge key takes a mapping or a list of mappings")});
            }
        }
        if (!found)
            return;
        while (node.remove("<<")) {
        }
        QSet<QString> present;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it->first.IsScalar())
                present.insert(qs(it->first.Scalar()));
        }
        for (const YAML::Node &source : sources) {
            for (auto it = source.begin(); it != source.end(); ++it) {
                if (!it->first.IsScalar())
                    continue;
                const QString key = qs(it->first.Scalar());
                if (present.contains(key))
                    continue; // explicit keys, then earlier sources, win
                present.insert(key);
                node.force_insert(it->first, it->second);
            }
        }
    }

    QString m_file;
    QList<ConfigIssue> &m_issues;
    int m_visits = 0;
};

// Walks the YAML tree once, checking each key against the schema, then extracts values.
class Loader
{
public:
    Loader(const QString &fileName, const SecretResolver &secrets, const ListenOverride &listen,
           ConfigLoadResult &result)
        : m_file(fileName), m_secrets(secrets), m_listen(listen), m_result(result)
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
    // A generated id that another deployment already has gets "#2", "#3", … in list order.
    void makeGeneratedIdsUnique();
    QList<int> m_generatedIds; // indices of deployments without a model_info.id
    void loadAliases(const YAML::Node &aliases);
    void loadRouterSettings(const YAML::Node &root);
    void loadFallbacks(const YAML::Node &node, const QString &key, QHash<QString, QStringList> &target);
    QStringList loadGroupList(const YAML::Node &node, const QString &key);
    void loadRoutes(const YAML::Node &routes);
    bool isGroup(const QString &name) const;
    bool servedByWildcard(const QString &name) const;
    // A name a fallback or route refers to, looked up in LiteLLM's order: a group or alias, a
    // model_info.id, a skipped group (a warning), a name a wildcard serves; anything else is an
    // error. nullopt: not used. An id names its group where requests come from (a fallback list's
    // key); as a target (a fallback, a route's group) it stays the id, so the Router sends to
    // that one deployment, unless it is its group's only one.
    enum class Reference { Source, Target };
    std::optional<QString> groupReference(const YAML::Node &node, const QString &key, const QString &name,
                                          Reference role);

    // Values read through the schema: `key` is the shown path ("model_list[2].litellm_params.rpm"),
    // the schema's type and bounds apply, and every fallback or clamp is reported.
    std::optional<double> number(const YAML::Node &node, const QString &key);
    std::optional<qint64> integer(const YAML::Node &node, const QString &key);
    std::optional<bool> boolean(const YAML::Node &node, const QString &key);
    std::optional<double> bounded(const YAML::Node &node, const QString &key, double value);

    void loadEnvironment(const YAML::Node &variables);
    QString environmentValue(const QString &name) const
    {
        const auto own = m_environment.constFind(name);
        return own != m_environment.constEnd() ? own.value() : qEnvironmentVariable(name.toUtf8().constData());
    }
    void checkGuardrails(const YAML::Node &root);

    QString m_file;
    const SecretResolver &m_secrets;
    const ListenOverride &m_listen;
    ConfigLoadResult &m_result;
    // environment_variables: seen by os.environ/ and ${} references (LiteLLM sets them first),
    // but never put into the process environment, so programs Switchboard starts do not inherit
    // the keys.
    QHash<QString, QString> m_environment;
    struct Skipped
    {
        QString modelName;
        QString why;
    };
    QList<Skipped> m_skipped; // deployments of providers Switchboard cannot serve
};

void Loader::loadEnvironment(const YAML::Node &variables)
{
    if (!variables || !variables.IsMap())
        return;
    for (auto it = variables.begin(); it != variables.end(); ++it) {
        const QString name = qs(it->first.as<std::string>(""));
        if (name.isEmpty())
            continue;
        // Read in order: a later variable may refer to an earlier one.
        if (const std::optional<QString> value =
                resolveString(it->second, QStringLiteral("environment_variables.") + name))
            m_environment.insert(name, *value);
    }
}

void Loader::checkGuardrails(const YAML::Node &root)
{
    const YAML::Node own = root["switchboard"];
    const bool allowed =
        own && own.IsMap() &&
        boolean(own["allow_unenforced_guardrails"], QStringLiteral("switchboard.allow_unenforced_guardrails"))
            .value_or(false);
    const YAML::Node litellm = root["litellm_settings"];
    const std::pair<YAML::Node, const char *> places[] = {
        {root["guardrails"], "guardrails"},
        {litellm && litellm.IsMap() ? litellm["guardrails"] : YAML::Node(), "litellm_settings.guardrails"}};
    for (const auto &[node, key] : places) {
        if (!node || node.IsNull() || (node.IsSequence() && node.size() == 0))
            continue;
        if (allowed)
            warn(node, QLatin1String(key),
                 QStringLiteral("guardrails are NOT enforced by Switchboard: requests and answers pass "
                                "unchecked (switchboard.allow_unenforced_guardrails is true)"));
        else
            error(node, QLatin1String(key),
                  QStringLiteral("Switchboard does not enforce guardrails, so requests and answers would pass "
                                 "unchecked while the config says a policy applies; remove them, or set "
                                 "switchboard.allow_unenforced_guardrails: true to start without them"));
    }
}

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
    case T::Bool: return node.IsScalar() && yamlBool(qs(node.Scalar())).has_value();
    case T::Int:
    case T::Number: {
        if (!node.IsScalar())
            return false;
        const QString text = qs(node.Scalar());
        if (text.contains(QStringLiteral("${")) || text.startsWith(QStringLiteral("os.environ/")))
            return true; // checked after resolution
        return type == T::Int ? yamlInt(text).has_value() : yamlNumber(text).has_value();
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
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_environment.cbegin(); it != m_environment.cend(); ++it)
        env.insert(it.key(), it.value());
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
    const std::optional<YamlInt> value = yamlInt(*text);
    if (!value) {
        error(node, key, QStringLiteral("expected an integer, got \"%1\"").arg(*text));
        return std::nullopt;
    }
    if (value->yaml12Octal)
        warn(node, key,
             QStringLiteral("\"%1\" is read as the octal integer %2; LiteLLM (YAML 1.1) reads it as text and "
                            "refuses it — write %2")
                 .arg(*text)
                 .arg(value->value));
    return value->value;
}

std::optional<double> Loader::resolveNumber(const YAML::Node &node, const QString &key)
{
    const std::optional<QString> text = resolveString(node, key);
    if (!text)
        return std::nullopt;
    const double value = yamlNumber(*text).value_or(std::nan(""));
    if (!std::isfinite(value)) {
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
    // LiteLLM's variables for an api_base / api_key the deployment does not set ("" : none);
    // several key names are tried in order.
    const char *baseVariable = "";
    std::initializer_list<const char *> keyVariables = {};
    const char *note = ""; // a warning for every deployment with this prefix
    bool appendV1 = false; // LiteLLM adds /v1 to an api_base that does not end with it
};

// The defaults are LiteLLM's (its get_llm_provider and provider configs), checked against each
// provider's documentation of its OpenAI-compatible endpoint.
const ProviderPrefix kProviders[] = {
    {"ollama", Provider::Ollama, "http://localhost:11434"},
    {"ollama_chat", Provider::Ollama, "http://localhost:11434"},
    {"openai", Provider::OpenAiCompatible, "https://api.openai.com/v1"},
    {"hosted_vllm", Provider::OpenAiCompatible, ""},
    {"lm_studio", Provider::OpenAiCompatible, "http://localhost:1234/v1"},
    {"anthropic", Provider::Anthropic, "https://api.anthropic.com"},
    {"deepseek",
     Provider::OpenAiCompatible,
     "https://api.deepseek.com/beta",
     "DEEPSEEK_API_BASE",
     {"DEEPSEEK_API_KEY"}},
    {"openrouter",
     Provider::OpenAiCompatible,
     "https://openrouter.ai/api/v1",
     "OPENROUTER_API_BASE",
     {"OPENROUTER_API_KEY", "OR_API_KEY"}},
    {"groq", Provider::OpenAiCompatible, "https://api.groq.com/openai/v1", "GROQ_API_BASE", {"GROQ_API_KEY"}},
    {"together_ai",
     Provider::OpenAiCompatible,
     "https://api.together.xyz/v1",
     "TOGETHER_AI_API_BASE",
     {"TOGETHER_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHERAI_API_KEY", "TOGETHER_AI_TOKEN"}},
    // LiteLLM's Mistral chat reads the Azure AI variables first and always ends the base in /v1.
    {"mistral",
     Provider::OpenAiCompatible,
     "https://api.mistral.ai/v1",
     "MISTRAL_AZURE_API_BASE",
     {"MISTRAL_AZURE_API_KEY", "MISTRAL_API_KEY"},
     "",
     true},
    {"xai", Provider::OpenAiCompatible, "https://api.x.ai/v1", "XAI_API_BASE", {"XAI_API_KEY"}},
    {"fireworks_ai",
     Provider::OpenAiCompatible,
     "https://api.fireworks.ai/inference/v1",
     "FIREWORKS_API_BASE",
     {"FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY", "FIREWORKSAI_API_KEY", "FIREWORKS_AI_TOKEN"}},
    {"perplexity",
     Provider::OpenAiCompatible,
     "https://api.perplexity.ai",
     "PERPLEXITY_API_BASE",
     {"PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"}},
    // Google's OpenAI-compatible endpoint of the Gemini API (LiteLLM itself speaks Gemini's own
    // API; the requests are the same chat, through the compatibility layer). LiteLLM's Gemini chat
    // takes GEMINI_API_KEY; its model listing also reads GOOGLE_API_KEY.
    {"gemini",
     Provider::OpenAiCompatible,
     "https://generativelanguage.googleapis.com/v1beta/openai",
     "GEMINI_API_BASE",
     {"GEMINI_API_KEY", "GOOGLE_API_KEY"}},
    // Azure OpenAI: the api_base is the resource (https://NAME.openai.azure.com), the model the
    // deployment name; see loadDeployment for api_version.
    {"azure", Provider::OpenAiCompatible, "", "AZURE_API_BASE", {"AZURE_API_KEY", "AZURE_OPENAI_API_KEY"}},
    {"llamafile", Provider::OpenAiCompatible, "http://127.0.0.1:8080/v1", "LLAMAFILE_API_BASE"},
    {"vllm",
     Provider::OpenAiCompatible,
     "http://localhost:8000/v1",
     "HOSTED_VLLM_API_BASE",
     {},
     "LiteLLM's vllm/ runs vLLM inside LiteLLM's own process; Switchboard sends to a vLLM server's "
     "OpenAI-compatible API instead (api_base, default http://localhost:8000/v1)"},
};

// Azure OpenAI's generally available data-plane version, used when a config names none.
constexpr const char *kAzureApiVersion = "2024-10-21";

const ProviderPrefix &providerFor(const char *prefix)
{
    for (const ProviderPrefix &candidate : kProviders) {
        if (qstrcmp(candidate.prefix, prefix) == 0)
            return candidate;
    }
    Q_UNREACHABLE();
}

// "ollama/qwen2.5-coder:7b@127.0.0.1:11434": the model as written (with its provider prefix, or
// the provider's for a bare claude-/gpt- name) at the upstream's host and port.
QString readableDeploymentId(const Deployment &deployment)
{
    QString model = deployment.model;
    if (!model.contains(QLatin1Char('/')))
        model =
            (deployment.provider == Provider::Anthropic ? QStringLiteral("anthropic/") : QStringLiteral("openai/")) +
            model;
    const QUrl &base = deployment.apiBase;
    QString host = base.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    if (base.port() >= 0)
        host += QLatin1Char(':') + QString::number(base.port());
    return model + QLatin1Char('@') + host;
}

// Providers LiteLLM has and Switchboard cannot serve, with why (for the warning).
QString unservableReason(const QString &prefix)
{
    if (prefix == QStringLiteral("bedrock") || prefix == QStringLiteral("sagemaker") ||
        prefix == QStringLiteral("sagemaker_chat"))
        return QStringLiteral("needs AWS SigV4 request signing, which Switchboard does not do");
    if (prefix == QStringLiteral("vertex_ai") || prefix == QStringLiteral("vertex_ai_beta"))
        return QStringLiteral("needs Google Cloud OAuth, which Switchboard does not do");
    return QStringLiteral("Switchboard has no adapter for it");
}

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
        provider = &providerFor("anthropic"); // LiteLLM infers Anthropic for bare claude ids
        deployment.upstreamModel = *model;
    } else if (model->startsWith(QStringLiteral("gpt-")) || model->startsWith(QStringLiteral("o1")) ||
               model->startsWith(QStringLiteral("o3")) || model->startsWith(QStringLiteral("o4"))) {
        provider = &providerFor("openai");
        deployment.upstreamModel = *model;
    } else {
        // LiteLLM serves it; here it is skipped so the rest of the file still starts.
        QStringList known;
        for (const ProviderPrefix &candidate : kProviders)
            known.append(QLatin1String(candidate.prefix) + QLatin1Char('/'));
        const QString name = prefix.isEmpty() ? *model : prefix;
        const QString why = QStringLiteral("provider \"%1\" is not supported (%2); deployment skipped. "
                                           "Supported: %3")
                                .arg(name, unservableReason(name), known.join(QStringLiteral(", ")));
        const YAML::Node modelNode = params["model"];
        warn(modelNode, paramsKey + QStringLiteral(".model"), why);
        m_skipped.append({deployment.modelName,
                          QStringLiteral("model_list[%1] (line %2): %3").arg(index).arg(lineOf(modelNode)).arg(why)});
        return;
    }
    deployment.provider = provider->provider;
    if (*provider->note)
        warn(params["model"], paramsKey + QStringLiteral(".model"), QLatin1String(provider->note));

    const QString baseKey = paramsKey + QStringLiteral(".api_base");
    QString base = resolveString(params["api_base"], baseKey).value_or(QString());
    const bool baseGiven = !base.isEmpty();
    if (base.isEmpty() && *provider->baseVariable)
        base = environmentValue(QLatin1String(provider->baseVariable));
    if (base.isEmpty()) {
        if (*provider->defaultBase == '\0') {
            error(params, baseKey,
                  prefix == QStringLiteral("azure")
                      ? QStringLiteral("azure needs api_base (or AZURE_API_BASE), e.g. https://NAME.openai.azure.com")
                      : QStringLiteral("%1 needs api_base, e.g. http://localhost:8000/v1").arg(prefix));
            return;
        }
        base = QLatin1String(provider->defaultBase);
    }
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (provider->appendV1 && !base.endsWith(QStringLiteral("/v1")))
        base += QStringLiteral("/v1");
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
    } else if (deployment.provider == Provider::OpenAiCompatible && url.path().isEmpty() && baseGiven &&
               prefix != QStringLiteral("azure")) {
        warn(params["api_base"], baseKey,
             QStringLiteral("has no path; requests go to %1/chat/completions (most OpenAI-compatible "
                            "servers want %1/v1)")
                 .arg(base));
    }
    deployment.apiBase = QUrl(base);

    if (const auto key = resolveString(params["api_key"], paramsKey + QStringLiteral(".api_key")))
        deployment.apiKey = *key;
    if (prefix == QStringLiteral("azure")) {
        const QString versionKey = paramsKey + QStringLiteral(".api_version");
        deployment.azureApiVersion = resolveString(params["api_version"], versionKey).value_or(QString());
        if (deployment.azureApiVersion.isEmpty())
            deployment.azureApiVersion = environmentValue(QStringLiteral("AZURE_API_VERSION"));
        if (deployment.azureApiVersion.isEmpty()) {
            deployment.azureApiVersion = QLatin1String(kAzureApiVersion);
            warn(params, versionKey,
                 QStringLiteral("not set (nor AZURE_API_VERSION); Switchboard uses api-version %1, which may "
                                "differ from the one your LiteLLM version sends")
                     .arg(deployment.azureApiVersion));
        }
    }
    if (!params["api_key"]) {
        for (const char *variable : provider->keyVariables) {
            deployment.apiKey = environmentValue(QLatin1String(variable));
            if (!deployment.apiKey.isEmpty())
                break;
        }
    }
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
        if (const auto fold =
                boolean(info["fold_system_messages"], where + QStringLiteral(".model_info.fold_system_messages")))
            deployment.foldSystemMessages = *fold;
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
    // Without a model_info.id, a name that says which upstream model answers (the spend log,
    // usage --by deployment, /metrics and the window show it); made unique after the list.
    if (deployment.id.isEmpty()) {
        deployment.id = readableDeploymentId(deployment);
        m_generatedIds.append(int(m_result.config.deployments.size()));
    }
    m_result.config.deployments.push_back(deployment);
}

void Loader::makeGeneratedIdsUnique()
{
    std::vector<Deployment> &deployments = m_result.config.deployments;
    QSet<QString> taken;
    for (size_t i = 0; i < deployments.size(); ++i) {
        if (!m_generatedIds.contains(int(i)))
            taken.insert(deployments[i].id); // model_info.id values keep their names
    }
    for (int index : std::as_const(m_generatedIds)) {
        Deployment &deployment = deployments[size_t(index)];
        const QString base = deployment.id;
        for (int n = 2; taken.contains(deployment.id); ++n)
            deployment.id = base + QLatin1Char('#') + QString::number(n);
        taken.insert(deployment.id);
    }
}

void Loader::loadAliases(const YAML::Node &aliases)
{
    if (!aliases || aliases.IsNull())
        return;
    if (!aliases.IsMap()) {
        error(aliases, QStringLiteral("router_settings.model_group_alias"), QStringLiteral("expected a mapping"));
        return;
    }
    const QStringList names = m_result.config.modelNames();
    for (const auto &entry : aliases) {
        const QString alias = qs(entry.first.as<std::string>(""));
        const QString key = QStringLiteral("router_settings.model_group_alias.") + alias;
        // LiteLLM's two shapes: `alias: model_name` and `alias: {model: model_name, hidden: true}`
        // (hidden keeps the alias out of /v1/models, where Switchboard lists no aliases anyway).
        const YAML::Node targetNode = entry.second.IsMap() ? entry.second["model"] : entry.second;
        if (entry.second.IsMap()) {
            for (const auto &field : entry.second) {
                const QString fieldName = qs(field.first.as<std::string>(""));
                if (fieldName != QStringLiteral("model") && fieldName != QStringLiteral("hidden"))
                    warn(field.first, key + QLatin1Char('.') + fieldName, QStringLiteral("unknown key, ignored"));
            }
            if (!targetNode || !targetNode.IsScalar()) {
                error(entry.second, key + QStringLiteral(".model"), QStringLiteral("field required"));
                continue;
            }
        } else if (!entry.second.IsScalar()) {
            error(entry.second, key, QStringLiteral("expected a model_name or {model: model_name, hidden: bool}"));
            continue;
        }
        const QString target = resolveString(targetNode, key).value_or(QString());
        if (!m_result.config.skippedReason(target).isEmpty()) {
            warn(targetNode, key,
                 QStringLiteral("\"%1\" is not served (%2); alias ignored")
                     .arg(target, m_result.config.skippedReason(target)));
            continue;
        }
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
    loadEnvironment(root["environment_variables"]);
    checkGuardrails(root);

    const YAML::Node list = root["model_list"];
    if (!list || list.IsNull()) {
        // LiteLLM starts without models (they may be added through its API); so does Switchboard.
        warn(root, QStringLiteral("model_list"),
             QStringLiteral("no model_list: Switchboard starts with no models and answers every request with 404"));
    } else if (!list.IsSequence() || list.size() == 0) {
        error(list, QStringLiteral("model_list"), QStringLiteral("at least one model is required"));
    } else {
        int index = 0;
        for (const auto &item : list)
            loadDeployment(item, index++);
        makeGeneratedIdsUnique();
        const QStringList served = config.modelNames();
        for (const Skipped &skipped : std::as_const(m_skipped)) {
            if (!served.contains(skipped.modelName) && !config.skippedModels.contains(skipped.modelName))
                config.skippedModels.insert(skipped.modelName, skipped.why);
        }
        if (config.deployments.empty() && !m_skipped.isEmpty()) {
            QStringList reasons;
            for (const Skipped &skipped : std::as_const(m_skipped))
                reasons.append(skipped.why);
            error(list, QStringLiteral("model_list"),
                  QStringLiteral("no deployment can be served: %1").arg(reasons.join(QStringLiteral("; "))));
        }
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
                    // A cache only saves work: run with the in-memory exact-match cache (which can only
                    // return what an identical request got) rather than refuse the file.
                    warn(params["type"], key + QStringLiteral("type"),
                         QStringLiteral("\"%1\" is not supported; the in-memory local cache (exact matches only) "
                                        "is used instead")
                             .arg(*type));
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
    // Checked where the gateway will really listen: --host/--port win over the file.
    const QString host = m_listen.host.isEmpty() ? config.host : m_listen.host;
    const quint16 port = m_listen.port >= 0 ? quint16(m_listen.port) : config.port;
    if (port != 0)
        m_result.issues.append(ConfigLoader::selfLoopIssues(config, host, port, m_file));
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
    if (!node || !node.IsScalar())
        return std::nullopt;
    return yamlBool(qs(node.Scalar()));
}

bool Loader::isGroup(const QString &name) const
{
    return m_result.config.groupAliases.contains(name) || m_result.config.modelNames().contains(name);
}

bool Loader::servedByWildcard(const QString &name) const
{
    for (const Deployment &deployment : m_result.config.deployments) {
        if (deployment.isWildcard() && deployment.modelName != name) {
            QStringList literals;
            for (const QString &literal : deployment.modelName.split(QLatin1Char('*')))
                literals.append(QRegularExpression::escape(literal));
            const QRegularExpression pattern(QRegularExpression::anchoredPattern(literals.join(QStringLiteral(".*"))),
                                             QRegularExpression::DotMatchesEverythingOption);
            if (pattern.match(name).hasMatch())
                return true;
        }
    }
    return false;
}

std::optional<QString> Loader::groupReference(const YAML::Node &node, const QString &key, const QString &name,
                                              Reference role)
{
    if (isGroup(name))
        return name;
    int members = 0;
    QString group;
    for (const Deployment &deployment : m_result.config.deployments) {
        if (deployment.id == name)
            group = deployment.modelName;
    }
    for (const Deployment &deployment : m_result.config.deployments)
        members += !group.isEmpty() && deployment.modelName == group ? 1 : 0;
    if (!group.isEmpty())
        return role == Reference::Target && members > 1 ? name : group;
    const QString skipped = m_result.config.skippedReason(name);
    if (!skipped.isEmpty()) {
        warn(node, key, QStringLiteral("\"%1\" is not served (%2); ignored here").arg(name, skipped));
        return std::nullopt;
    }
    if (servedByWildcard(name))
        return name; // resolved per request, as LiteLLM does: the upstream model is made from it
    error(node, key, QStringLiteral("\"%1\" is not a model_name or model_group_alias").arg(name));
    return std::nullopt;
}

QStringList Loader::loadGroupList(const YAML::Node &node, const QString &key)
{
    QStringList groups;
    if (!node || node.IsNull())
        return groups;
    auto add = [&](const YAML::Node &item) {
        const QString name = resolveString(item, key).value_or(QString());
        if (name.isEmpty())
            return;
        const std::optional<QString> group = groupReference(item, key, name, Reference::Target);
        if (group && !groups.contains(*group))
            groups.append(*group);
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
            const QString name = qs(entry.first.as<std::string>(""));
            const QString entryKey = itemKey + QLatin1Char('.') + name;
            const std::optional<QString> group = groupReference(entry.first, entryKey, name, Reference::Source);
            if (!group)
                continue;
            QStringList groups = loadGroupList(entry.second, entryKey);
            groups.removeAll(*group);
            target.insert(*group, groups);
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
        const std::optional<QString> group =
            groupReference(item["group"], key + QStringLiteral(".group"), rule.group, Reference::Target);
        if (!group)
            continue;
        rule.group = *group;
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
            const QStringList &known = ConfigSchema::find(strategyKey)->choices;
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

ConfigLoadResult ConfigLoader::loadText(const QByteArray &yaml, const QString &fileName, const SecretResolver &secrets,
                                        const ListenOverride &listen)
{
    ConfigLoadResult result;
    // Before the parser: yaml-cpp recurses once per level and would overflow a small stack.
    const YamlNesting nesting = measureYamlNesting(yaml);
    if (nesting.depth > kMaxYamlNesting) {
        result.issues.append({ConfigIssue::Severity::Error, fileName, nesting.firstLineOverLimit, QString(),
                              QStringLiteral("the YAML nests more than %1 levels deep; refusing to read it (a config "
                                             "never needs that many)")
                                  .arg(kMaxYamlNesting)});
        return result;
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        result.issues.append({ConfigIssue::Severity::Error, fileName, e.mark.line >= 0 ? e.mark.line + 1 : 0, QString(),
                              QStringLiteral("invalid YAML: %1").arg(qs(e.msg))});
        return result;
    }
    if (const YamlAliasCheck aliases = checkYamlAliases(root); aliases.verdict != YamlAliasCheck::Verdict::Fine) {
        result.issues.append({ConfigIssue::Severity::Error, fileName, aliases.line, QString(),
                              aliases.verdict == YamlAliasCheck::Verdict::Recursive
                                  ? QStringLiteral("an alias refers to a node that contains it, so the YAML never "
                                                   "ends; refusing to read it")
                                  : QStringLiteral("the aliases expand the YAML to more than a config can hold; "
                                                   "refusing to read it")});
        return result;
    }
    try {
        if (!PyYamlSemantics(fileName, result.issues).apply(root))
            return result;
        QHash<quint64, int> keyLines;
        int budget = 200000;
        collectKeyLines(root, keyLines, budget);
        struct KeyLinesInUse
        {
            explicit KeyLinesInUse(const QHash<quint64, int> *lines) { t_keyLines = lines; }
            ~KeyLinesInUse() { t_keyLines = nullptr; }
        } inUse(&keyLines);
        Loader loader(fileName, secrets, listen, result);
        loader.load(root);
    } catch (const YAML::Exception &e) {
        // yaml-cpp throws on odd shapes (e.g. a non-scalar key); report, never crash.
        result.issues.append({ConfigIssue::Severity::Error, fileName, e.mark.line >= 0 ? e.mark.line + 1 : 0, QString(),
                              QStringLiteral("could not read the config: %1").arg(qs(e.msg))});
    }
    return result;
}

ConfigLoadResult ConfigLoader::loadFile(const QString &path, const SecretResolver &secrets,
                                        const ListenOverride &listen)
{
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (!file.open(QIODevice::ReadOnly)) {
        ConfigLoadResult result;
        result.issues.append({ConfigIssue::Severity::Error, path, 0, QString(),
                              QStringLiteral("cannot read the file: %1").arg(file.errorString())});
        return result;
    }
    return loadText(file.readAll(), path, secrets, listen);
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

QStringList ConfigLoader::providerPrefixes()
{
    QStringList prefixes;
    for (const ProviderPrefix &provider : kProviders)
        prefixes.append(QString::fromLatin1(provider.prefix));
    return prefixes;
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

Expected<void, QString> ConfigLoader::ensureDefaultConfig(const QString &path)
{
    if (QFileInfo::exists(path))
        return {};
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return unexpected(QStringLiteral("cannot create %1").arg(QFileInfo(path).absolutePath()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(defaultConfigText()) < 0 || !file.commit())
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace sb
