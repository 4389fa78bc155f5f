#include "usage/CostCalculator.h"
#include "usage/PricingTable.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace sb;

namespace {

Deployment deployment(const QString &id, Provider provider, const QString &upstream, const QString &base)
{
    Deployment d;
    d.id = id;
    d.modelName = id;
    d.provider = provider;
    d.upstreamModel = upstream;
    d.apiBase = QUrl(base);
    return d;
}

RequestRecord tokens(const QString &clientModel, const QString &deploymentId, qint64 input, qint64 output,
                     qint64 cacheRead = 0, qint64 cacheWrite = 0)
{
    RequestRecord r;
    r.clientModel = clientModel;
    r.deployment = deploymentId;
    r.inputTokens = input;
    r.outputTokens = output;
    r.cacheReadTokens = cacheRead;
    r.cacheWriteTokens = cacheWrite;
    r.status = 200;
    return r;
}

} // namespace

TEST_CASE("the built-in price table has Anthropic and OpenAI models, each with a date and a source")
{
    const PricingTable table = PricingTable::builtIn();
    REQUIRE(table.models().size() >= 20);
    int anthropic = 0;
    int openai = 0;
    for (const ModelPrice &price : table.models()) {
        INFO(price.id.toStdString());
        CHECK(price.date.size() == 10);
        CHECK(price.source.startsWith(QStringLiteral("https://")));
        CHECK(price.rates.input > 0);
        CHECK(price.rates.output > price.rates.input);
        CHECK(price.rates.cacheRead < price.rates.input);
        anthropic += price.provider == QStringLiteral("anthropic") ? 1 : 0;
        openai += price.provider == QStringLiteral("openai") ? 1 : 0;
    }
    CHECK(anthropic >= 15);
    CHECK(openai >= 5);
    // Exactly one default per Claude family.
    for (const char *family : {"opus", "sonnet", "haiku"}) {
        int defaults = 0;
        for (const ModelPrice &price : table.models())
            defaults += price.family == QLatin1String(family) && price.familyDefault ? 1 : 0;
        CHECK(defaults == 1);
    }
}

TEST_CASE("model ids resolve to prices through dates, prefixes, suffixes and families")
{
    const PricingTable table = PricingTable::builtIn();
    const auto idOf = [&](const char *model) {
        const ModelPrice *price = table.find(QLatin1String(model));
        return price ? price->id.toStdString() : std::string("-");
    };
    CHECK(idOf("claude-opus-5-5") == "claude-opus-5-5");
    CHECK(idOf("claude-sonnet-4-5-20250929") == "claude-sonnet-4-5");
    CHECK(idOf("anthropic/claude-opus-4-20250514") == "claude-opus-4");
    CHECK(idOf("claude-3-5-haiku-20241022") == "claude-3-5-haiku");
    CHECK(idOf("claude-opus-4-5@20251101") == "claude-opus-4-5");
    CHECK(idOf("claude-opus-5-5[1m]") == "claude-opus-5-5");
    CHECK(idOf("claude-sonnet-4.5") == "claude-sonnet-4-5");
    CHECK(idOf("gpt-4o-mini-2024-07-18") == "gpt-4o-mini");
    CHECK(idOf("gpt-4o-2024-08-06") == "gpt-4o");
    CHECK(idOf("openai/gpt-4.1-mini") == "gpt-4.1-mini");
    CHECK(idOf("gpt-5.4-nano") == "gpt-5.4-nano");
    // A newer minor version is another model, not the older one's price.
    CHECK(idOf("claude-opus-4-9") == "-");
    CHECK(idOf("qwen2.5-coder:7b") == "-");

    const auto claudeOf = [&](const char *model) {
        const ModelPrice *price = table.findClaude(QLatin1String(model));
        return price ? price->id.toStdString() : std::string("-");
    };
    CHECK(claudeOf("claude-opus-4-9") == "claude-opus-5-5");
    CHECK(claudeOf("claude-opus-7-20300101") == "claude-opus-5-5");
    CHECK(claudeOf("claude-sonnet-9") == "claude-sonnet-5-5");
    CHECK(claudeOf("claude-haiku-6-0") == "claude-haiku-5-5");
    CHECK(claudeOf("claude-3-5-haiku-20241022") == "claude-3-5-haiku");
    CHECK(claudeOf("gpt-4o") == "-");
    CHECK(claudeOf("claude-unknown") == "-");
}

