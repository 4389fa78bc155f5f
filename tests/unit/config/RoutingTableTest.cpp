#include "routing/RoutingTable.h"
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

using namespace sb;

TEST_CASE("wildcards match like globs")
{
    CHECK(RoutingTable::wildcardMatches(QStringLiteral("claude-*"), QStringLiteral("claude-opus-5-5")));
    CHECK(RoutingTable::wildcardMatches(QStringLiteral("*"), QStringLiteral("anything")));
    CHECK(RoutingTable::wildcardMatches(QStringLiteral("claude-*haiku*"), QStringLiteral("claude-3-5-haiku-20241022")));
    CHECK(RoutingTable::wildcardMatches(QStringLiteral("claude-*haiku*"), QStringLiteral("claude-haiku-4-5")));
    CHECK_FALSE(RoutingTable::wildcardMatches(QStringLiteral("claude-*haiku*"), QStringLiteral("claude-sonnet-4-5")));
    CHECK_FALSE(RoutingTable::wildcardMatches(QStringLiteral("claude-*"), QStringLiteral("gpt-4o")));
    CHECK(RoutingTable::wildcardMatches(QStringLiteral("a*b*c"), QStringLiteral("aXXbYYc")));
    CHECK_FALSE(RoutingTable::wildcardMatches(QStringLiteral("a*b*c"), QStringLiteral("aXXbYY")));
}

TEST_CASE("exact names beat aliases beat the most specific wildcard")
{
    const QByteArray yaml = "model_list:\n"
                            "  - model_name: '*'\n"
                            "    litellm_params: {model: ollama/catchall}\n"
                            "  - model_name: 'claude-*'\n"
                            "    litellm_params: {model: ollama/main}\n"
                            "  - model_name: 'claude-*haiku*'\n"
                            "    litellm_params: {model: ollama/small}\n"
                            "  - model_name: claude-opus-5-5\n"
                            "    litellm_params: {model: ollama/exact-a}\n"
                            "  - model_name: claude-opus-5-5\n"
                            "    litellm_params: {model: ollama/exact-b}\n"
                            "router_settings:\n"
                            "  model_group_alias: {gpt-4: claude-opus-5-5}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    REQUIRE(result.ok());
    RoutingTable table(result.config);

    auto first = [&table](const char *model) {
        const auto list = table.candidates(QLatin1String(model));
        return list.empty() ? QString() : list.front()->upstreamModel;
    };
    CHECK(first("claude-opus-5-5") == QStringLiteral("exact-a"));
    CHECK(table.candidates(QStringLiteral("claude-opus-5-5")).size() == 2);
    CHECK(first("gpt-4") == QStringLiteral("exact-a"));
    CHECK(first("claude-haiku-4-5") == QStringLiteral("small"));
    CHECK(first("claude-sonnet-4-5") == QStringLiteral("main"));
    CHECK(first("llama") == QStringLiteral("catchall"));
}

TEST_CASE("a name no pattern matches has no candidates")
{
    const QByteArray yaml = "model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: ollama/main}\n";
    const ConfigLoadResult result = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    RoutingTable table(result.config);
    CHECK(table.candidates(QStringLiteral("gpt-4o")).empty());
    CHECK(table.groupFor(QStringLiteral("gpt-4o")).isEmpty());
}
