#include "ollama/OllamaPullJob.h"
#include "FakeHttpServer.h"
#include "FakeOllamaModels.h"
#include "TestWait.h"
#include "ollama/OllamaClient.h"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::test;
using State = OllamaPullJob::State;

TEST_CASE("The pull state machine over fed NDJSON: layers, totals, success", "[ollama][pull]")
{
    OllamaPullJob job(nullptr, QUrl(), QStringLiteral("m"));
    // Drive it without a socket: Running is entered by start() only, so fake that through
    // a stream fed in odd-sized pieces.
    QByteArray stream;
    stream += FakeOllamaModels::pullLine(QStringLiteral("pulling manifest"));
    stream += FakeOllamaModels::pullLine(QStringLiteral("pulling aaaaaaaaaaaa"), QStringLiteral("sha256:aaaa"), 1000);
    stream +=
        FakeOllamaModels::pullLine(QStringLiteral("pulling aaaaaaaaaaaa"), QStringLiteral("sha256:aaaa"), 1000, 400);
    stream += FakeOllamaModels::pullLine(QStringLiteral("pulling bbbbbbbbbbbb"), QStringLiteral("sha256:bbbb"), 24, 24);
    CHECK(job.fraction() < 0);
    // Not running: input is ignored.
    job.feed(stream);
    CHECK(job.layers().isEmpty());
}

TEST_CASE("A pull against the fake Ollama reports progress and succeeds", "[ollama][pull]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    FakeOllamaModels fake(server);
    fake.setPullable(QStringLiteral("qwen2.5-coder:7b"), 4000000, 8);
    OllamaClient client(QUrl(server.baseUrl()));
    OllamaPullJob *job = client.createPullJob(QStringLiteral("qwen2.5-coder:7b"));
    QList<double> fractions;
    QStringList statuses;
    QObject context;
    QObject::connect(job, &OllamaPullJob::progressChanged, &context, [&] { fractions.append(job->fraction()); });
    QObject::connect(job, &OllamaPullJob::statusChanged, &context, [&](const QString &s) { statuses.append(s); });
    job->start();
    CHECK(job->state() == State::Running);
    REQUIRE(waitUntil([&] { return job->isFinished(); }));
    CHECK(job->state() == State::Succeeded);
    CHECK(job->error().isEmpty());
    REQUIRE(job->layers().size() == 2);
    CHECK(job->layers()[0].total == 4000000);
    CHECK(job->totalBytes() == 4000000 + 487);
    CHECK(job->completedBytes() == job->totalBytes());
    CHECK(job->fraction() == 1.0);
    CHECK(statuses.first() == QStringLiteral("pulling manifest"));
    CHECK(statuses.contains(QStringLiteral("verifying sha256 digest")));
    CHECK(statuses.last() == QStringLiteral("success"));
    REQUIRE(fractions.size() >= 8);
    for (int i = 1; i < fractions.size(); ++i)
        CHECK(fractions[i] >= fractions[i - 1] - 1e-9); // never jumps back within a layer
    const QJsonObject body = server.requests("/api/pull").first().json();
    CHECK(body.value(QStringLiteral("model")).toString() == QStringLiteral("qwen2.5-coder:7b"));
}

TEST_CASE("An error line under HTTP 200 fails the pull", "[ollama][pull]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    FakeOllamaModels fake(server);
    fake.setPullable(QStringLiteral("llama3.2:3b"), 1000);
    OllamaClient client(QUrl(server.baseUrl()));

    SECTION("an unknown model")
    {
        OllamaPullJob *job = client.createPullJob(QStringLiteral("no-such-model"));
        job->start();
        REQUIRE(waitUntil([&] { return job->isFinished(); }));
        CHECK(job->state() == State::Failed);
        CHECK(job->error().contains(QStringLiteral("no such model")));
    }
    SECTION("a corrupt layer mid-stream")
    {
        fake.setPullEnding(FakeOllamaModels::PullEnding::ErrorLine);
        OllamaPullJob *job = client.createPullJob(QStringLiteral("llama3.2:3b"));
        job->start();
        REQUIRE(waitUntil([&] { return job->isFinished(); }));
        CHECK(job->state() == State::Failed);
        CHECK(job->error().contains(QStringLiteral("digest mismatch")));
        CHECK(job->canResume());
    }
    SECTION("an HTTP error before the stream")
    {
        OllamaPullJob *job = client.createPullJob(QString());
        job->start();
        REQUIRE(waitUntil([&] { return job->isFinished(); }));
        CHECK(job->state() == State::Failed);
        CHECK(job->error().contains(QStringLiteral("missing request body")));
    }
}

TEST_CASE("A stream that ends without success is interrupted, and resume completes it", "[ollama][pull]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    FakeOllamaModels fake(server);
    fake.setPullable(QStringLiteral("qwen2.5:1.5b"), 1000000, 10);
    const auto ending =
        GENERATE(FakeOllamaModels::PullEnding::CutMidLayer, FakeOllamaModels::PullEnding::EndWithoutStatus);
    fake.setPullEnding(ending);
    OllamaClient client(QUrl(server.baseUrl()));
    OllamaPullJob *job = client.createPullJob(QStringLiteral("qwen2.5:1.5b"));
    job->start();
    REQUIRE(waitUntil([&] { return job->state() != State::Running; }));
    CHECK(job->state() == State::Interrupted);
    CHECK(job->canResume());
    CHECK_FALSE(job->isFinished());
    const qint64 before = job->completedBytes();
    CHECK(before > 0);

    fake.setPullEnding(FakeOllamaModels::PullEnding::Success);
    fake.setPullResumeFrom(before);
    job->resume();
    REQUIRE(waitUntil([&] { return job->isFinished(); }));
    CHECK(job->state() == State::Succeeded);
    CHECK(fake.pullRequests() == 2);
}

TEST_CASE("Pause aborts the request, resume posts again, cancel stops for good", "[ollama][pull]")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    FakeOllamaModels fake(server);
    fake.setPullable(QStringLiteral("devstral:24b"), 14000000, 40);
    fake.setPullChunkDelayMs(40);
    OllamaClient client(QUrl(server.baseUrl()));
    OllamaPullJob *job = client.createPullJob(QStringLiteral("devstral:24b"));
    job->start();
    REQUIRE(waitUntil([&] { return job->completedBytes() > 0 && job->bytesPerSecond() > 0; }));
    CHECK(job->etaSeconds() >= 0);
    job->pause();
    CHECK(job->state() == State::Paused);
    REQUIRE(waitUntil([&] { return server.abortedStreams() == 1; }));
    const qint64 paused = job->completedBytes();
    spinFor(150);
    CHECK(job->completedBytes() == paused); // nothing arrives while paused

    job->resume();
    CHECK(job->state() == State::Running);
    REQUIRE(waitUntil([&] { return fake.pullRequests() == 2 && job->completedBytes() > 0; }));
    job->cancel();
    CHECK(job->state() == State::Cancelled);
    CHECK(job->isFinished());
    CHECK_FALSE(job->canResume());
    REQUIRE(waitUntil([&] { return server.abortedStreams() == 2; }));
}