TEST_CASE("the user's pricing file overrides and extends the built-in table; a broken one is a warning")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString good = dir.filePath(QStringLiteral("prices.json"));
    {
        QFile file(good);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(R"({"models": [
            {"id": "claude-opus-5-5", "provider": "anthropic", "input": 1, "output": 2},
            {"id": "deepseek-v9", "provider": "deepseek", "input": 0.5, "output": 1, "cache_read": 0.1}
        ]})");
    }
    const PricingTable::Loaded loaded = PricingTable::load(good);
    CHECK(loaded.warnings.isEmpty());
    const ModelPrice *opus = loaded.table.find(QStringLiteral("claude-opus-5-5"));
    REQUIRE(opus);
    CHECK(opus->rates.input == Approx(1e-6));
    CHECK(opus->rates.output == Approx(2e-6));
    CHECK(opus->rates.cacheWrite == Approx(1e-6)); // no cache price given: plain input
    const ModelPrice *deepseek = loaded.table.find(QStringLiteral("deepseek-v9"));
    REQUIRE(deepseek);
    CHECK(deepseek->rates.cacheRead == Approx(0.1e-6));
    CHECK(loaded.table.find(QStringLiteral("gpt-4o"))); // the rest stays

    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    {
        QFile file(bad);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(R"({"models": [{"id": "x", "input": -1, "output": 2}]})");
    }
    const PricingTable::Loaded fallback = PricingTable::load(bad);
    REQUIRE(fallback.warnings.size() == 1);
    CHECK(fallback.warnings.first().contains(QStringLiteral("non-negative")));
    CHECK(fallback.table.find(QStringLiteral("claude-opus-5-5"))->rates.input == Approx(4e-6));

    const PricingTable::Loaded missing = PricingTable::load(dir.filePath(QStringLiteral("nope.json")));
    CHECK(missing.warnings.size() == 1);
    CHECK_FALSE(missing.table.models().empty());
}

TEST_CASE("a pricing file that cannot be used says which entry and which field")
{
    const auto refused = [](const QByteArray &json) {
        const Expected<PricingTable, QString> table = PricingTable::fromJson(json);
        return table ? QString() : table.error();
    };
    CHECK(refused("{\"models\": [").startsWith(QStringLiteral("not valid JSON at byte ")));
    CHECK(refused("{\"prices\": []}") == QStringLiteral("expected an object with a \"models\" list"));
    CHECK(refused(R"({"models": [{"input": 1, "output": 2}]})") == QStringLiteral("models[0]: \"id\" is required"));
    CHECK(refused(R"({"models": [{"id": "m", "input": 1}]})") == QStringLiteral("models[0] m: \"output\" is required"));
    CHECK(refused(R"({"models": [{"id": "m", "input": 1, "output": 2, "cache_read": -1}]})") ==
          QStringLiteral("models[0] m: \"cache_read\" must be a non-negative number (USD per million tokens)"));
    CHECK(refused(R"({"models": [{"id": "a", "input": 1, "output": 2},
                                  {"id": "b", "input": 1, "output": 2, "above_input_tokens": 200000, "above": {"input": 2}}]})") ==
          QStringLiteral("models[1] b above: \"output\" is required"));

    const Expected<PricingTable, QString> good =
        PricingTable::fromJson(R"({"models": [{"id": "m", "input": 3, "output": 15}]})");
    REQUIRE(good.hasValue());
    const ModelPrice *price = good->find(QStringLiteral("m"));
    REQUIRE(price);
    CHECK(price->rates.output == Approx(15e-6));
    CHECK(price->rates.cacheRead == Approx(3e-6)); // no cache price: the input price
}

