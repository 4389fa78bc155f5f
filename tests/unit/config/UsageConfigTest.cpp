#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

bool hasIssueFor(const ConfigLoadResult &result, const QString &keyPart)
{
    for (const ConfigIssue &issue : result.issues) {
        if (issue.key.contains(keyPart))
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("per-deployment prices and the usage settings load without warnings")
{
    const ConfigLoadResult result = ConfigLoader::loadText("model_list:\n"
                                                           "  - model_name: local\n"
                                                           "    litellm_params:\n"
                                                           "      model: ollama/qwen2.5-coder:7b\n"
                                                           "      num_ctx: 32768\n"
                                                           "      input_cost_per_token: 0.0000002\n"
                                                           "      output_cost_per_token: 0.0000008\n"
                                                           "      input_cost_per_second: 0.0005\n"
                                                           "  - model_name: plain\n"
                                                           "    litellm_params:\n"
                                                           "      model: ollama/qwen2.5-coder:1.5b\n"
                                                           "      num_ctx: 32768\n"
                                                           "switchboard:\n"
                                                           "  usage_enabled: false\n"
                                                           "  usage_db: /tmp/spend.sqlite\n"
                                                           "  usage_retention_days: 30\n"
                                                           "  pricing_file: /tmp/prices.json\n"
                                                           "  metrics_open: true\n",
                                                           QStringLiteral("usage.yaml"));
    INFO(result.warnings().join(QLatin1Char('\n')).toStdString());
    REQUIRE(result.ok());
    CHECK(result.warnings().isEmpty());
    REQUIRE(result.config.deployments.size() == 2);
    const Deployment &priced = result.config.deployments[0];
    CHECK(priced.inputCostPerToken == Approx(0.0000002));
    CHECK(priced.outputCostPerToken == Approx(0.0000008));
    CHECK(priced.inputCostPerSecond == Approx(0.0005));
    const Deployment &plain = result.config.deployments[1];
    CHECK(plain.inputCostPerToken < 0);
    CHECK(plain.outputCostPerToken < 0);
    CHECK(plain.inputCostPerSecond < 0);

    const GatewayConfig &config = result.config;
    CHECK_FALSE(config.usageEnabled);
    CHECK(config.usageDbPath == QStringLiteral("/tmp/spend.sqlite"));
    CHECK(config.usageRetentionDays == 30);
    CHECK(config.pricingFile == QStringLiteral("/tmp/prices.json"));
    CHECK(config.metricsOpen);
}

TEST_CASE("usage settings default to on, 90 days, closed metrics")
{
    const ConfigLoadResult result = ConfigLoader::loadText(
        "model_list:\n  - model_name: m\n    litellm_params: {model: ollama/m, num_ctx: 32768}\n",
        QStringLiteral("d.yaml"));
    REQUIRE(result.ok());
    CHECK(result.config.usageEnabled);
    CHECK(result.config.usageDbPath.isEmpty());
    CHECK(result.config.usageRetentionDays == 90);
    CHECK_FALSE(result.config.metricsOpen);
}

TEST_CASE("a negative price and an out-of-range retention are errors naming the key")
{
    const ConfigLoadResult result =
        ConfigLoader::loadText("model_list:\n"
                               "  - model_name: m\n"
                               "    litellm_params: {model: ollama/m, num_ctx: 32768, output_cost_per_token: -1}\n"
                               "switchboard:\n"
                               "  usage_retention_days: -3\n",
                               QStringLiteral("bad.yaml"));
    CHECK_FALSE(result.ok());
    CHECK(hasIssueFor(result, QStringLiteral("output_cost_per_token")));
    CHECK(hasIssueFor(result, QStringLiteral("usage_retention_days")));
}
