// The Doctor object as the GUI uses it: run() returns at once, the probes go out on loopback
// to a fake gateway and a fake Ollama, and one finished() carries the checks.
#include "DoctorTestSupport.h"

#include "FakeHttpServer.h"
#include "FakeOllama.h"
#include "FakeOllamaModels.h"
#include "TestWait.h"

#include "doctor/Doctor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

// Inputs pointing at `gatewayUrl` and `ollama`, with Claude Code's files in an empty HOME.
DoctorInputs inputsFor(const QTemporaryDir &home, const QString &gatewayUrl, const QString &ollamaUrl)
{
    DoctorInputs inputs = doctorInputs(
        {ollamaDeployment(QStringLiteral("claude-*"), QStringLiteral("qwen2.5-coder:7b"), 32768, ollamaUrl)});
    inputs.gatewayUrl = gatewayUrl;
    inputs.ollamaUrl = QUrl(ollamaUrl);
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("PATH"), home.path()); // no claude, no npm
    inputs.environment = environment;
    inputs.stateDir = QDir(home.path()).filePath(QStringLiteral("state"));
    inputs.claudePaths = ClaudeCodePaths::fromEnvironment(environment, inputs.stateDir, home.path());
    return inputs;
}

FakeOllamaModels::Model coder()
{
    FakeOllamaModels::Model m;
    m.name = QStringLiteral("qwen2.5-coder:7b");
    m.contextLength = 32768;
    return m;
}

} // namespace

TEST_CASE("the doctor probes the gateway, Ollama and Claude Code without blocking its thread", "[doctor]")
{
    QTemporaryDir home;
    REQUIRE(home.isValid());
    FakeHttpServer gateway;
    REQUIRE(gateway.isListening());
    gateway.setHandler("GET", "/v1/models",
                       [](const RecordedRequest &) { return FakeReply::json(200, R"({"data":[]})"); });
    FakeOllama ollama;
    FakeOllamaModels models(ollama.server());
    models.setModels({coder()});

    Doctor doctor;
    QSignalSpy finished(&doctor, &Doctor::finished);
    REQUIRE(doctor.run(inputsFor(home, gateway.baseUrl(), ollama.baseUrl())));
    // Nothing is answered inside run(): the results come through the event loop.
    CHECK(finished.isEmpty());
    CHECK(doctor.isRunning());
    CHECK_FALSE(doctor.run(inputsFor(home, gateway.baseUrl(), ollama.baseUrl())));

    REQUIRE(waitUntil([&] { return !finished.isEmpty(); }, 15000));
    CHECK_FALSE(doctor.isRunning());
    const QList<DoctorCheck> checks = finished.first().first().value<QList<DoctorCheck>>();
    CHECK(checkIds(checks) == QStringList{QStringLiteral("gateway"), QStringLiteral("ollama"),
                                          QStringLiteral("model-installed:qwen2.5-coder:7b"),
                                          QStringLiteral("model-tools:qwen2.5-coder:7b"),
                                          QStringLiteral("model-context:qwen2.5-coder:7b"),
                                          QStringLiteral("claude-code")});
    for (int i = 0; i < checks.size() - 1; ++i) {
        INFO(checks.at(i).id.toStdString() << ": " << checks.at(i).detail.toStdString());
        CHECK(checks.at(i).ok());
    }
    CHECK(checks.at(1).detail == QStringLiteral("version 0.12.6"));
    // The gateway was asked with the token it hands out.
    const QList<RecordedRequest> asked = gateway.requests("/v1/models");
    REQUIRE(asked.size() == 1);
    CHECK(asked.first().header("authorization") == QByteArray("Bearer sb-test-token"));
    // Claude Code is neither installed nor connected in the empty HOME.
    CHECK(checks.last().status == DoctorCheck::Status::Failure);
    CHECK(checks.last().fix.contains(QStringLiteral("switchboard claude connect")));

    SECTION("a second run after the first finishes runs again")
    {
        models.setModels({});
        REQUIRE(doctor.run(inputsFor(home, gateway.baseUrl(), ollama.baseUrl())));
        REQUIRE(waitUntil([&] { return finished.size() == 2; }, 15000));
        const QList<DoctorCheck> again = finished.at(1).first().value<QList<DoctorCheck>>();
        const DoctorCheck *installed = findCheck(again, QStringLiteral("model-installed:qwen2.5-coder:7b"));
        REQUIRE(installed);
        CHECK(installed->status == DoctorCheck::Status::Failure);
        CHECK(findCheck(again, QStringLiteral("model-tools:qwen2.5-coder:7b")) == nullptr);
    }
}

TEST_CASE("a gateway that never answers costs the caller nothing and fails after the timeout", "[doctor]")
{
    QTemporaryDir home;
    REQUIRE(home.isValid());
    FakeHttpServer gateway;
    REQUIRE(gateway.isListening());
    gateway.setHandler("GET", "/v1/models", [](const RecordedRequest &) {
        FakeReply reply;
        reply.hang = true;
        return reply;
    });
    const QString nothing = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());

    Doctor doctor;
    doctor.setTimeouts(300, 300);
    QSignalSpy finished(&doctor, &Doctor::finished);
    QElapsedTimer clock;
    clock.start();
    REQUIRE(doctor.run(inputsFor(home, gateway.baseUrl(), nothing)));
    CHECK(clock.elapsed() < 100);
    REQUIRE(waitUntil([&] { return !finished.isEmpty(); }, 10000));
    const QList<DoctorCheck> checks = finished.first().first().value<QList<DoctorCheck>>();
    CHECK(checkIds(checks) ==
          QStringList{QStringLiteral("gateway"), QStringLiteral("ollama"), QStringLiteral("claude-code")});
    CHECK(checks.at(0).status == DoctorCheck::Status::Failure);
    CHECK(checks.at(0).fix.startsWith(QStringLiteral("start the gateway")));
    CHECK(checks.at(1).status == DoctorCheck::Status::Failure);
    CHECK(checks.at(1).detail.contains(QStringLiteral("refused the connection")));
    CHECK_FALSE(doctorPassed(checks));
}

TEST_CASE("a doctor destroyed in the middle of a run takes no time and says nothing", "[doctor]")
{
    QTemporaryDir home;
    REQUIRE(home.isValid());
    FakeHttpServer gateway;
    REQUIRE(gateway.isListening());
    gateway.setHandler("GET", "/v1/models", [](const RecordedRequest &) {
        FakeReply reply;
        reply.hang = true;
        return reply;
    });
    bool finished = false;
    QElapsedTimer clock;
    {
        Doctor doctor;
        QObject::connect(&doctor, &Doctor::finished, &doctor, [&finished] { finished = true; });
        REQUIRE(doctor.run(inputsFor(home, gateway.baseUrl(), gateway.baseUrl())));
        REQUIRE(waitUntil([&] { return gateway.requestCount() >= 1; }, 5000));
        clock.start();
    }
    CHECK(clock.elapsed() < 100);
    spinFor(200);
    CHECK_FALSE(finished);
}
