// ProxyService's calls return at once; what happens on the gateway thread comes back as
// signals, in order.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <QTcpServer>

using namespace sb;
using namespace sb::test;

namespace {

GatewayConfig configFor(const QString &ollama, quint16 port)
{
    ConfigLoadResult loaded = ConfigLoader::loadText(
        QStringLiteral("model_list:\n  - model_name: main\n    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                       "switchboard: {usage_enabled: false}\n")
            .arg(ollama)
            .toUtf8(),
        QStringLiteral("t.yaml"));
    REQUIRE(loaded.ok());
    loaded.config.host = QStringLiteral("127.0.0.1");
    loaded.config.port = port;
    return loaded.config;
}

} // namespace

TEST_CASE("ProxyService starts and stops asynchronously, saying so with signals")
{
    FakeOllama ollama;
    ProxyService service;
    QStringList states;
    QObject::connect(&service, &ProxyService::stateChanged, &service, [&states](ProxyService::State state) {
        static const char *const names[] = {"Stopped", "Starting", "Running", "Stopping"};
        states.append(QLatin1String(names[int(state)]));
    });
    quint16 startedPort = 0;
    QObject::connect(&service, &ProxyService::started, &service, [&](quint16 port) { startedPort = port; });
    int stoppedCount = 0;
    QObject::connect(&service, &ProxyService::stopped, &service, [&] { ++stoppedCount; });

    service.start(configFor(ollama.baseUrl(), 0), {QStringLiteral("t")});
    // The call returned before the port was bound: that happens on the gateway thread.
    CHECK(service.state() == ProxyService::State::Starting);
    CHECK_FALSE(service.isRunning());
    REQUIRE(waitUntil([&] { return service.isRunning(); }));
    CHECK(startedPort > 0);
    CHECK(service.port() == startedPort);
    CHECK(service.baseUrl() == QStringLiteral("http://127.0.0.1:%1").arg(startedPort));

    service.stop(1000);
    CHECK(service.state() == ProxyService::State::Stopping);
    REQUIRE(waitUntil([&] { return service.state() == ProxyService::State::Stopped; }));
    CHECK(stoppedCount == 1);
    CHECK(states == QStringList{QStringLiteral("Starting"), QStringLiteral("Running"), QStringLiteral("Stopping"),
                                QStringLiteral("Stopped")});
    // The port is free again, and the same service starts anew.
    QTcpServer reuse;
    CHECK(reuse.listen(QHostAddress::LocalHost, startedPort));
    reuse.close();
    service.start(configFor(ollama.baseUrl(), startedPort), {QStringLiteral("t")});
    REQUIRE(waitUntil([&] { return service.isRunning(); }));
    CHECK(service.port() == startedPort);
}

TEST_CASE("ProxyService reports a taken port with failed(), and a stop while starting never shows Running")
{
    FakeOllama ollama;
    QTcpServer squatter;
    REQUIRE(squatter.listen(QHostAddress::LocalHost, 0));
    ProxyService service;
    QString failure;
    QObject::connect(&service, &ProxyService::failed, &service, [&](const QString &error) { failure = error; });
    service.start(configFor(ollama.baseUrl(), squatter.serverPort()), {QStringLiteral("t")});
    REQUIRE(waitUntil([&] { return !failure.isEmpty(); }));
    CHECK(failure.contains(QString::number(squatter.serverPort())));
    CHECK(service.state() == ProxyService::State::Stopped);

    bool sawRunning = false;
    QObject::connect(&service, &ProxyService::runningChanged, &service,
                     [&](bool running) { sawRunning = sawRunning || running; });
    service.start(configFor(ollama.baseUrl(), 0), {QStringLiteral("t")});
    service.stop(0);
    REQUIRE(waitUntil([&] { return service.state() == ProxyService::State::Stopped; }));
    CHECK_FALSE(sawRunning);
}
