#include "PricingTable.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

// Outside any namespace, as Q_INIT_RESOURCE requires: the table lives in the static
// switchboard_resources library, and this reference is what links it in.
static void initPricingResource()
{
    Q_INIT_RESOURCE(switchboard_pricing);
}

namespace sb {

namespace {

constexpr double kPerMillion = 1e-6;

Expected<TokenRates, QString> readRates(const QJsonObject &object, const QString &where)
{
    TokenRates rates;
    QString error;
    const auto number = [&](const char *key, double *target, bool required) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isUndefined()) {
            if (required)
                error = QStringLiteral("%1: \"%2\" is required").arg(where, QLatin1String(key));
            return !required;
        }
        if (!value.isDouble() || value.toDouble() < 0) {
            error = QStringLiteral("%1: \"%2\" must be a non-negative number (USD per million tokens)")
                        .arg(where, QLatin1String(key));
            return false;
        }
        *target = value.toDouble() * kPerMillion;
        return true;
    };
    if (!number("input", &rates.input, true) || !number("output", &rates.output, true))
        return unexpected(error);
    // Without a separate price a cache write costs what plain input costs, and so does a
    // cache read (OpenAI bills no writes; a model without a cache discount reads at full price).
    rates.cacheWrite = rates.input;
    rates.cacheRead = rates.input;
    if (!number("cache_write", &rates.cacheWrite, false) || !number("cache_read", &rates.cacheRead, false))
        return unexpected(error);
    return rates;
}

QString familyOf(const QString &normalisedId)
{
    for (const char *family : {"opus", "sonnet", "haiku", "fable", "mythos"}) {
        if (normalisedId.contains(QLatin1String(family)))
            return QLatin1String(family);
    }
    return {};
}

bool prefixesAtBoundary(const QString &prefix, const QString &id)
{
    if (!id.startsWith(prefix))
        return false;
    if (id.size() == prefix.size())
        return true;
    const QChar next = id.at(prefix.size());
    if (next != QLatin1Char('-') && next != QLatin1Char(':') && next != QLatin1Char('_'))
        return false;
    // "claude-opus-4-9" is another model than "claude-opus-4": a one- or two-digit part after
    // the prefix is a minor version, while a date ("-20250514") or a variant name is not.
    qsizetype digits = 0;
    qsizetype at = prefix.size() + 1;
    while (at < id.size() && id.at(at).isDigit()) {
        ++digits;
        ++at;
    }
    const bool partEnds = at == id.size() || id.at(at) == QLatin1Char('-');
    return !(digits >= 1 && digits <= 2 && partEnds);
}

} // namespace

const TokenRates &ModelPrice::ratesFor(qint64 promptTokens) const
{
    return aboveInputTokens > 0 && promptTokens > aboveInputTokens ? aboveRates : rates;
}

QString PricingTable::normalisedId(const QString &modelId)
{
    QString id = modelId.trimmed().toLower();
    const qsizetype slash = id.lastIndexOf(QLatin1Char('/'));
    if (slash >= 0)
        id = id.mid(slash + 1);
    if (id.startsWith(QStringLiteral("anthropic."))) // Bedrock ids
        id = id.mid(10);
    for (const QChar cut : {QLatin1Char('['), QLatin1Char('@')}) {
        const qsizetype at = id.indexOf(cut);
        if (at > 0)
            id.truncate(at);
    }
    if (id.startsWith(QStringLiteral("claude")))
        id.replace(QLatin1Char('.'), QLatin1Char('-'));
    return id;
}

