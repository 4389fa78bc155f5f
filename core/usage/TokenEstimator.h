#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace sb {

// Estimates the prompt tokens of a request where the upstream cannot count (Ollama), and
// calibrates itself per deployment from the prompt token counts upstreams report on real
// requests: an exponentially weighted mean of reported tokens per byte of text content,
// starting at 1/4 token per byte. Used on one thread (the gateway's); not synchronized.
class TokenEstimator final
{
public:
    static constexpr double kInitialTokensPerByte = 0.25;
    static constexpr double kDefaultSmoothing = 0.2;
    // A prompt shorter than this is mostly the chat template's own tokens (a 2-byte "hi" is
    // reported as ~30 tokens): it says nothing about the rate and is not learned from.
    static constexpr qint64 kMinSampleBytes = 512;
    // Tokens per byte of any real text lie well inside this (English ~0.25, CJK up to ~0.7).
    static constexpr double kMinTokensPerByte = 0.05;
    static constexpr double kMaxTokensPerByte = 1.0;

    // `smoothing`: the weight of each new observation once the first few are averaged.
    explicit TokenEstimator(double smoothing = kDefaultSmoothing);

    // Bytes (UTF-8) of the text a tokenizer sees in an Anthropic or OpenAI request body:
    // system, message contents, tool inputs and results, tool definitions; not roles, types,
    // ids or base64 data. A body that is not a JSON object counts as plain text.
    static qint64 textBytes(const QByteArray &body);
    // The same of a body already parsed (the gateway's, which has it: no second parse).
    static qint64 textBytes(const QJsonObject &body);

    qint64 estimate(const QString &deploymentId, const QByteArray &body) const;
    qint64 estimateFromTextBytes(const QString &deploymentId, qint64 textBytes) const;
    // An upstream reported `reportedPromptTokens` for a request of `textBytes` (textBytes()
    // of its body). Ignored unless both are positive and the prompt has kMinSampleBytes;
    // the observed rate is clamped to [kMinTokensPerByte, kMaxTokensPerByte].
    void observe(const QString &deploymentId, qint64 textBytes, qint64 reportedPromptTokens);

    double tokensPerByte(const QString &deploymentId) const;
    int observationCount(const QString &deploymentId) const;

private:
    struct Calibration
    {
        double tokensPerByte = kInitialTokensPerByte;
        int observations = 0;
    };

    double m_smoothing;
    QHash<QString, Calibration> m_calibrations;
};

} // namespace sb
