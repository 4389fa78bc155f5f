// Where the gateway may listen, decided before any socket opens.
#include "server/BindPolicy.h"

#include <catch2/catch.hpp>

#include <QString>

using namespace sb;

TEST_CASE("loopback is localhost or a loopback address literal, nothing that needs resolving", "[bind]")
{
    for (const char *host : {"localhost", "LocalHost", "127.0.0.1", "127.8.9.10", "::1"}) {
        INFO(host);
        CHECK(BindPolicy::isLoopback(QString::fromLatin1(host)));
    }
    for (const char *host : {"0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", "", "localhost.example"}) {
        INFO(host);
        CHECK_FALSE(BindPolicy::isLoopback(QString::fromLatin1(host)));
    }
}

TEST_CASE("a non-loopback address is refused without a master key and allowed with one", "[bind]")
{
    CHECK(BindPolicy::checkListen(QStringLiteral("127.0.0.1"), QString()));
    CHECK(BindPolicy::checkListen(QStringLiteral("localhost"), QString()));
    CHECK(BindPolicy::checkListen(QStringLiteral("0.0.0.0"), QStringLiteral("sk-master")));

    const Expected<void, QString> refused = BindPolicy::checkListen(QStringLiteral("0.0.0.0"), QString());
    REQUIRE_FALSE(refused);
    CHECK(refused.error() == QStringLiteral("refusing to listen on 0.0.0.0 without general_settings.master_key: anyone "
                                            "on the network could use your models and keys. Set a master_key, or "
                                            "listen on 127.0.0.1"));
    CHECK_FALSE(BindPolicy::checkListen(QStringLiteral("192.168.1.20"), QString()));
}

TEST_CASE("a port is a number from 0 to 65535", "[bind]")
{
    CHECK(BindPolicy::parsePort(QStringLiteral("4000")).valueOr(1) == 4000);
    CHECK(BindPolicy::parsePort(QStringLiteral("0")).valueOr(1) == 0);
    CHECK(BindPolicy::parsePort(QStringLiteral("65535")).valueOr(1) == 65535);
    for (const char *text : {"65536", "-1", "", "port", "40o0", "4000.5"}) {
        INFO(text);
        const Expected<quint16, QString> port = BindPolicy::parsePort(QString::fromLatin1(text));
        REQUIRE_FALSE(port);
        CHECK(port.error() == QStringLiteral("takes a number from 0 to 65535"));
    }
}

TEST_CASE("a client on this machine dials loopback for a wildcard listen address", "[bind]")
{
    CHECK(BindPolicy::localDialHost(QStringLiteral("0.0.0.0")) == QStringLiteral("127.0.0.1"));
    CHECK(BindPolicy::localDialHost(QStringLiteral("::")) == QStringLiteral("127.0.0.1"));
    CHECK(BindPolicy::localDialHost(QStringLiteral("192.168.1.20")) == QStringLiteral("192.168.1.20"));
    CHECK(BindPolicy::localDialHost(QStringLiteral("localhost")) == QStringLiteral("localhost"));
}
