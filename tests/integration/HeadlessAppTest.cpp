// `switchboard --headless` as a user runs it: first-run config, the token, one log line per
// request, a clean stop on SIGTERM that ends open streams with an error event, a clear
// message when the port is taken.
#include "FakeOllama.h"
#include "GatewayHarness.h"
#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>
#include <cstdlib>

using namespace sb;
using namespace sb::test;

namespace {

class HeadlessApp
{
public:
    // Window: the desktop app (offscreen, so no display is needed) instead of --headless.
    enum class Mode { Headless, Window };
    explicit HeadlessApp(const QStringList &arguments, Mode mode = Mode::Headless)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.remove(QStringLiteral("XDG_CONFIG_HOME"));
        env.insert(QStringLiteral("SWITCHBOARD_SECRETS_BACKEND"), QStringLiteral("file"));
        if (mode == Mode::Window)
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        m_process.setProcessEnvironment(env);
        m_process.setProgram(QStringLiteral(SWITCHBOARD_BINARY));
        m_process.setArguments(mode == Mode::Headless ? QStringList{QStringLiteral("--headless")} + arguments
                                                      : arguments);
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_stderr += m_process.readAllStandardError(); });
        m_process.start();
    }
    ~HeadlessApp()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    QString home() const { return m_home.path(); }
    QProcess &process() { return m_process; }
    QString log() const { return QString::fromUtf8(m_stderr); }
    quint16 waitForPort()
    {
        static const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        QRegularExpressionMatch match;
        waitUntil(
            [&] {
                match = listening.match(log());
                return match.hasMatch() || m_process.state() == QProcess::NotRunning;
            },
            10000);
        return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
    }
    QString token()
    {
        QProcess tokenProcess;
        tokenProcess.setProcessEnvironment(m_process.processEnvironment());
        tokenProcess.start(QStringLiteral(SWITCHBOARD_BINARY), {QStringLiteral("token")});
        tokenProcess.waitForFinished(10000);
        return QString::fromUtf8(tokenProcess.readAllStandardOutput()).trimmed();
    }
    bool waitForExit(int ms)
    {
        return waitUntil([this] { return m_process.state() == QProcess::NotRunning; }, ms);
    }

private:
    QTemporaryDir m_home;
    QProcess m_process;
    QByteArray m_stderr;
};

// A config in `dir` sending claude-* to the Ollama server at `baseUrl`; returns its path.
QString writeClaudeToOllamaConfig(const QTemporaryDir &dir, const QString &baseUrl)
{
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(
            QStringLiteral(
                "model_list:\n  - model_name: 'claude-*'\n    litellm_params: {model: ollama/m, api_base: '%1'}\n")
                .arg(baseUrl)
                .toUtf8());
    return path;
}

QByteArray get(quint16 port, const QString &path, const QByteArray &token)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = network.get(request);
    waitUntil([reply] { return reply->isFinished(); }, 10000);
    const QByteArray status = QByteArray::number(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
    delete reply;
    return status;
}

} // namespace

TEST_CASE("first run writes the default config, creates a token and logs each request")
{
    HeadlessApp app({QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = app.waitForPort();
    INFO(app.log().toStdString());
    REQUIRE(port > 0);
    QFile config(app.home() + QStringLiteral("/.config/switchboard/config.yaml"));
    REQUIRE(config.open(QIODevice::ReadOnly));
    CHECK(config.readAll().contains("ollama/qwen2.5-coder:7b"));

    const QString token = app.token();
    CHECK(token.startsWith(QStringLiteral("sb-")));
    CHECK(get(port, QStringLiteral("/health/liveliness"), {}) == "200");
    CHECK(get(port, QStringLiteral("/v1/models"), {}) == "401");
    CHECK(get(port, QStringLiteral("/health/readiness"), token.toUtf8()) == "200");
    // The token never appears in the log.
    CHECK_FALSE(app.log().contains(token));
    // One line per request: time, method, path, status, tokens, milliseconds.
    REQUIRE(waitUntil([&] { return app.log().contains(QStringLiteral("GET /health/readiness 200")); }));
    static const QRegularExpression line(
        QStringLiteral("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z GET /v1/models 401 authentication_error in=- out=- \\d+ms"));
    CHECK(line.match(app.log()).hasMatch());

    // Lines are written in batches; a stop right after a burst of requests still writes every
    // one of them, before "stopping".
    const qsizetype before = app.log().count(QStringLiteral("GET /health/liveliness 200"));
    for (int i = 0; i < 5; ++i)
        REQUIRE(get(port, QStringLiteral("/health/liveliness"), {}) == "200");
    ::kill(app.process().processId(), SIGTERM);
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitStatus() == QProcess::NormalExit);
    CHECK(app.process().exitCode() == 0);
    const QString log = app.log();
    CHECK(log.count(QStringLiteral("GET /health/liveliness 200")) == before + 5);
    CHECK(log.lastIndexOf(QStringLiteral("GET /health/liveliness 200")) < log.indexOf(QStringLiteral("stopping")));
}

TEST_CASE("SIGTERM ends an open stream with an error event and exits cleanly")
{
    FakeOllama ollama;
    FakeTurn turn = FakeTurn::withText(QString(200, QLatin1Char('w')));
    turn.textPieces = 100;
    ollama.setTurn(turn);
    ollama.setChunkDelay(100); // ten seconds of streaming
    QTemporaryDir dir;
    HeadlessApp app({QStringLiteral("--config"), writeClaudeToOllamaConfig(dir, ollama.baseUrl()),
                     QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = app.waitForPort();
    REQUIRE(port > 0);
    const QString token = app.token();

    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/messages").arg(port)));
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setRawHeader("Content-Type", "application/json");
    QNetworkReply *reply =
        network.post(request, QJsonDocument(claudeCodeRequest(QStringLiteral("claude-opus-5-5"), true)).toJson());
    QByteArray body;
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] { body += reply->readAll(); });
    REQUIRE(waitUntil([&] { return body.contains("text_delta"); }, 10000));
    ::kill(app.process().processId(), SIGTERM);
    REQUIRE(waitUntil([reply] { return reply->isFinished(); }, 10000));
    body += reply->readAll();
    CHECK(body.contains("event: error"));
    CHECK_FALSE(body.contains("message_stop"));
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitCode() == 0);
    CHECK(app.log().contains(QStringLiteral("stopping")));
    // The stream ended while the gateway stopped; its line is written all the same.
    CHECK(app.log().contains(QStringLiteral("POST /v1/messages claude-opus-5-5")));
    delete reply;
}

