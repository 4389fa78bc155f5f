#include "OllamaClient.h"

#include "OllamaPullJob.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace sb {

OllamaClient::OllamaClient(const QUrl &baseUrl, QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)), m_baseUrl(baseUrl)
{}

QUrl OllamaClient::baseUrl() const
{
    return m_baseUrl;
}
void OllamaClient::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url;
}
void OllamaClient::setTimeoutMs(int milliseconds)
{
    m_timeoutMs = milliseconds;
}
QNetworkAccessManager *OllamaClient::network() const
{
    return m_network;
}

QUrl OllamaClient::endpoint(const QString &path) const
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    return url;
}

void OllamaClient::call(QNetworkReply *reply, std::function<void(int, const QByteArray &, const QString &)> done)
{
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done), base = m_baseUrl] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 0) {
            const QString why =
                reply->error() == QNetworkReply::ConnectionRefusedError
                    ? QStringLiteral("Ollama at %1 refused the connection — is `ollama serve` running?")
                          .arg(base.toString())
                    : QStringLiteral("Ollama at %1 did not answer: %2").arg(base.toString(), reply->errorString());
            done(0, body, why);
            return;
        }
        done(status, body, status >= 200 && status < 300 ? QString() : ollama::errorMessage(status, body));
    });
}

void OllamaClient::version(Callback<QString> done)
{
    QNetworkRequest request(endpoint(QStringLiteral("/api/version")));
    request.setTransferTimeout(m_timeoutMs);
    call(m_network->get(request), [done](int, const QByteArray &body, const QString &error) {
        if (!error.isEmpty())
            return done(unexpected(error));
        done(ollama::parseVersion(body));
    });
}

void OllamaClient::listModels(Callback<QList<OllamaModel>> done)
{
    QNetworkRequest request(endpoint(QStringLiteral("/api/tags")));
    request.setTransferTimeout(m_timeoutMs);
    call(m_network->get(request), [done](int, const QByteArray &body, const QString &error) {
        if (!error.isEmpty())
            return done(unexpected(error));
        done(ollama::parseTags(body));
    });
}

void OllamaClient::runningModels(Callback<QList<OllamaRunningModel>> done)
{
    QNetworkRequest request(endpoint(QStringLiteral("/api/ps")));
    request.setTransferTimeout(m_timeoutMs);
    call(m_network->get(request), [done](int, const QByteArray &body, const QString &error) {
        if (!error.isEmpty())
            return done(unexpected(error));
        done(ollama::parsePs(body));
    });
}

void OllamaClient::showModel(const QString &name, Callback<OllamaModelDetails> done)
{
    QNetworkRequest request(endpoint(QStringLiteral("/api/show")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(m_timeoutMs);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("model"), name}}).toJson(QJsonDocument::Compact);
    call(m_network->post(request, body), [done, name](int, const QByteArray &answer, const QString &error) {
        if (!error.isEmpty())
            return done(unexpected(error));
        done(ollama::parseShow(name, answer));
    });
}

void OllamaClient::deleteModel(const QString &name, Callback<void> done)
{
    QNetworkRequest request(endpoint(QStringLiteral("/api/delete")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(m_timeoutMs);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("model"), name}}).toJson(QJsonDocument::Compact);
    call(m_network->sendCustomRequest(request, "DELETE", body), [done](int, const QByteArray &, const QString &error) {
        if (!error.isEmpty())
            return done(unexpected(error));
        done({});
    });
}

OllamaPullJob *OllamaClient::createPullJob(const QString &name)
{
    return new OllamaPullJob(m_network, m_baseUrl, name, this);
}

} // namespace sb