Expected<PricingTable, QString> PricingTable::fromJson(const QByteArray &json)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return unexpected(
            QStringLiteral("not valid JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    const QJsonValue models = document.object().value(QStringLiteral("models"));
    if (!models.isArray())
        return unexpected(QStringLiteral("expected an object with a \"models\" list"));
    PricingTable table;
    int index = 0;
    for (const QJsonValue &value : models.toArray()) {
        const QJsonObject entry = value.toObject();
        const QString where = QStringLiteral("models[%1]").arg(index++);
        ModelPrice price;
        price.id = normalisedId(entry.value(QStringLiteral("id")).toString());
        if (price.id.isEmpty())
            return unexpected(where + QStringLiteral(": \"id\" is required"));
        const Expected<TokenRates, QString> rates = readRates(entry, where + QLatin1Char(' ') + price.id);
        if (!rates)
            return unexpected(rates.error());
        price.rates = *rates;
        price.provider = entry.value(QStringLiteral("provider")).toString();
        price.family = entry.value(QStringLiteral("family")).toString();
        if (price.family.isEmpty() && price.id.startsWith(QStringLiteral("claude")))
            price.family = familyOf(price.id);
        price.familyDefault = entry.value(QStringLiteral("family_default")).toBool();
        price.date = entry.value(QStringLiteral("date")).toString();
        price.source = entry.value(QStringLiteral("source")).toString();
        const QJsonValue above = entry.value(QStringLiteral("above_input_tokens"));
        if (above.isDouble() && above.toDouble() > 0) {
            price.aboveInputTokens = qint64(above.toDouble());
            const Expected<TokenRates, QString> aboveRates =
                readRates(entry.value(QStringLiteral("above")).toObject(),
                          where + QLatin1Char(' ') + price.id + QStringLiteral(" above"));
            if (!aboveRates)
                return unexpected(aboveRates.error());
            price.aboveRates = *aboveRates;
        }
        table.m_models.push_back(price);
    }
    return table;
}

PricingTable PricingTable::builtIn()
{
    initPricingResource();
    QFile file(QStringLiteral(":/switchboard/pricing.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return fromJson(file.readAll()).valueOr(PricingTable());
}

PricingTable::Loaded PricingTable::load(const QString &userFile)
{
    Loaded loaded{builtIn(), {}};
    if (loaded.table.m_models.empty())
        loaded.warnings.append(QStringLiteral("the built-in price table could not be read; every request costs 0"));
    if (userFile.isEmpty())
        return loaded;
    QFile file(userFile);
    if (!file.open(QIODevice::ReadOnly)) {
        loaded.warnings.append(
            QStringLiteral("pricing_file %1: %2; using the built-in prices").arg(userFile, file.errorString()));
        return loaded;
    }
    const Expected<PricingTable, QString> user = fromJson(file.readAll());
    if (!user) {
        loaded.warnings.append(
            QStringLiteral("pricing_file %1: %2; using the built-in prices").arg(userFile, user.error()));
        return loaded;
    }
    loaded.table.merge(*user);
    return loaded;
}

void PricingTable::merge(const PricingTable &overrides)
{
    for (const ModelPrice &price : overrides.m_models) {
        auto existing = std::find_if(m_models.begin(), m_models.end(),
                                     [&](const ModelPrice &model) { return model.id == price.id; });
        if (price.familyDefault) {
            for (ModelPrice &model : m_models) {
                if (model.family == price.family)
                    model.familyDefault = false;
            }
        }
        if (existing != m_models.end())
            *existing = price;
        else
            m_models.push_back(price);
    }
}

const ModelPrice *PricingTable::find(const QString &modelId) const
{
    const QString id = normalisedId(modelId);
    const ModelPrice *best = nullptr;
    for (const ModelPrice &price : m_models) {
        if (prefixesAtBoundary(price.id, id) && (!best || price.id.size() > best->id.size()))
            best = &price;
    }
    return best;
}

const ModelPrice *PricingTable::findClaude(const QString &clientModel) const
{
    const QString id = normalisedId(clientModel);
    if (!id.startsWith(QStringLiteral("claude")))
        return nullptr;
    if (const ModelPrice *exact = find(id))
        return exact;
    const QString family = familyOf(id);
    if (family.isEmpty())
        return nullptr;
    for (const ModelPrice &price : m_models) {
        if (price.family == family && price.familyDefault)
            return &price;
    }
    return nullptr;
}

} // namespace sb