TEST_CASE("cost: list prices with cache tokens, long-prompt tiers, local zero, configured prices")
{
    Deployment anthropic = deployment(QStringLiteral("opus"), Provider::Anthropic, QStringLiteral("claude-opus-5-5"),
                                      QStringLiteral("https://api.anthropic.com"));
    Deployment haiku = deployment(QStringLiteral("haiku"), Provider::Anthropic, QStringLiteral("claude-haiku-5-5"),
                                  QStringLiteral("https://api.anthropic.com"));
    Deployment openai = deployment(QStringLiteral("gpt"), Provider::OpenAiCompatible, QStringLiteral("gpt-4.1-mini"),
                                   QStringLiteral("https://api.openai.com/v1"));
    Deployment ollama = deployment(QStringLiteral("local"), Provider::Ollama, QStringLiteral("qwen2.5-coder:7b"),
                                   QStringLiteral("http://127.0.0.1:11434"));
    Deployment lan = deployment(QStringLiteral("lan"), Provider::OpenAiCompatible, QStringLiteral("gpt-4o"),
                                QStringLiteral("http://192.168.1.20:8000/v1"));
    Deployment gpu = deployment(QStringLiteral("gpu"), Provider::Ollama, QStringLiteral("llama"),
                                QStringLiteral("http://127.0.0.1:11434"));
    gpu.inputCostPerToken = 1e-7;
    gpu.outputCostPerToken = 2e-7;
    gpu.inputCostPerSecond = 0.01;
    Deployment unknown = deployment(QStringLiteral("far"), Provider::OpenAiCompatible, QStringLiteral("mystery-1"),
                                    QStringLiteral("https://api.example.com/v1"));
    const CostCalculator costs(PricingTable::builtIn(), {anthropic, haiku, openai, ollama, lan, gpu, unknown});

    // Opus 5.5: $4 in, $20 out, $5 cache write, $0.20 cache read per million. Of 10,000
    // prompt tokens 6,000 were read from the cache and 1,000 written to it.
    const UsageRecord opusUsage =
        costs.price(tokens(QStringLiteral("claude-opus-5-5"), QStringLiteral("opus"), 10000, 500, 6000, 1000));
    CHECK(opusUsage.costKnown);
    CHECK(opusUsage.costUsd == Approx(3000 * 4e-6 + 6000 * 0.2e-6 + 1000 * 5e-6 + 500 * 20e-6));
    CHECK(opusUsage.claudeListUsd == Approx(opusUsage.costUsd));
    CHECK(opusUsage.savedUsd == Approx(0).margin(1e-12));

    // Haiku 5.5 prompts over 100,000 tokens use the higher tier.
    const UsageRecord shortPrompt =
        costs.price(tokens(QStringLiteral("claude-haiku-5-5"), QStringLiteral("haiku"), 100000, 1000));
    const UsageRecord longPrompt =
        costs.price(tokens(QStringLiteral("claude-haiku-5-5"), QStringLiteral("haiku"), 100001, 1000));
    CHECK(shortPrompt.costUsd == Approx(100000 * 0.1e-6 + 1000 * 0.5e-6));
    CHECK(longPrompt.costUsd == Approx(100001 * 0.5e-6 + 1000 * 2.5e-6));

    // OpenAI: cached prompt tokens at the cached-input price, no write charge.
    const UsageRecord gptUsage =
        costs.price(tokens(QStringLiteral("gpt-4.1-mini"), QStringLiteral("gpt"), 2000, 100, 1500));
    CHECK(gptUsage.costUsd == Approx(500 * 0.4e-6 + 1500 * 0.1e-6 + 100 * 1.6e-6));
    CHECK(gptUsage.claudeListUsd == 0);
    CHECK(gptUsage.savedUsd == 0);

    // Local deployments cost nothing; what the client asked for decides "saved".
    const UsageRecord local =
        costs.price(tokens(QStringLiteral("claude-sonnet-4-5-20250929"), QStringLiteral("local"), 20000, 1000));
    CHECK(local.costKnown);
    CHECK(local.costUsd == 0);
    CHECK(local.claudeListUsd == Approx(20000 * 3e-6 + 1000 * 15e-6));
    CHECK(local.savedUsd == Approx(local.claudeListUsd));
    const UsageRecord onLan = costs.price(tokens(QStringLiteral("claude-opus-9"), QStringLiteral("lan"), 1000, 100));
    CHECK(onLan.costUsd == 0);
    CHECK(onLan.claudeListUsd == Approx(1000 * 4e-6 + 100 * 20e-6)); // unknown Opus: the family default

    // Configured prices, GPU time included: 2.5 s at $0.01/s.
    RequestRecord timed = tokens(QStringLiteral("claude-haiku-4-5"), QStringLiteral("gpu"), 1000, 200);
    timed.totalMs = 2500;
    const UsageRecord gpuUsage = costs.price(timed);
    CHECK(gpuUsage.costUsd == Approx(1000 * 1e-7 + 200 * 2e-7 + 0.025));
    CHECK(gpuUsage.savedUsd == Approx(gpuUsage.claudeListUsd - gpuUsage.costUsd));

    // A remote model without a price is marked unknown, not silently free.
    const UsageRecord far = costs.price(tokens(QStringLiteral("mystery-1"), QStringLiteral("far"), 1000, 100));
    CHECK_FALSE(far.costKnown);
    CHECK(far.costUsd == 0);

    // No tokens reported (-1): nothing is charged, nothing goes negative.
    const UsageRecord failed = costs.price(tokens(QStringLiteral("claude-opus-5-5"), QStringLiteral("opus"), -1, -1));
    CHECK(failed.costUsd == 0);
    CHECK(failed.savedUsd == 0);
}