TEST_CASE("the window's app drains on SIGTERM as headless does: a short stream finishes, a long one ends with an error")
{
    FakeOllama ollama;
    ollama.setChunkDelay(100);
    QTemporaryDir dir;
    QTcpServer free;
    REQUIRE(free.listen(QHostAddress::LocalHost, 0));
    const quint16 port = free.serverPort();
    free.close();
    HeadlessApp app({QStringLiteral("--config"), writeClaudeToOllamaConfig(dir, ollama.baseUrl()),
                     QStringLiteral("--port"), QString::number(port)},
                    HeadlessApp::Mode::Window);
    REQUIRE(waitUntil(
        [&] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            return socket.waitForConnected(200) || app.process().state() == QProcess::NotRunning;
        },
        20000));
    REQUIRE(app.process().state() == QProcess::Running);
    const QString token = app.token();

    QNetworkAccessManager network;
    auto startStream = [&](const QString &model) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/messages").arg(port)));
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        request.setRawHeader("Content-Type", "application/json");
        return network.post(request, QJsonDocument(claudeCodeRequest(model, true)).toJson());
    };
    // About 1 s of streaming (ten pieces 100 ms apart), and about 10 s.
    FakeTurn shortTurn = FakeTurn::withText(QStringLiteral("0123456789"));
    shortTurn.textPieces = 10;
    ollama.setTurn(shortTurn);
    QNetworkReply *shortReply = startStream(QStringLiteral("claude-haiku-5"));
    QByteArray shortBody;
    QObject::connect(shortReply, &QNetworkReply::readyRead, shortReply, [&] { shortBody += shortReply->readAll(); });
    REQUIRE(waitUntil([&] { return shortBody.contains("text_delta"); }, 10000));
    FakeTurn longTurn = FakeTurn::withText(QString(200, QLatin1Char('w')));
    longTurn.textPieces = 100;
    ollama.setTurn(longTurn);
    QNetworkReply *longReply = startStream(QStringLiteral("claude-opus-5-5"));
    QByteArray longBody;
    QObject::connect(longReply, &QNetworkReply::readyRead, longReply, [&] { longBody += longReply->readAll(); });
    REQUIRE(waitUntil([&] { return longBody.contains("text_delta"); }, 10000));

    ::kill(app.process().processId(), SIGTERM);
    REQUIRE(waitUntil([&] { return shortReply->isFinished() && longReply->isFinished(); }, 15000));
    shortBody += shortReply->readAll();
    longBody += longReply->readAll();
    INFO(app.log().toStdString());
    CHECK(shortBody.contains("event: message_stop"));
    CHECK_FALSE(shortBody.contains("event: error"));
    CHECK(longBody.contains("event: error"));
    CHECK_FALSE(longBody.contains("message_stop"));
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitStatus() == QProcess::NormalExit);
    CHECK(app.process().exitCode() == 0);
    delete shortReply;
    delete longReply;
}

