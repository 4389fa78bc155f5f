#include "ClaudeCodeVerifier.h"

#include "ClaudeCodeConnector.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

namespace sb {

namespace {

QString anthropicErrorMessage(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonValue error = object.value(QLatin1String("error"));
    if (error.isObject())
        return error.toObject().value(QLatin1String("message")).toString();
    if (error.isString())
        return error.toString();
    return {};
}

} // namespace

VerifyOutcome ClaudeCodeVerifier::verify(const Options &options)
{
    if (!options.claudeBinary.isEmpty())
        return verifyWithClaude(options);
    return verifyHttp(options);
}

QString ClaudeCodeVerifier::explainHttpFailure(int status, const QString &networkError, const QByteArray &body,
                                               const QString &baseUrl, const QString &model)
{
    const QString message = anthropicErrorMessage(body);
    const QString suffix = message.isEmpty() ? QString() : QStringLiteral(" (the gateway said: %1)").arg(message);
    switch (status) {
    case 0:
        if (networkError.contains(QLatin1String("refused"), Qt::CaseInsensitive))
            return QStringLiteral(
                       "Nothing answers at %1: start the gateway (open Switchboard, or run `switchboard --headless`).")
                .arg(baseUrl);
        if (networkError.contains(QLatin1String("timed out"), Qt::CaseInsensitive) ||
            networkError.contains(QLatin1String("timeout"), Qt::CaseInsensitive))
            return QStringLiteral("The gateway at %1 took too long to answer: the model may still be loading, so try "
                                  "again; `switchboard doctor` checks the upstream.")
                .arg(baseUrl);
        return QStringLiteral("Could not reach the gateway at %1: %2.").arg(baseUrl, networkError);
    case 401:
    case 403:
        return QStringLiteral("The gateway refused the token%1: run `switchboard claude connect` again so Claude Code "
                              "has the current one.")
            .arg(suffix);
    case 404:
        return QStringLiteral("The gateway has no route for model \"%1\"%2: map it in config.yaml's model_list, or "
                              "connect with a mapped model.")
            .arg(model, suffix);
    case 413: return QStringLiteral("The gateway refused the request size%1: raise its body limit.").arg(suffix);
    case 429:
    case 529:
        return QStringLiteral("The model is busy%1: try again in a moment, or add another deployment.").arg(suffix);
    default: break;
    }
    if (status >= 500)
        return QStringLiteral("The gateway could not get an answer from the model%1: check that the upstream (e.g. "
                              "Ollama) runs and has the model (`switchboard doctor`).")
            .arg(suffix);
    return QStringLiteral("The gateway answered HTTP %1%2.").arg(status).arg(suffix);
}

VerifyOutcome ClaudeCodeVerifier::verifyHttp(const Options &options)
{
    VerifyOutcome outcome;
    outcome.method = QStringLiteral("http");
    const QString base = ClaudeConnectSettings::normalizedBaseUrl(options.baseUrl);
    QNetworkRequest request(QUrl(base + QStringLiteral("/v1/messages?beta=true")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + options.token.toUtf8());
    request.setRawHeader("anthropic-version", "2023-06-01");
    request.setRawHeader("x-app", "switchboard-verify");
    request.setTransferTimeout(options.timeoutMs);
    const QJsonObject body{
        {QStringLiteral("model"), options.model},
        {QStringLiteral("max_tokens"), 32},
        {QStringLiteral("stream"), false},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{
             {QStringLiteral("role"), QStringLiteral("user")},
             {QStringLiteral("content"), QStringLiteral("Reply with the single word: pong")},
         }}},
    };
    QNetworkAccessManager network;
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    outcome.elapsedMs = timer.elapsed();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    const QString networkError = reply->error() == QNetworkReply::NoError ? QString() : reply->errorString();
    const bool timedOut =
        reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError;
    reply->deleteLater();
    if (status == 200) {
        const QJsonObject message = QJsonDocument::fromJson(answer).object();
        QString text;
        for (const QJsonValue &block : message.value(QLatin1String("content")).toArray()) {
            if (block.toObject().value(QLatin1String("type")).toString() == QLatin1String("text"))
                text += block.toObject().value(QLatin1String("text")).toString();
        }
        if (message.value(QLatin1String("type")).toString() == QLatin1String("message")) {
            outcome.ok = true;
            outcome.detail =
                QStringLiteral("model %1 answered \"%2\" in %3 ms")
                    .arg(message.value(QLatin1String("model")).toString(options.model), text.trimmed().left(80))
                    .arg(outcome.elapsedMs);
            return outcome;
        }
        outcome.detail =
            QStringLiteral("HTTP 200 but not an Anthropic message: %1").arg(QString::fromUtf8(answer.left(200)));
        outcome.advice =
            QStringLiteral("Something other than the Switchboard gateway answers at %1: check the port.").arg(base);
        return outcome;
    }
    outcome.detail =
        status ? QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(answer.left(300))) : networkError;
    outcome.advice =
        explainHttpFailure(status, timedOut ? QStringLiteral("timed out") : networkError, answer, base, options.model);
    return outcome;
}

