#include "usage/TokenEstimator.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <random>

using namespace sb;

namespace {

QByteArray messagesBody(const QString &system, const QStringList &turns)
{
    QJsonArray messages;
    for (qsizetype i = 0; i < turns.size(); ++i) {
        messages.append(QJsonObject{
            {QStringLiteral("role"), i % 2 == 0 ? QStringLiteral("user") : QStringLiteral("assistant")},
            {QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                               {QStringLiteral("text"), turns[i]}}}}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("model"), QStringLiteral("claude-sonnet-4-5")},
                                     {QStringLiteral("system"), system},
                                     {QStringLiteral("messages"), messages}})
        .toJson(QJsonDocument::Compact);
}

// A deployment whose tokenizer yields `tokensPerByte` on average, with per-request noise.
struct SyntheticUpstream
{
    double tokensPerByte;
    double noise; // relative, uniform in ±noise
    std::mt19937 rng;

    QByteArray nextBody()
    {
        std::uniform_int_distribution<int> length(200, 4000);
        std::uniform_int_distribution<int> letter('a', 'z');
        QStringList turns;
        for (int t = 0; t < 3; ++t) {
            QString text;
            const int n = length(rng);
            for (int i = 0; i < n; ++i)
                text += i % 6 == 5 ? QChar(u' ') : QChar(char16_t(letter(rng)));
            turns.append(text);
        }
        return messagesBody(QStringLiteral("You are a coding assistant."), turns);
    }
    qint64 reportedTokens(qint64 textBytes)
    {
        std::uniform_real_distribution<double> jitter(1.0 - noise, 1.0 + noise);
        return qint64(std::llround(double(textBytes) * tokensPerByte * jitter(rng)));
    }
};

double relativeError(qint64 estimate, qint64 reported)
{
    return std::abs(double(estimate - reported)) / double(reported);
}

} // namespace

TEST_CASE("TokenEstimator counts the text a tokenizer sees, not the JSON around it", "[usage][tokens]")
{
    const QByteArray body = messagesBody(QStringLiteral("abcd"), {QStringLiteral("hello"), QStringLiteral("héllo")});
    // "abcd" + "hello" + "héllo" (é is two bytes in UTF-8); roles, types and the model are structure.
    CHECK(TokenEstimator::textBytes(body) == 4 + 5 + 6);

    const QByteArray tools = R"({"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1",)"
                             R"("name":"Read","input":{"path":"a.txt"}}]},{"role":"user","content":[{"type":)"
                             R"("tool_result","tool_use_id":"toolu_1","content":"file body"}]}]})";
    // "Read" + the input as JSON text ("path" + "a.txt") + "file body".
    CHECK(TokenEstimator::textBytes(tools) == 4 + 4 + 5 + 9);
    CHECK(TokenEstimator::textBytes("not json at all") == 15);
}

TEST_CASE("TokenEstimator starts at a quarter token per byte and ignores empty reports", "[usage][tokens]")
{
    TokenEstimator estimator;
    CHECK(estimator.tokensPerByte(QStringLiteral("ollama#0")) == Approx(0.25));
    CHECK(estimator.estimateFromTextBytes(QStringLiteral("ollama#0"), 4000) == 1000);
    CHECK(estimator.estimateFromTextBytes(QStringLiteral("ollama#0"), 0) == 0);
    CHECK(estimator.estimateFromTextBytes(QStringLiteral("ollama#0"), 1) == 1);
    estimator.observe(QStringLiteral("ollama#0"), 0, 100);
    estimator.observe(QStringLiteral("ollama#0"), 100, 0);
    CHECK(estimator.observationCount(QStringLiteral("ollama#0")) == 0);
    CHECK(estimator.tokensPerByte(QStringLiteral("ollama#0")) == Approx(0.25));
}

