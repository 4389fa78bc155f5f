// switchboard-affinity-bench: session affinity vs plain shuffle on multi-turn sessions.
// Four fake OpenAI-compatible deployments model a prefix cache: each remembers the last
// prompt it saw per session and takes time proportional to the part of the new prompt it
// has not seen (5 ms per KB, a local model prefilling). Sixteen concurrent sessions of ten turns each go through the
// real gateway, once with switchboard.session_affinity on and once off. Prints total time
// and the cache hit ratio (prompt bytes served from cache / all prompt bytes).
#include "FakeHttpServer.h"
#include "TestWait.h"
#include "config/ConfigLoader.h"
#include "server/ProxyService.h"

#include <QEventLoop>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>
#include <vector>

using namespace sb;
using namespace sb::test;

namespace {

struct PrefixCacheUpstream
{
    std::unique_ptr<FakeHttpServer> server = std::make_unique<FakeHttpServer>();
    QHash<QString, QByteArray> lastPrompt; // session → prompt
    qint64 cachedBytes = 0;
    qint64 totalBytes = 0;

    PrefixCacheUpstream()
    {
        server->setRecording(false);
        server->setHandler("POST", "/v1/chat/completions", [this](const RecordedRequest &request) {
            const QJsonObject body = request.json();
            const QByteArray prompt =
                QJsonDocument(body.value(QStringLiteral("messages")).toArray()).toJson(QJsonDocument::Compact);
            const QString session = body.value(QStringLiteral("messages"))
                                        .toArray()
                                        .last()
                                        .toObject()
                                        .value(QStringLiteral("content"))
                                        .toString()
                                        .section(QLatin1Char(' '), 0, 0);
            const QByteArray previous = lastPrompt.value(session);
            qsizetype common = 0;
            while (common < previous.size() && common < prompt.size() && previous.at(common) == prompt.at(common))
                ++common;
            lastPrompt.insert(session, prompt);
            cachedBytes += common;
            totalBytes += prompt.size();
            FakeReply reply =
                FakeReply::json(200, R"({"id":"c","object":"chat.completion","created":1,"model":"m",)"
                                     R"("choices":[{"index":0,"message":{"role":"assistant","content":"ok"},)"
                                     R"("finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":1}})");
            reply.firstByteDelayMs = int((prompt.size() - common) * 5 / 1024);
            return reply;
        });
    }
};

struct Result
{
    double seconds = 0;
    double hitRatio = 0;
    int failures = 0;
};

Result run(bool affinity, const char *strategy)
{
    std::vector<std::unique_ptr<PrefixCacheUpstream>> upstreams;
    QByteArray yaml = "model_list:\n";
    for (int i = 0; i < 4; ++i) {
        upstreams.push_back(std::make_unique<PrefixCacheUpstream>());
        yaml += QStringLiteral("  - model_name: main\n    litellm_params: {model: openai/m, api_base: '%1/v1'}\n")
                    .arg(upstreams.back()->server->baseUrl())
                    .toUtf8();
    }
    yaml += QByteArray("router_settings: {routing_strategy: ") + strategy + "}\n";
    yaml +=
        QByteArray("switchboard: {session_affinity: ") + (affinity ? "true" : "false") + ", usage_enabled: false}\n";
    ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("bench.yaml"));
    if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(loaded.errors().join(QLatin1Char('\n'))));
        return {};
    }
    loaded.config.port = 0;
    ProxyService service;
    QString error;
    QEventLoop starting;
    QObject::connect(&service, &ProxyService::started, &starting, &QEventLoop::quit);
    QObject::connect(&service, &ProxyService::failed, &starting, [&](const QString &reason) {
        error = reason;
        starting.quit();
    });
    service.start(loaded.config, {QStringLiteral("bench")});
    starting.exec();
    if (!service.isRunning()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return {};
    }
    constexpr int kSessions = 16;
    constexpr int kTurns = 10;
    std::vector<std::unique_ptr<QNetworkAccessManager>> clients;
    std::vector<QJsonArray> histories(kSessions);
    std::vector<int> turn(kSessions, 0);
    int done = 0;
    Result result;
    QElapsedTimer clock;
    clock.start();
    const QString filler = QString(16 * 1024, QLatin1Char('s'));
    std::function<void(int)> send = [&](int s) {
        QJsonArray &history = histories[size_t(s)];
        history.append(QJsonObject{
            {QStringLiteral("role"), QStringLiteral("user")},
            {QStringLiteral("content"), QStringLiteral("session-%1 turn %2 %3")
                                            .arg(s)
                                            .arg(turn[size_t(s)])
                                            .arg(turn[size_t(s)] == 0 ? filler : QString(3000, QLatin1Char('t')))}});
        const QJsonObject body{{QStringLiteral("model"), QStringLiteral("main")},
                               {QStringLiteral("max_tokens"), 16},
                               {QStringLiteral("system"), QStringLiteral("You are a coding agent. ") + filler},
                               {QStringLiteral("messages"), history}};
        QNetworkRequest request(QUrl(service.baseUrl() + QStringLiteral("/v1/messages")));
        request.setRawHeader("Authorization", "Bearer bench");
        request.setRawHeader("Content-Type", "application/json");
        request.setRawHeader("x-claude-code-session-id", QByteArray::number(s));
        QNetworkReply *reply = clients[size_t(s)]->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, s] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                ++result.failures;
            reply->deleteLater();
            histories[size_t(s)].append(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                    {QStringLiteral("content"), QStringLiteral("ok")}});
            if (++turn[size_t(s)] < kTurns)
                send(s);
            else
                ++done;
        });
    };
    for (int s = 0; s < kSessions; ++s) {
        clients.push_back(std::make_unique<QNetworkAccessManager>());
        send(s);
    }
    waitUntil([&] { return done == kSessions; }, 600000);
    result.seconds = clock.elapsed() / 1000.0;
    qint64 cached = 0, total = 0;
    for (const auto &upstream : upstreams) {
        cached += upstream->cachedBytes;
        total += upstream->totalBytes;
    }
    result.hitRatio = total > 0 ? double(cached) / double(total) : 0;
    service.stop(1000);
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::printf(
        "\n| 4 deployments, 16 sessions x 10 turns | total s | prompt cache hit ratio | failed |\n|---|---|---|---|\n");
    for (const char *strategy : {"simple-shuffle", "least-busy"}) {
        for (bool affinity : {true, false}) {
            const Result r = run(affinity, strategy);
            std::printf("| %s, affinity %s | %.2f | %.1f %% | %d |\n", strategy, affinity ? "on" : "off", r.seconds,
                        r.hitRatio * 100.0, r.failures);
            std::fflush(stdout);
        }
    }
    return 0;
}
