#include "ollama/OllamaClient.h"
#include "FakeHttpServer.h"
#include "FakeOllamaModels.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::test;

namespace {

QList<FakeOllamaModels::Model> twoModels()
{
    FakeOllamaModels::Model coder;
    coder.name = QStringLiteral("qwen2.5-coder:7b");
    coder.sizeBytes = 4683087332LL;
    coder.family = QStringLiteral("qwen2");
    coder.parameterSize = QStringLiteral("7.6B");
    coder.quantization = QStringLiteral("Q4_K_M");
    coder.numCtx = 32768;
    coder.loadedVram = 5000000000LL;
    FakeOllamaModels::Model old;
    old.name = QStringLiteral("deepseek-coder:6.7b");
    old.sizeBytes = 3827834503LL;
    old.family = QStringLiteral("llama");
    old.contextLength = 16384;
    old.capabilities = {QStringLiteral("completion")};
    return {coder, old};
}

} // namespace

TEST_CASE("OllamaClient lists, shows, reports running models and deletes", "[ollama]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    FakeOllamaModels fake(server);
    fake.setModels(twoModels());
    server.setHandler("GET", "/api/version",
                      [](const RecordedRequest &) { return FakeReply::json(200, R"({"version":"0.12.6"})"); });
    OllamaClient client(QUrl(server.baseUrl()));

    bool done = false;
    QString version;
    client.version([&](const Expected<QString, QString> &v) {
        version = v.valueOr(QString());
        done = v.hasValue();
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK(version == QStringLiteral("0.12.6"));

    QList<OllamaModel> models;
    done = false;
    client.listModels([&](const Expected<QList<OllamaModel>, QString> &m) {
        models = m.valueOr(QList<OllamaModel>());
        done = m.hasValue();
    });
    REQUIRE(waitUntil([&] { return done; }));
    REQUIRE(models.size() == 2);
    CHECK(models[0].name == QStringLiteral("qwen2.5-coder:7b"));
    CHECK(models[0].sizeBytes == 4683087332LL);
    CHECK(models[0].quantization == QStringLiteral("Q4_K_M"));
    CHECK(models[0].modifiedAt.isValid());

    QList<OllamaRunningModel> running;
    done = false;
    client.runningModels([&](const Expected<QList<OllamaRunningModel>, QString> &m) {
        running = m.valueOr(QList<OllamaRunningModel>());
        done = m.hasValue();
    });
    REQUIRE(waitUntil([&] { return done; }));
    REQUIRE(running.size() == 1);
    CHECK(running[0].vramBytes == 5000000000LL);
    CHECK(running[0].contextLength == 32768);

    OllamaModelDetails details;
    done = false;
    client.showModel(QStringLiteral("qwen2.5-coder:7b"), [&](const Expected<OllamaModelDetails, QString> &d) {
        details = d.valueOr(OllamaModelDetails{});
        done = d.hasValue();
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK(details.supportsTools());
    CHECK(details.contextLength == 32768);
    CHECK(details.configuredContext == 32768);

    done = false;
    client.showModel(QStringLiteral("deepseek-coder:6.7b"), [&](const Expected<OllamaModelDetails, QString> &d) {
        details = d.valueOr(OllamaModelDetails{});
        done = d.hasValue();
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK_FALSE(details.supportsTools());
    CHECK(details.contextLength == 16384);
    CHECK(details.configuredContext == 0);

    QString error;
    done = false;
    client.showModel(QStringLiteral("nope:1b"), [&](const Expected<OllamaModelDetails, QString> &d) {
        error = d ? QString() : d.error();
        done = true;
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK(error.contains(QStringLiteral("not found")));

    bool deleted = false;
    done = false;
    client.deleteModel(QStringLiteral("deepseek-coder:6.7b"), [&](const Expected<void, QString> &removed) {
        deleted = removed.hasValue();
        done = true;
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK(deleted);
    CHECK(fake.models().size() == 1);
    done = false;
    client.deleteModel(QStringLiteral("deepseek-coder:6.7b"), [&](const Expected<void, QString> &removed) {
        deleted = removed.hasValue();
        error = removed ? QString() : removed.error();
        done = true;
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK_FALSE(deleted);
    CHECK(error.contains(QStringLiteral("not found")));
}

TEST_CASE("OllamaClient says when Ollama is not running", "[ollama]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    server.close();
    OllamaClient client(QUrl(server.baseUrl()));
    QString error;
    bool done = false;
    client.listModels([&](const Expected<QList<OllamaModel>, QString> &m) {
        error = m ? QString() : m.error();
        done = true;
    });
    REQUIRE(waitUntil([&] { return done; }));
    CHECK(error.contains(QStringLiteral("ollama serve")));
}

TEST_CASE("Ollama's parsers refuse a body that is not a JSON object, in words", "[ollama]")
{
    const QByteArray garbage = "<html>502 Bad Gateway</html>";
    const auto tags = ollama::parseTags(garbage);
    REQUIRE_FALSE(tags.hasValue());
    CHECK(tags.error().startsWith(QStringLiteral("Ollama sent something that is not a JSON object: ")));
    CHECK_FALSE(ollama::parsePs("[1,2]").hasValue());
    CHECK_FALSE(ollama::parseShow(QStringLiteral("m"), "").hasValue());
    CHECK_FALSE(ollama::parseVersion("\"0.12\"").hasValue());
    // An object without the fields is understood as empty, not as a failure.
    const auto none = ollama::parseTags("{}");
    REQUIRE(none.hasValue());
    CHECK(none->isEmpty());
    const auto version = ollama::parseVersion(R"({"version":"0.13.0"})");
    REQUIRE(version.hasValue());
    CHECK(*version == QStringLiteral("0.13.0"));
}