TEST_CASE("TokenEstimator calibrates per deployment from reported prompt tokens", "[usage][tokens]")
{
    TokenEstimator estimator;
    // One deployment's tokenizer is denser than the default guess, the other sparser.
    SyntheticUpstream dense{0.34, 0.08, std::mt19937(7)};
    SyntheticUpstream sparse{0.21, 0.08, std::mt19937(11)};
    const QString denseId = QStringLiteral("ollama#dense");
    const QString sparseId = QStringLiteral("ollama#sparse");

    double uncalibratedError = 0;
    double calibratedError = 0;
    double worstCalibrated = 0;
    int uncalibratedCount = 0;
    int calibratedCount = 0;
    for (int i = 0; i < 60; ++i) {
        for (auto [upstream, id] : {std::pair{&dense, denseId}, std::pair{&sparse, sparseId}}) {
            const QByteArray body = upstream->nextBody();
            const qint64 bytes = TokenEstimator::textBytes(body);
            const qint64 reported = upstream->reportedTokens(bytes);
            const double error = relativeError(estimator.estimate(id, body), reported);
            if (i == 0) {
                uncalibratedError += error;
                ++uncalibratedCount;
            } else if (i >= 10) {
                calibratedError += error;
                ++calibratedCount;
                worstCalibrated = qMax(worstCalibrated, error);
            }
            estimator.observe(id, bytes, reported);
        }
    }
    uncalibratedError /= uncalibratedCount;
    calibratedError /= calibratedCount;
    INFO("mean relative error before calibration: " << uncalibratedError * 100 << " %");
    INFO("mean relative error after 10 reports: " << calibratedError * 100 << " %, worst " << worstCalibrated * 100
                                                  << " %");
    WARN("token estimate error vs reported counts: uncalibrated " << uncalibratedError * 100 << " %, calibrated "
                                                                  << calibratedError * 100 << " % (worst "
                                                                  << worstCalibrated * 100 << " %)");
    CHECK(uncalibratedError > 0.15);
    // The noise is ±8 %; calibration leaves the estimate within it on average.
    CHECK(calibratedError < 0.06);
    CHECK(worstCalibrated < 0.15);
    CHECK(estimator.tokensPerByte(denseId) == Approx(0.34).epsilon(0.05));
    CHECK(estimator.tokensPerByte(sparseId) == Approx(0.21).epsilon(0.05));
    CHECK(estimator.observationCount(denseId) == 60);
    CHECK(estimator.tokensPerByte(QStringLiteral("never-seen")) == Approx(0.25));
}

TEST_CASE("TokenEstimator follows a deployment whose prompts change in kind", "[usage][tokens]")
{
    TokenEstimator estimator;
    const QString id = QStringLiteral("ollama#0");
    for (int i = 0; i < 50; ++i)
        estimator.observe(id, 1000, 200);
    CHECK(estimator.tokensPerByte(id) == Approx(0.2));
    // Prose turns into code: 0.4 tokens per byte. The moving average gets there within 20 reports.
    for (int i = 0; i < 20; ++i)
        estimator.observe(id, 1000, 400);
    CHECK(estimator.tokensPerByte(id) == Approx(0.4).epsilon(0.01));
}

TEST_CASE("TokenEstimator learns nothing from a tiny prompt and clamps outlandish rates", "[usage][tokens]")
{
    TokenEstimator estimator;
    const QString id = QStringLiteral("ollama#0");
    // "hi" reported as 31 tokens: the chat template, not the text. Once this made the next
    // 50 KB prompt look like 750K tokens.
    estimator.observe(id, 2, 31);
    CHECK(estimator.observationCount(id) == 0);
    CHECK(estimator.tokensPerByte(id) == TokenEstimator::kInitialTokensPerByte);
    CHECK(estimator.estimateFromTextBytes(id, 50000) == 12500);

    // A large prompt with an impossible count moves the rate only as far as the clamp.
    estimator.observe(id, 10000, 10'000'000);
    CHECK(estimator.tokensPerByte(id) == Approx(TokenEstimator::kMaxTokensPerByte));
    CHECK(estimator.estimateFromTextBytes(id, 50000) <= 50000);
    TokenEstimator other;
    other.observe(id, 10000, 1);
    CHECK(other.tokensPerByte(id) == Approx(TokenEstimator::kMinTokensPerByte));
}