TEST_CASE("a graceful stop right after the last answer loses no spend-log row")
{
    FakeOllama ollama;
    QTemporaryDir dir;
    HeadlessApp app({QStringLiteral("--config"), writeClaudeToOllamaConfig(dir, ollama.baseUrl()),
                     QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = app.waitForPort();
    REQUIRE(port > 0);
    const QString token = app.token();
    constexpr int kRequests = 25;
    QNetworkAccessManager network;
    for (int i = 0; i < kRequests; ++i) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/messages").arg(port)));
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        request.setRawHeader("Content-Type", "application/json");
        QNetworkReply *reply =
            network.post(request, QJsonDocument(claudeCodeRequest(QStringLiteral("claude-opus-5-5"), false)).toJson());
        REQUIRE(waitUntil([reply] { return reply->isFinished(); }, 10000));
        REQUIRE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
        delete reply;
    }
    // At once, inside the spend log's 250 ms batching window.
    ::kill(app.process().processId(), SIGTERM);
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitCode() == 0);

    QProcess usage;
    usage.setProcessEnvironment(app.process().processEnvironment());
    usage.start(QStringLiteral(SWITCHBOARD_BINARY),
                {QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("model"), QStringLiteral("--csv")});
    REQUIRE(usage.waitForFinished(10000));
    const QString out = QString::fromUtf8(usage.readAllStandardOutput());
    INFO(out.toStdString());
    const QRegularExpression row(QStringLiteral("^claude-opus-5-5,(\\d+),"), QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = row.match(out);
    REQUIRE(match.hasMatch());
    CHECK(match.captured(1).toInt() == kRequests);
}

TEST_CASE("a taken port makes it exit non-zero, naming the port and the fix")
{
    QTcpServer squatter;
    REQUIRE(squatter.listen(QHostAddress::LocalHost, 0));
    HeadlessApp app({QStringLiteral("--port"), QString::number(squatter.serverPort())});
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitCode() == 3);
    CHECK(app.log().contains(QStringLiteral("port %1").arg(squatter.serverPort())));
    CHECK(app.log().contains(QStringLiteral("--port")));
}

TEST_CASE("a config with errors is refused with file and line, and nothing listens")
{
    QTemporaryDir dir;
    const QString configPath = dir.filePath(QStringLiteral("bad.yaml"));
    QFile file(configPath);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("model_list:\n  - model_name: a\n    litellm_params: {model: ollama/x, rpm: fast}\n");
    file.close();
    HeadlessApp app({QStringLiteral("--config"), configPath});
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitCode() == 2);
    CHECK(app.log().contains(configPath +
                             QStringLiteral(":3: error: model_list[0].litellm_params.rpm: expected an integer")));
}

TEST_CASE("listening beyond loopback without a master key is refused")
{
    HeadlessApp app(
        {QStringLiteral("--host"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"), QStringLiteral("0")});
    REQUIRE(app.waitForExit(10000));
    CHECK(app.process().exitCode() == 2);
    CHECK(app.log().contains(QStringLiteral("master_key")));
}

#if defined(LOADGEN_BINARY) && defined(__GLIBC__)
namespace {

qint64 residentKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

TEST_CASE("after a burst the idle gateway hands the memory it no longer uses back to the system")
{
    FakeOllama ollama;
    ollama.setTurn(FakeTurn::withText(QString(4000, QLatin1Char('r'))));
    QTemporaryDir dir;
    HeadlessApp app({QStringLiteral("--config"), writeClaudeToOllamaConfig(dir, ollama.baseUrl()),
                     QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = app.waitForPort();
    REQUIRE(port > 0);
    const QString token = app.token();
    const qint64 pid = app.process().processId();
    const qint64 idleKb = residentKb(pid);
    REQUIRE(idleKb > 0);

    // 64 clients at once with 50 KB prompts: the heap grows well beyond the idle size.
    QProcess load;
    load.start(QStringLiteral(LOADGEN_BINARY),
               {QStringLiteral("--port"), QString::number(port), QStringLiteral("--kb"), QStringLiteral("50"),
                QStringLiteral("--concurrency"), QStringLiteral("64"), QStringLiteral("--requests"),
                QStringLiteral("1500"), QStringLiteral("--token"), token});
    REQUIRE(waitUntil([&] { return load.state() == QProcess::NotRunning; }, 120000));
    const QByteArray summary = load.readAllStandardOutput();
    INFO(summary.toStdString());
    REQUIRE(summary.contains("\"requests\":1500,\"errors\":0"));
    const qint64 burstKb = residentKb(pid);
    INFO("idle " << idleKb << " kB, right after the burst " << burstKb << " kB");
    REQUIRE(burstKb - idleKb > 8 * 1024);

    // Within a few seconds of quiet, a good part of the growth is returned (glibc keeps
    // freed memory for reuse otherwise: the RSS would stay where the burst left it).
    qint64 laterKb = burstKb;
    const bool returned = waitUntil(
        [&] {
            laterKb = residentKb(pid);
            return laterKb <= burstKb - (burstKb - idleKb) / 5;
        },
        10000);
    INFO("10 s later " << laterKb << " kB");
    CHECK(returned);
    // And it still serves.
    CHECK(get(port, QStringLiteral("/health/liveliness"), QByteArray()) == "200");
}
#endif
