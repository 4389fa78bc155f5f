#include "UpstreamAdapter.h"

#include "AnthropicAdapter.h"
#include "OllamaAdapter.h"
#include "OpenAiCompatibleAdapter.h"

#include <QJsonDocument>

#include <algorithm>

namespace sb {

const UpstreamAdapter &UpstreamAdapter::of(Provider provider)
{
    static const OllamaAdapter ollama;
    static const OpenAiCompatibleAdapter openAi;
    static const AnthropicAdapter anthropic;
    switch (provider) {
    case Provider::Ollama: return ollama;
    case Provider::OpenAiCompatible: return openAi;
    case Provider::Anthropic: return anthropic;
    }
    return ollama;
}

bool UpstreamAdapter::passesThrough(ClientDialect) const
{
    return false;
}

std::optional<TokenCountApi> UpstreamAdapter::tokenCountApi(const Deployment &) const
{
    return std::nullopt;
}

HttpRequest UpstreamAdapter::jsonRequest(const QUrl &url, bool stream)
{
    HttpRequest out;
    out.url = url;
    out.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    out.headers.append({QByteArrayLiteral("Accept"),
                        stream ? QByteArrayLiteral("text/event-stream, application/x-ndjson, application/json")
                               : QByteArrayLiteral("application/json")});
    return out;
}

const Request &UpstreamAdapter::requestFor(const Deployment &deployment, const UpstreamCall &call, Request &storage)
{
    if (!deployment.foldSystemMessages || !call.request->hasSystemEntries())
        return *call.request;
    storage = *call.request;
    foldSystemEntriesIntoUserTurns(storage);
    return storage;
}

QByteArray UpstreamAdapter::compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QUrl UpstreamAdapter::endpoint(const Deployment &deployment, const char *path)
{
    QString base = deployment.apiBase.toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + QLatin1String(path));
}

QString UpstreamAdapter::errorHint(const Deployment &, int) const
{
    return {};
}

QString UpstreamAdapter::refusedHint(const Deployment &deployment) const
{
    return QStringLiteral(" — is the server running and is api_base (%1) right?").arg(deployment.apiBase.toString());
}

UpstreamVerdict UpstreamAdapter::judgeAnswer(const Deployment &deployment, int status, const HttpHeaders &headers,
                                             const QByteArray &body, bool relayed, qint64 estimatedPromptTokens) const
{
    UpstreamVerdict verdict;
    ApiError &error = verdict.error;
    error = decodeError(status, body);
    const QByteArray retryAfter = headerValue(headers, QByteArrayLiteral("retry-after"));
    bool ok = false;
    const int retryAfterSeconds = retryAfter.trimmed().toInt(&ok);
    if (ok && retryAfterSeconds >= 0)
        error.retryAfterSeconds = retryAfterSeconds;
    else if (status == 429)
        error.retryAfterSeconds = 1;
    if (error.message.isEmpty())
        error.message = QStringLiteral("HTTP %1").arg(status);
    if (status == 503 || status == 529) {
        // "Busy, come back later": Claude Code backs off and retries on 529.
        error = ApiError::overloaded(error.message, error.retryAfterSeconds);
    }
    if (!relayed) {
        error.message = deployment.upstreamLabel() + QStringLiteral(" answered ") + QString::number(status) +
                        QStringLiteral(": ") + error.message + errorHint(deployment, status);
    }

    if (status == 429)
        verdict.failure = AttemptFailure::RateLimited;
    else if (status == 503 || status == 529)
        verdict.failure = AttemptFailure::Overloaded;
    else if (status == 408 || status == 504)
        verdict.failure = AttemptFailure::Timeout;
    else if (status >= 500)
        verdict.failure = AttemptFailure::ServerError;
    else if (error.contextOverflow) {
        verdict.failure = AttemptFailure::ContextExceeded;
        // Translated answers say it in the client's own words: for Anthropic's, exactly
        // "prompt is too long: N tokens > M maximum", which Claude Code matches to compact.
        // A number the upstream did not give comes from the estimate or the configured context;
        // with no limit known at all, the upstream's own words stay.
        const ContextOverflow overflow = *error.contextOverflow;
        const qint64 limit = overflow.contextLimit >= 0 ? overflow.contextLimit : deployment.contextLength;
        if (!relayed && limit > 0) {
            const int retryAfter = error.retryAfterSeconds;
            error = ApiError::promptTooLong(
                overflow.promptTokens >= 0 ? overflow.promptTokens : std::max(estimatedPromptTokens, limit + 1), limit);
            error.retryAfterSeconds = retryAfter;
        }
    } else {
        verdict.failure = AttemptFailure::ClientError;
    }
    return verdict;
}

UpstreamVerdict UpstreamAdapter::judgeFailure(const Deployment &deployment, const HttpFailure &failure) const
{
    UpstreamVerdict verdict;
    ApiError &error = verdict.error;
    const QString who = deployment.upstreamLabel();
    switch (failure.kind) {
    case HttpFailure::Kind::ConnectionRefused:
        error.message = who + QStringLiteral(" refused the connection") + refusedHint(deployment);
        break;
    case HttpFailure::Kind::HostNotFound:
        error.message = who + QStringLiteral(": ") + failure.detail + QStringLiteral(" — check api_base in the config");
        break;
    case HttpFailure::Kind::ConnectTimeout:
        error.message = who + QStringLiteral(" did not accept a connection in time (%1)").arg(failure.detail);
        break;
    case HttpFailure::Kind::FirstByteTimeout:
    case HttpFailure::Kind::IdleTimeout:
    case HttpFailure::Kind::TotalTimeout:
        error.message = who + QStringLiteral(" timed out: ") + failure.detail +
                        QStringLiteral(" (raise `timeout`/`stream_timeout` for slow models)");
        break;
    case HttpFailure::Kind::Tls: error.message = who + QStringLiteral(": ") + failure.detail; break;
    case HttpFailure::Kind::ConnectionClosed:
    case HttpFailure::Kind::Protocol: error.message = who + QStringLiteral(" ") + failure.detail; break;
    }
    error = failure.isTimeout() ? ApiError::gatewayTimeout(error.message) : ApiError::badGateway(error.message);
    const bool connectFailure =
        failure.kind == HttpFailure::Kind::ConnectionRefused || failure.kind == HttpFailure::Kind::HostNotFound ||
        failure.kind == HttpFailure::Kind::ConnectTimeout || failure.kind == HttpFailure::Kind::Tls;
    verdict.failure = connectFailure        ? AttemptFailure::Connect
                      : failure.isTimeout() ? AttemptFailure::Timeout
                                            : AttemptFailure::ServerError;
    return verdict;
}

} // namespace sb
