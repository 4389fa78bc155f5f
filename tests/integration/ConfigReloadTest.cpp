// Editing the config while the gateway runs: a saved change reaches the next request, a
// stream in flight finishes where it started, and a broken file changes nothing but says why.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"
#include "config/ConfigWatcher.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

QByteArray configFor(const FakeOllama &upstream, const QString &extra = {})
{
    return QStringLiteral("model_list:\n"
                          "  - model_name: main\n"
                          "    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                          "switchboard: {usage_enabled: false}\n%2")
        .arg(upstream.baseUrl(), extra)
        .toUtf8();
}

// Saves the way most editors do: a temporary file renamed over the old one.
void save(const QString &path, const QByteArray &text)
{
    QSaveFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(text);
    REQUIRE(file.commit());
}

QString streamedText(const HttpResult &result)
{
    QString text;
    for (const QJsonObject &event : result.eventData())
        text += event.value(QStringLiteral("delta")).toObject().value(QStringLiteral("text")).toString();
    return text;
}

} // namespace

TEST_CASE("a saved config change reaches the next request; streams in flight finish; a broken file is refused")
{
    FakeOllama first;
    FakeOllama second;
    FakeTurn slow = FakeTurn::withText(QString(40, QLatin1Char('a')));
    slow.textPieces = 20;
    first.setTurn(slow);
    first.setChunkDelay(50); // a second of streaming
    second.setTurn(FakeTurn::withText(QStringLiteral("from the second")));

    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("config.yaml"));
    save(path, configFor(first));
    GatewayHarness gateway(configFor(first));
    REQUIRE(gateway.started());

    ConfigWatcher watcher(path);
    QList<ConfigLoadResult> reloads;
    QList<ConfigLoadResult> refusals;
    QObject::connect(&watcher, &ConfigWatcher::reloaded, &watcher, [&](const ConfigLoadResult &result) {
        reloads.append(result);
        gateway.service().applyConfig(result.config);
    });
    QObject::connect(&watcher, &ConfigWatcher::rejected, &watcher,
                     [&](const ConfigLoadResult &result) { refusals.append(result); });

    // A stream starts on the first upstream...
    QNetworkReply *inFlight =
        gateway.start(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    REQUIRE(waitUntil([&] { return first.turnCount() == 1; }));

    // ...the mapping moves to the second while it runs.
    save(path, configFor(second));
    REQUIRE(waitUntil([&] { return reloads.size() == 1; }));
    CHECK(reloads.first().config.deployments.front().apiBase == QUrl(second.baseUrl()));
    const HttpResult next =
        gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), true));
    CHECK(next.status == 200);
    CHECK(streamedText(next) == QStringLiteral("from the second"));
    CHECK(second.turnCount() == 1);

    REQUIRE(waitUntil([&] { return inFlight->isFinished(); }));
    HttpResult old;
    old.status = inFlight->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    old.body = inFlight->readAll();
    CHECK(old.status == 200);
    CHECK(streamedText(old) == QString(40, QLatin1Char('a')));
    CHECK(old.eventNames().contains(QStringLiteral("message_stop")));
    delete inFlight;

    // A broken file: refused with the line and key, and the running config stays.
    save(path, configFor(second, QStringLiteral("router_settings: {num_retries: \"lots\"}\n")));
    REQUIRE(waitUntil([&] { return refusals.size() == 1; }));
    CHECK_FALSE(refusals.first().ok());
    const QString why = refusals.first().errors().join(QLatin1Char('\n'));
    INFO(why.toStdString());
    CHECK(why.contains(QStringLiteral("num_retries")));
    CHECK(why.contains(QStringLiteral("config.yaml:5")));
    CHECK(reloads.size() == 1);
    CHECK(gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false)).status == 200);
    CHECK(second.turnCount() == 2);

    // The fixed file loads again.
    save(path, configFor(first));
    REQUIRE(waitUntil([&] { return reloads.size() == 2; }));
    CHECK(gateway.post(QStringLiteral("/v1/messages"), claudeCodeRequest(QStringLiteral("main"), false)).status == 200);
    CHECK(first.turnCount() == 2);
}
