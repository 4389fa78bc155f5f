#pragma once

#include "protocol/SseParser.h"
#include "server/ProxyService.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>

#include <memory>

namespace sb::test {

struct HttpResult
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool finished = false;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;

    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const;
    std::vector<SseEvent> events() const; // the body read as SSE
    QStringList eventNames() const;       // event: names in order
    QList<QJsonObject> eventData() const; // each event's data as JSON (non-JSON skipped)
};

// A real gateway (ProxyService on its own thread, loopback, port 0) loaded from YAML text,
// and an HTTP client that talks to it from the test's thread.
class GatewayHarness
{
public:
    explicit GatewayHarness(const QByteArray &yaml);
    ~GatewayHarness();

    static constexpr const char *kToken = "sb-test-token";

    bool started() const { return m_started; }
    QString startError() const { return m_error; }
    quint16 port() const { return m_service.port(); }
    QString baseUrl() const { return m_service.baseUrl(); }
    ProxyService &service() { return m_service; }
    const QList<RequestRecord> &records() const { return m_records; }

    using Headers = QList<QPair<QByteArray, QByteArray>>;
    static Headers anthropicHeaders(); // the token as Bearer, anthropic-version
    HttpResult post(const QString &path, const QJsonObject &body, const Headers &headers = anthropicHeaders(),
                    int timeoutMs = 10000);
    HttpResult postRaw(const QString &path, const QByteArray &body, const Headers &headers = anthropicHeaders(),
                       int timeoutMs = 10000);
    HttpResult get(const QString &path, const Headers &headers = anthropicHeaders(), int timeoutMs = 10000);
    HttpResult head(const QString &path, const Headers &headers = {}, int timeoutMs = 10000);
    // Starts a request and returns its reply without waiting (for hang-up tests).
    QNetworkReply *start(const QString &path, const QJsonObject &body, const Headers &headers = anthropicHeaders());

private:
    HttpResult wait(QNetworkReply *reply, int timeoutMs);

    QTemporaryDir m_dataDir;
    ProxyService m_service;
    QNetworkAccessManager m_network;
    QList<RequestRecord> m_records;
    bool m_started = false;
    QString m_error;
};

// A Claude-Code-shaped request body (system blocks with the billing line, a role:system
// entry, tools with a deferred one) built from the reference shapes.
QJsonObject claudeCodeRequest(const QString &model, bool stream);

// "127.0.0.1:PORT" of a fake's URL: the end of the id a deployment without model_info.id gets
// ("ollama/qwen2.5-coder:7b@127.0.0.1:PORT").
QString hostPort(const QString &url);

// A config whose `claude-*` group is one deployment on `ollama`, plus `extra` YAML.
QByteArray ollamaGroupConfig(const QString &ollamaBaseUrl, const QByteArray &extra = {});

} // namespace sb::test
