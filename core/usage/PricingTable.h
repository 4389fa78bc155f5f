#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace sb {

// USD per token for each kind of token a request is billed for.
struct TokenRates
{
    double input = 0;
    double output = 0;
    double cacheWrite = 0; // prompt-cache write (Anthropic's 5-minute write)
    double cacheRead = 0;  // prompt-cache hit
};

// One model's list price, as written in pricing.json (which states USD per million tokens).
struct ModelPrice
{
    QString id;                 // "claude-opus-5-5", "gpt-4.1-mini"
    QString provider;           // "anthropic", "openai"
    QString family;             // "opus", "sonnet", "haiku", "fable"; empty for non-Claude models
    bool familyDefault = false; // prices an unknown id of the same family
    TokenRates rates;
    qint64 aboveInputTokens = 0; // > 0: prompts longer than this use `aboveRates`
    TokenRates aboveRates;
    QString date;
    QString source;

    const TokenRates &ratesFor(qint64 promptTokens) const;
};

// The list prices of the Anthropic and OpenAI models: resources/pricing.json, with the
// user's own file (same format) merged over it. Immutable once loaded; cheap to copy.
class PricingTable final
{
public:
    struct Loaded;

    // Parses the pricing.json format, or says why it cannot.
    static Expected<PricingTable, QString> fromJson(const QByteArray &json);
    // The built-in table, then `userFile` (when not empty) merged over it. Problems with the
    // user's file are warnings: the built-in prices stay in force.
    static Loaded load(const QString &userFile);
    static PricingTable builtIn();

    // Entries of `overrides` replace ours with the same id; new ids are added.
    void merge(const PricingTable &overrides);

    // The price of a model id as an upstream names it ("anthropic/claude-sonnet-4-5-20250929",
    // "gpt-4o-2024-08-06", "claude-opus-4-5@20251101"): exact id, else the longest known id
    // that prefixes it at a '-' boundary. nullptr when unknown.
    const ModelPrice *find(const QString &modelId) const;
    // The Claude list price for what a client asked for: like find(), and when the exact
    // id is unknown, the family default of the family named in the id ("claude-opus-9" →
    // the current Opus). nullptr for non-Claude ids.
    const ModelPrice *findClaude(const QString &clientModel) const;

    const std::vector<ModelPrice> &models() const { return m_models; }

    // Lower-case, provider prefix and "[1m]" / "@version" suffixes removed, and for Claude ids
    // dots turned into dashes ("claude-sonnet-4.5" → "claude-sonnet-4-5").
    static QString normalisedId(const QString &modelId);

private:
    std::vector<ModelPrice> m_models;
};

struct PricingTable::Loaded
{
    PricingTable table;
    QStringList warnings;
};

} // namespace sb
