#include "GatewayHarness.h"

#include <QUrl>

#include "TestWait.h"
#include "config/ConfigLoader.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sb::test {

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &pair : headers) {
        if (pair.first.compare(name, Qt::CaseInsensitive) == 0)
            return pair.second;
    }
    return {};
}

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

std::vector<SseEvent> HttpResult::events() const
{
    SseParser parser;
    std::vector<SseEvent> out;
    parser.feed(body, out);
    parser.finish(out);
    return out;
}

QStringList HttpResult::eventNames() const
{
    QStringList names;
    for (const SseEvent &event : events())
        names.append(QString::fromUtf8(event.event));
    return names;
}

QList<QJsonObject> HttpResult::eventData() const
{
    QList<QJsonObject> list;
    for (const SseEvent &event : events()) {
        const QJsonDocument document = QJsonDocument::fromJson(event.data);
        if (document.isObject())
            list.append(document.object());
    }
    return list;
}

GatewayHarness::GatewayHarness(const QByteArray &yaml)
{
    const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("test.yaml"));
    if (!loaded.ok()) {
        m_error = loaded.errors().join(QLatin1Char('\n'));
        return;
    }
    GatewayConfig config = loaded.config;
    // The spend log goes to a throw-away folder, never into the user's data directory.
    if (config.usageDbPath.isEmpty())
        config.usageDbPath = m_dataDir.filePath(QStringLiteral("usage.sqlite"));
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    QObject::connect(&m_service, &ProxyService::requestFinished, &m_service,
                     [this](const RequestRecord &record) { m_records.append(record); });
    QObject::connect(&m_service, &ProxyService::failed, &m_service, [this](const QString &error) { m_error = error; });
    m_service.start(config, {QString::fromLatin1(kToken)});
    waitUntil([this] { return m_service.state() != ProxyService::State::Starting; }, 10000);
    m_started = m_service.isRunning();
}

GatewayHarness::~GatewayHarness()
{
    m_service.stop(0);
    waitUntil([this] { return m_service.state() == ProxyService::State::Stopped; }, 10000);
}

GatewayHarness::Headers GatewayHarness::anthropicHeaders()
{
    return {{QByteArrayLiteral("Authorization"), QByteArray("Bearer ") + kToken},
            {QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("2023-06-01")},
            {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
}

HttpResult GatewayHarness::wait(QNetworkReply *reply, int timeoutMs)
{
    HttpResult result;
    waitUntil([reply] { return reply->isFinished(); }, timeoutMs);
    result.finished = reply->isFinished();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.headers = reply->rawHeaderPairs();
    result.body = reply->readAll();
    result.error = reply->error();
    if (!result.finished)
        reply->abort();
    reply->deleteLater();
    return result;
}

QNetworkReply *GatewayHarness::start(const QString &path, const QJsonObject &body, const Headers &headers)
{
    QNetworkRequest request(QUrl(baseUrl() + path));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    return m_network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpResult GatewayHarness::post(const QString &path, const QJsonObject &body, const Headers &headers, int timeoutMs)
{
    return postRaw(path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers, timeoutMs);
}

HttpResult GatewayHarness::postRaw(const QString &path, const QByteArray &body, const Headers &headers, int timeoutMs)
{
    QNetworkRequest request(QUrl(baseUrl() + path));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    return wait(m_network.post(request, body), timeoutMs);
}

HttpResult GatewayHarness::get(const QString &path, const Headers &headers, int timeoutMs)
{
    QNetworkRequest request(QUrl(baseUrl() + path));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    return wait(m_network.get(request), timeoutMs);
}

HttpResult GatewayHarness::head(const QString &path, const Headers &headers, int timeoutMs)
{
    QNetworkRequest request(QUrl(baseUrl() + path));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    return wait(m_network.head(request), timeoutMs);
}

QString hostPort(const QString &url)
{
    const QUrl parsed(url);
    return parsed.host() + QLatin1Char(':') + QString::number(parsed.port());
}

QByteArray ollamaGroupConfig(const QString &ollamaBaseUrl, const QByteArray &extra)
{
    return QStringLiteral(
               "model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: ollama/m, api_base: '%1'}\n")
               .arg(ollamaBaseUrl)
               .toUtf8() +
           extra;
}

QJsonObject claudeCodeRequest(const QString &model, bool stream)
{
    auto text = [](const QString &value) {
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), value}};
    };
    auto cached = [&text](const QString &value) {
        QJsonObject block = text(value);
        block.insert(QStringLiteral("cache_control"),
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("ephemeral")}});
        return block;
    };
    const QJsonArray system{
        text(QStringLiteral("x-anthropic-billing-header: cc_version=2.1.332.abc; cc_entrypoint=sdk-cli;")),
        cached(QStringLiteral("You are a coding agent.")),
        cached(QStringLiteral("Work carefully in the user's repository."))};
    const QJsonObject writeSchema{
        {QStringLiteral("$schema"), QStringLiteral("https://json-schema.org/draft/2020-12/schema")},
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("file_path"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                     {QStringLiteral("content"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}},
        {QStringLiteral("required"), QJsonArray{QStringLiteral("file_path"), QStringLiteral("content")}},
        {QStringLiteral("additionalProperties"), false}};
    const QJsonArray tools{
        QJsonObject{{QStringLiteral("name"), QStringLiteral("Write")},
                    {QStringLiteral("description"), QStringLiteral("Write a file to the local filesystem.")},
                    {QStringLiteral("input_schema"), writeSchema}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("DeferredToolPlaceholder")},
                    {QStringLiteral("description"), QStringLiteral("Tools loaded on demand.")},
                    {QStringLiteral("input_schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}},
                    {QStringLiteral("defer_loading"), true}}};
    const QJsonArray messages{
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                    {QStringLiteral("content"), QJsonArray{text(QStringLiteral("create hello.txt containing hi"))}}},
        QJsonObject{
            {QStringLiteral("role"), QStringLiteral("system")},
            {QStringLiteral("content"), QJsonArray{cached(QStringLiteral("Environment: Linux, cwd /tmp/work"))}},
            {QStringLiteral("output_config"), QJsonObject{{QStringLiteral("effort"), QStringLiteral("medium")}}}}};
    return QJsonObject{
        {QStringLiteral("model"), model},
        {QStringLiteral("messages"), messages},
        {QStringLiteral("system"), system},
        {QStringLiteral("tools"), tools},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("user_id"), QStringLiteral("{\"session_id\":\"s-1\"}")}}},
        {QStringLiteral("max_tokens"), 32000},
        {QStringLiteral("thinking"), QJsonObject{{QStringLiteral("type"), QStringLiteral("adaptive")},
                                                 {QStringLiteral("display"), QStringLiteral("omitted")}}},
        {QStringLiteral("context_management"), QJsonObject{{QStringLiteral("edits"), QJsonArray{}}}},
        {QStringLiteral("output_config"), QJsonObject{{QStringLiteral("effort"), QStringLiteral("medium")}}},
        {QStringLiteral("stream"), stream}};
}

} // namespace sb::test