TEST_CASE("cost-based routing compares the cost report's prices: the user's file, local zero, configured")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("prices.json"));
    {
        QFile out(file);
        REQUIRE(out.open(QIODevice::WriteOnly));
        out.write(R"({"models": [{"id": "deepseek-v9", "provider": "deepseek", "input": 0.5, "output": 1}]})");
    }
    std::vector<Deployment> list = {
        deployment(QStringLiteral("listed"), Provider::OpenAiCompatible, QStringLiteral("deepseek-v9"),
                   QStringLiteral("https://api.deepseek.example/v1")),
        deployment(QStringLiteral("local"), Provider::OpenAiCompatible, QStringLiteral("deepseek-v9"),
                   QStringLiteral("http://192.168.1.20:8000/v1")),
        deployment(QStringLiteral("configured"), Provider::OpenAiCompatible, QStringLiteral("x"),
                   QStringLiteral("https://x.example/v1")),
        deployment(QStringLiteral("unknown"), Provider::OpenAiCompatible, QStringLiteral("nobody-knows"),
                   QStringLiteral("https://y.example/v1")),
    };
    list[2].inputCostPerToken = 2e-6;
    list[2].outputCostPerToken = 3e-6;
    const CostCalculator costs(PricingTable::load(file).table, list);
    CHECK(costs.routingPrice(list[0]) == Approx(1.5e-6)); // from the user's file, as the report prices it
    CHECK(costs.routingPrice(list[1]) == 0);
    CHECK(costs.routingPrice(list[2]) == Approx(5e-6));
    CHECK(costs.routingPrice(list[3]) == CostCalculator::kUnknownRoutingPrice);
    // The built-in table alone does not know the model the user's file priced.
    CHECK(CostCalculator(PricingTable::builtIn(), list).routingPrice(list[0]) == CostCalculator::kUnknownRoutingPrice);
}
