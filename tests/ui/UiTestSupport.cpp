#include "UiTestSupport.h"

#include "TestWait.h"
#include "config/ConfigLoader.h"

#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>
#include <QSettings>
#include <QTemporaryDir>

namespace sb::test {

void isolateSettings(const QTemporaryDir &dir)
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("switchboard-ui-test"));
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-ui-test"));
}

QByteArray ollamaConfig(const QString &apiBase, const QString &extra, const QString &usageDb)
{
    const QString usage =
        usageDb.isEmpty() ? QStringLiteral("usage_enabled: false") : QStringLiteral("usage_db: '%1'").arg(usageDb);
    return QStringLiteral("model_list:\n"
                          "  - model_name: main\n"
                          "    litellm_params: {model: ollama/m, api_base: '%1'}\n"
                          "switchboard: {%2}\n%3")
        .arg(apiBase, usage, extra)
        .toUtf8();
}

GatewaySetup gatewaySetupFor(const QString &path)
{
    GatewaySetup setup;
    setup.configPath = path;
    setup.loaded = ConfigLoader::loadFile(path);
    setup.tokens = {QStringLiteral("sb-test")};
    setup.gatewayToken = QStringLiteral("sb-test");
    setup.portOverride = 0;
    return setup;
}

void saveFile(const QString &path, const QByteArray &text)
{
    QSaveFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(text);
    REQUIRE(file.commit());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

int postMessage(const QString &baseUrl, const QString &token, const QString &model)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(baseUrl + QStringLiteral("/v1/messages")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("x-api-key", token.toUtf8());
    request.setRawHeader("anthropic-version", "2023-06-01");
    const QJsonObject body{
        {QStringLiteral("model"), model},
        {QStringLiteral("max_tokens"), 64},
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    waitUntil([reply] { return reply->isFinished(); }, 15000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    delete reply;
    return status;
}

} // namespace sb::test
