// The gateway's endpoint table: which endpoint serves a method and path, in which dialect,
// with which access, and the texts of the 404 and 405 answers made from it.
#include "server/EndpointTable.h"

#include <catch2/catch.hpp>

using namespace sb;
using Id = EndpointTable::Id;
using Access = EndpointTable::Access;

TEST_CASE("every served method and path finds its endpoint, dialect and access")
{
    struct Case
    {
        const char *method;
        const char *path;
        Id id;
        ClientDialect dialect;
        Access access;
    };
    const Case cases[] = {
        {"POST", "/v1/messages", Id::Messages, ClientDialect::Anthropic, Access::Token},
        {"POST", "/v1/messages/count_tokens", Id::CountTokens, ClientDialect::Anthropic, Access::Token},
        {"POST", "/v1/chat/completions", Id::ChatCompletions, ClientDialect::OpenAi, Access::Token},
        {"POST", "/chat/completions", Id::ChatCompletions, ClientDialect::OpenAi, Access::Token},
        {"GET", "/v1/models", Id::Models, ClientDialect::OpenAi, Access::Token},
        {"HEAD", "/v1/models", Id::Models, ClientDialect::OpenAi, Access::Token},
        {"GET", "/models", Id::Models, ClientDialect::OpenAi, Access::Token},
        {"GET", "/health", Id::Health, ClientDialect::Anthropic, Access::Token},
        {"GET", "/health/readiness", Id::Readiness, ClientDialect::Anthropic, Access::Token},
        {"GET", "/health/liveliness", Id::Liveness, ClientDialect::Anthropic, Access::Open},
        {"POST", "/health/liveness", Id::Liveness, ClientDialect::Anthropic, Access::Open},
        {"HEAD", "/api/hello", Id::ConnectivityCheck, ClientDialect::Anthropic, Access::Open},
        {"GET", "/metrics", Id::Metrics, ClientDialect::Anthropic, Access::TokenUnlessMetricsOpen},
        {"GET", "/stats", Id::Stats, ClientDialect::Anthropic, Access::Token},
        {"GET", "/logs", Id::Logs, ClientDialect::Anthropic, Access::Token},
    };
    const EndpointTable &table = EndpointTable::gateway();
    for (const Case &c : cases) {
        INFO(c.method << " " << c.path);
        const EndpointTable::Match match = table.find(QLatin1String(c.method), QLatin1String(c.path));
        REQUIRE(match.endpoint != nullptr);
        CHECK(match.endpoint->id == c.id);
        CHECK(match.pathKnown);
        CHECK(match.dialect == c.dialect);
        CHECK(table.accessOf(QLatin1String(c.method), QLatin1String(c.path)) == c.access);
    }
}

TEST_CASE("a wrong method on a served path is known (405); other paths are not (404)")
{
    const EndpointTable &table = EndpointTable::gateway();
    struct Case
    {
        const char *method;
        const char *path;
        bool known;
        ClientDialect dialect;
    };
    const Case cases[] = {
        {"GET", "/v1/messages", true, ClientDialect::Anthropic},
        {"GET", "/v1/chat/completions", true, ClientDialect::OpenAi},
        {"POST", "/v1/models", true, ClientDialect::OpenAi},
        {"GET", "/api/hello", true, ClientDialect::Anthropic},
        {"GET", "/v1/nothing", false, ClientDialect::Anthropic},
        {"POST", "/v2/messages", false, ClientDialect::Anthropic},
        // An OpenAI client with an odd base URL reads the answer in its own shape.
        {"POST", "/openai/v1/chat/completions", false, ClientDialect::OpenAi},
        {"GET", "/api/v1/models", false, ClientDialect::OpenAi},
    };
    for (const Case &c : cases) {
        INFO(c.method << " " << c.path);
        const EndpointTable::Match match = table.find(QLatin1String(c.method), QLatin1String(c.path));
        CHECK(match.endpoint == nullptr);
        CHECK(match.pathKnown == c.known);
        CHECK(match.dialect == c.dialect);
        CHECK(table.accessOf(QLatin1String(c.method), QLatin1String(c.path)) == Access::Token);
    }
}

TEST_CASE("the 404 and 405 texts are made from the table")
{
    const EndpointTable &table = EndpointTable::gateway();
    CHECK(table.notFoundMessage(QStringLiteral("GET"), QStringLiteral("/v1/nothing")) ==
          QStringLiteral("no endpoint GET /v1/nothing; Switchboard serves POST /v1/messages, "
                         "POST /v1/messages/count_tokens, POST /v1/chat/completions, GET /v1/models and GET /health"));
    CHECK(table.methodNotAllowedMessage(QStringLiteral("GET"), QStringLiteral("/v1/messages")) ==
          QStringLiteral("GET is not allowed on /v1/messages (it takes POST)"));
    CHECK(table.methodNotAllowedMessage(QStringLiteral("POST"), QStringLiteral("/v1/models")) ==
          QStringLiteral("POST is not allowed on /v1/models (it takes GET, HEAD)"));

    // A table of its own lists its own endpoints.
    const EndpointTable small(
        {{Id::Health, {QStringLiteral("GET")}, {QStringLiteral("/up")}, ClientDialect::Anthropic, Access::Open, true},
         {Id::Stats,
          {QStringLiteral("GET")},
          {QStringLiteral("/hidden")},
          ClientDialect::Anthropic,
          Access::Token,
          false}});
    CHECK(small.notFoundMessage(QStringLiteral("PUT"), QStringLiteral("/x")) ==
          QStringLiteral("no endpoint PUT /x; Switchboard serves GET /up"));
    CHECK(small.find(QStringLiteral("GET"), QStringLiteral("/hidden")).endpoint->id == Id::Stats);
    CHECK(small.accessOf(QStringLiteral("GET"), QStringLiteral("/up")) == Access::Open);
}

TEST_CASE("paths are normalised before lookup: /v1/v1/ and trailing slashes")
{
    CHECK(EndpointTable::normalisedPath(QStringLiteral("/v1/v1/messages")) == QStringLiteral("/v1/messages"));
    CHECK(EndpointTable::normalisedPath(QStringLiteral("/v1/v1/v1/messages")) == QStringLiteral("/v1/messages"));
    CHECK(EndpointTable::normalisedPath(QStringLiteral("/v1/models/")) == QStringLiteral("/v1/models"));
    CHECK(EndpointTable::normalisedPath(QStringLiteral("/health//")) == QStringLiteral("/health"));
    CHECK(EndpointTable::normalisedPath(QStringLiteral("/")) == QStringLiteral("/"));
    CHECK(EndpointTable::normalisedPath(QStringLiteral("/v1/messages")) == QStringLiteral("/v1/messages"));
}
