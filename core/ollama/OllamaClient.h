#pragma once

#include "OllamaTypes.h"

#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb {

class OllamaPullJob;

// Ollama's management API at a configurable address. Every call is asynchronous; the
// callback runs on this object's thread with either the value or the error in words.
class OllamaClient final : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(const Expected<T, QString> &result)>;

    explicit OllamaClient(const QUrl &baseUrl = QUrl(QStringLiteral("http://127.0.0.1:11434")),
                          QObject *parent = nullptr);

    QUrl baseUrl() const;
    void setBaseUrl(const QUrl &url);
    void setTimeoutMs(int milliseconds);

    void version(Callback<QString> done);
    void listModels(Callback<QList<OllamaModel>> done);
    void runningModels(Callback<QList<OllamaRunningModel>> done);
    void showModel(const QString &name, Callback<OllamaModelDetails> done);
    void deleteModel(const QString &name, Callback<void> done);
    // A new pull job for `name`, parented to this client; call start() on it.
    OllamaPullJob *createPullJob(const QString &name);

    QNetworkAccessManager *network() const;

private:
    QUrl endpoint(const QString &path) const;
    void call(QNetworkReply *reply, std::function<void(int status, const QByteArray &body, const QString &error)> done);

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    int m_timeoutMs = 10000;
};

} // namespace sb
