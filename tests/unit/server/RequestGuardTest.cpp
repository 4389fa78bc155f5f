// The request guard on its own: every rule the gateway applies to a request head, case by case.
#include "server/RequestGuard.h"
#include "server/EndpointTable.h"

#include <catch2/catch.hpp>

#include <functional>

using namespace sb;

namespace {

constexpr quint16 kPort = 4000;

RequestGuard::Settings baseSettings()
{
    RequestGuard::Settings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = kPort;
    settings.tokens = {QStringLiteral("sb-token")};
    return settings;
}

// A request every rule lets through; each case changes what it tests.
RequestGuard::Head goodHead()
{
    RequestGuard::Head head;
    head.peer = QHostAddress(QStringLiteral("127.0.0.1"));
    head.method = QStringLiteral("POST");
    head.path = QStringLiteral("/v1/messages");
    head.host = "127.0.0.1:4000";
    head.authorization = "Bearer sb-token";
    return head;
}

struct Case
{
    const char *name;
    std::function<void(RequestGuard::Settings &)> settings;
    std::function<void(RequestGuard::Head &)> head;
    int status;           // 0: allowed
    const char *mentions; // a part of the refusal's message
};

void noSettings(RequestGuard::Settings &) {}

} // namespace

TEST_CASE("the request guard applies the address, Origin, Host and token rules")
{
    const Case cases[] = {
        // allowed_ips
        {"no allowed_ips: any peer", noSettings, [](auto &h) { h.peer = QHostAddress(QStringLiteral("10.1.2.3")); }, 0,
         ""},
        {"IPv4 listed", [](auto &s) { s.allowedIps = {QStringLiteral("127.0.0.1")}; }, [](auto &) {}, 0, ""},
        {"IPv4 not listed", [](auto &s) { s.allowedIps = {QStringLiteral("127.0.0.2")}; }, [](auto &) {}, 403,
         "127.0.0.1 is not in general_settings.allowed_ips"},
        {"IPv4 in a CIDR range", [](auto &s) { s.allowedIps = {QStringLiteral("10.0.0.0/8")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("10.200.3.4")); }, 0, ""},
        {"IPv4 outside a CIDR range", [](auto &s) { s.allowedIps = {QStringLiteral("10.0.0.0/8")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("11.0.0.1")); }, 403, "allowed_ips"},
        {"IPv6 listed", [](auto &s) { s.allowedIps = {QStringLiteral("::1")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("::1")); }, 0, ""},
        {"IPv6 not listed", [](auto &s) { s.allowedIps = {QStringLiteral("127.0.0.1")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("::1")); }, 403, "::1 is not in"},
        {"IPv6 in a CIDR range", [](auto &s) { s.allowedIps = {QStringLiteral("fd00::/8")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("fd12::5")); }, 0, ""},
        {"v4-mapped peer matches its IPv4 entry", [](auto &s) { s.allowedIps = {QStringLiteral("127.0.0.1")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("::ffff:127.0.0.1")); }, 0, ""},
        {"v4-mapped peer, another IPv4 entry", [](auto &s) { s.allowedIps = {QStringLiteral("127.0.0.2")}; },
         [](auto &h) { h.peer = QHostAddress(QStringLiteral("::ffff:127.0.0.1")); }, 403, "allowed_ips"},
        // Origin
        {"Origin absent", noSettings, [](auto &h) { h.origin.clear(); }, 0, ""},
        {"Origin not listed", noSettings, [](auto &h) { h.origin = "https://evil.example"; }, 403,
         "requests from web pages (Origin: https://evil.example) are refused; add the origin to "
         "switchboard.allowed_origins"},
        {"Origin listed", [](auto &s) { s.allowedOrigins = {QStringLiteral("https://app.example")}; },
         [](auto &h) { h.origin = "https://app.example"; }, 0, ""},
        {"another Origin than the listed one", [](auto &s) { s.allowedOrigins = {QStringLiteral("https://app.example")}; },
         [](auto &h) { h.origin = "https://app.example.evil"; }, 403, "allowed_origins"},
        {"Origin *", [](auto &s) { s.allowedOrigins = {QStringLiteral("*")}; },
         [](auto &h) { h.origin = "https://anything.example"; }, 0, ""},
        // Host
        {"Host 127.0.0.1 with our port", noSettings, [](auto &h) { h.host = "127.0.0.1:4000"; }, 0, ""},
        {"Host without a port", noSettings, [](auto &h) { h.host = "127.0.0.1"; }, 0, ""},
        {"Host localhost", noSettings, [](auto &h) { h.host = "localhost:4000"; }, 0, ""},
        {"Host LOCALHOST (case)", noSettings, [](auto &h) { h.host = "LOCALHOST:4000"; }, 0, ""},
        {"Host [::1]:port", noSettings, [](auto &h) { h.host = "[::1]:4000"; }, 0, ""},
        {"Host [::1] without a port", noSettings, [](auto &h) { h.host = "[::1]"; }, 0, ""},
        {"Host [::1] with a wrong port", noSettings, [](auto &h) { h.host = "[::1]:4001"; }, 403,
         "Host \"[::1]:4001\" is not this gateway"},
        {"Host with a wrong port", noSettings, [](auto &h) { h.host = "127.0.0.1:1"; }, 403,
         "Host \"127.0.0.1:1\" is not this gateway; add it to switchboard.allowed_hosts to allow it"},
        {"a foreign Host", noSettings, [](auto &h) { h.host = "evil.example:4000"; }, 403, "evil.example:4000"},
        {"no Host at all", noSettings, [](auto &h) { h.host.clear(); }, 403, "Host \"\" is not this gateway"},
        {"Host the configured listen host", [](auto &s) { s.host = QStringLiteral("192.168.1.7"); },
         [](auto &h) { h.host = "192.168.1.7:4000"; }, 0, ""},
        {"Host listed in allowed_hosts, any port", [](auto &s) { s.allowedHosts = {QStringLiteral("gateway.lan")}; },
         [](auto &h) { h.host = "gateway.lan:9999"; }, 0, ""},
        {"Host listed with its port", [](auto &s) { s.allowedHosts = {QStringLiteral("gateway.lan:8080")}; },
         [](auto &h) { h.host = "gateway.lan:8080"; }, 0, ""},
        {"Host not in allowed_hosts", [](auto &s) { s.allowedHosts = {QStringLiteral("gateway.lan")}; },
         [](auto &h) { h.host = "other.lan"; }, 403, "other.lan"},
        {"allowed_hosts *", [](auto &s) { s.allowedHosts = {QStringLiteral("*")}; },
         [](auto &h) { h.host = "anything.example:1"; }, 0, ""},
        // Token
        {"Bearer token", noSettings, [](auto &) {}, 0, ""},
        {"bearer in lower case", noSettings, [](auto &h) { h.authorization = "bearer sb-token"; }, 0, ""},
        {"BEARER in upper case", noSettings, [](auto &h) { h.authorization = "BEARER sb-token"; }, 0, ""},
        {"Bearer with trailing spaces", noSettings, [](auto &h) { h.authorization = "Bearer sb-token  "; }, 0, ""},
        {"a wrong Bearer token", noSettings, [](auto &h) { h.authorization = "Bearer sb-tokex"; }, 401,
         "missing or invalid token: send the Switchboard gateway token as `Authorization: Bearer <token>` or "
         "`x-api-key` (ANTHROPIC_AUTH_TOKEN in Claude Code's settings)"},
        {"a prefix of the token", noSettings, [](auto &h) { h.authorization = "Bearer sb-tok"; }, 401, "invalid token"},
        {"Basic is not Bearer", noSettings, [](auto &h) { h.authorization = "Basic sb-token"; }, 401, "invalid token"},
        {"x-api-key", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.apiKey = "sb-token";
         },
         0, ""},
        {"a wrong x-api-key", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.apiKey = "nope";
         },
         401, "invalid token"},
        {"Bearer wins over x-api-key", noSettings,
         [](auto &h) {
             h.authorization = "Bearer nope";
             h.apiKey = "sb-token";
         },
         401, "invalid token"},
        {"no token", noSettings, [](auto &h) { h.authorization.clear(); }, 401, "missing or invalid token"},
        {"an empty Bearer token", noSettings, [](auto &h) { h.authorization = "Bearer "; }, 401, "invalid token"},
        {"an empty configured token never matches an empty one",
         [](auto &s) { s.tokens = {QString()}; },
         [](auto &h) {
             h.authorization.clear();
             h.apiKey.clear();
         },
         401, "invalid token"},
        {"no tokens configured", [](auto &s) { s.tokens.clear(); }, [](auto &) {}, 401, "invalid token"},
        {"the second of several tokens",
         [](auto &s) { s.tokens = {QStringLiteral("first"), QStringLiteral("sb-token")}; }, [](auto &) {}, 0, ""},
        // Endpoints without the token
        {"liveliness without a token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/health/liveliness");
         },
         0, ""},
        {"liveness with any method", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("DELETE");
             h.path = QStringLiteral("/health/liveness");
         },
         0, ""},
        {"HEAD /api/hello without a token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("HEAD");
             h.path = QStringLiteral("/api/hello");
         },
         0, ""},
        {"GET /api/hello needs the token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/api/hello");
         },
         401, "invalid token"},
        {"/health needs the token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/health");
         },
         401, "invalid token"},
        {"an unknown path needs the token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/v1/nothing");
         },
         401, "invalid token"},
        {"/metrics needs the token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/metrics");
         },
         401, "invalid token"},
        {"/metrics open with metrics_open", [](auto &s) { s.metricsOpen = true; },
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/metrics");
         },
         0, ""},
        {"metrics_open opens GET /metrics only", [](auto &s) { s.metricsOpen = true; },
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/stats");
         },
         401, "invalid token"},
        // Order: the address, Origin and Host rules come before the token, and hold on open paths.
        {"a foreign Host is 403 even without a token", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.host = "evil.example";
         },
         403, "is not this gateway"},
        {"liveness is refused to a foreign Host", noSettings,
         [](auto &h) {
             h.authorization.clear();
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/health/liveness");
             h.host = "evil.example";
         },
         403, "is not this gateway"},
        {"liveness is refused to an Origin", noSettings,
         [](auto &h) {
             h.method = QStringLiteral("GET");
             h.path = QStringLiteral("/health/liveness");
             h.origin = "https://evil.example";
         },
         403, "allowed_origins"},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        RequestGuard::Settings settings = baseSettings();
        c.settings(settings);
        RequestGuard::Head head = goodHead();
        c.head(head);
        const Expected<void, ApiError> verdict = RequestGuard(settings).check(head);
        if (c.status == 0) {
            INFO((verdict.hasValue() ? std::string() : verdict.error().message.toStdString()));
            CHECK(verdict.hasValue());
            continue;
        }
        REQUIRE_FALSE(verdict.hasValue());
        CHECK(verdict.error().httpStatus == c.status);
        CHECK(verdict.error().type ==
              (c.status == 401 ? QStringLiteral("authentication_error") : QStringLiteral("permission_error")));
        INFO(verdict.error().message.toStdString());
        CHECK(verdict.error().message.contains(QString::fromUtf8(c.mentions)));
    }
}

TEST_CASE("the presented token is the Bearer value in any case, else x-api-key")
{
    CHECK(RequestGuard::presentedToken("Bearer abc", "key") == QStringLiteral("abc"));
    CHECK(RequestGuard::presentedToken("bEaReR  abc ", {}) == QStringLiteral("abc"));
    CHECK(RequestGuard::presentedToken("Bearer ", "key") == QStringLiteral("key"));
    CHECK(RequestGuard::presentedToken("Token abc", "key") == QStringLiteral("key"));
    CHECK(RequestGuard::presentedToken({}, {}).isEmpty());
}
