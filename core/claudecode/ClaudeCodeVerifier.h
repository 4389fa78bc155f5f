#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace sb {

struct VerifyOutcome
{
    bool ok = false;
    QString method; // "claude -p" or "http"
    QString detail; // what came back, or what failed
    QString advice; // what to do, in plain words; empty when ok
    qint64 elapsedMs = 0;
};

// Sends one real request through the gateway — with the claude binary when there is one,
// else the same HTTP request it would send — and explains a failure. Blocking on a local
// event loop: for the command line.
class ClaudeCodeVerifier final
{
public:
    struct Options
    {
        QString baseUrl;
        QString token;
        QString model = QStringLiteral("claude-sonnet-4-5");
        QString claudeBinary; // empty: HTTP only
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        int timeoutMs = 180000;
    };

    static VerifyOutcome verify(const Options &options);
    static VerifyOutcome verifyHttp(const Options &options);
    static VerifyOutcome verifyWithClaude(const Options &options);

    // Pure: the advice for an HTTP status (0 when no response) and its Anthropic error body.
    static QString explainHttpFailure(int status, const QString &networkError, const QByteArray &body,
                                      const QString &baseUrl, const QString &model);
};

} // namespace sb