VerifyOutcome ClaudeCodeVerifier::verifyWithClaude(const Options &options)
{
    VerifyOutcome outcome;
    outcome.method = QStringLiteral("claude -p");
    QTemporaryDir workDir;
    QProcessEnvironment environment = options.environment;
    environment.insert(QStringLiteral("DISABLE_TELEMETRY"), QStringLiteral("1"));
    environment.insert(QStringLiteral("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"), QStringLiteral("1"));
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(workDir.path());
    QElapsedTimer timer;
    timer.start();
    process.start(options.claudeBinary, {QStringLiteral("-p"), QStringLiteral("Reply with the single word: pong")},
                  QIODevice::ReadOnly);
    process.closeWriteChannel();
    const bool finished = process.waitForFinished(options.timeoutMs);
    outcome.elapsedMs = timer.elapsed();
    if (!finished) {
        process.kill();
        process.waitForFinished(2000);
        outcome.detail = QStringLiteral("claude -p did not finish within %1 s").arg(options.timeoutMs / 1000);
        outcome.advice = QStringLiteral("The model may still be loading or is very slow at this context size; run "
                                        "`switchboard doctor`, then try again.");
        return outcome;
    }
    const QString out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    const QString err = QString::fromUtf8(process.readAllStandardError()).trimmed();
    if (process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0 && !out.isEmpty() &&
        !out.startsWith(QLatin1String("API Error"))) {
        outcome.ok = true;
        outcome.detail = QStringLiteral("claude answered \"%1\" in %2 ms").arg(out.left(80)).arg(outcome.elapsedMs);
        return outcome;
    }
    const QString said = (out + QLatin1Char('\n') + err).trimmed();
    outcome.detail = QStringLiteral("claude -p exited with code %1: %2").arg(process.exitCode()).arg(said.left(400));
    if (said.contains(QLatin1String("401")) || said.contains(QLatin1String("API key"), Qt::CaseInsensitive) ||
        said.contains(QLatin1String("authentication"), Qt::CaseInsensitive)) {
        outcome.advice = explainHttpFailure(401, {}, {}, options.baseUrl, options.model);
    } else if (said.contains(QLatin1String("ECONNREFUSED")) ||
               said.contains(QLatin1String("Connection error"), Qt::CaseInsensitive)) {
        outcome.advice =
            explainHttpFailure(0, QStringLiteral("connection refused"), {}, options.baseUrl, options.model);
    } else if (said.contains(QLatin1String("login"), Qt::CaseInsensitive)) {
        outcome.advice = QStringLiteral(
            "Claude Code wants to log in: run `switchboard claude connect` (it sets hasCompletedOnboarding).");
    } else {
        // Fall back to the plain request, whose status code says more.
        const VerifyOutcome http = verifyHttp(options);
        outcome.advice = http.ok ? QStringLiteral("The gateway itself answers; Claude Code's own settings are off: see "
                                                  "`switchboard claude status`.")
                                 : http.advice;
    }
    return outcome;
}

} // namespace sb
