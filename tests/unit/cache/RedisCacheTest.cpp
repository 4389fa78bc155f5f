#include "cache/RedisCacheBackend.h"
#include "cache/ResponseCache.h"

#include "TestWait.h"

#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <signal.h>
#include <sys/prctl.h>

using namespace sb;

namespace {

// A real redis-server on a loopback port, killed with this test process at the latest
// (PR_SET_PDEATHSIG) and by the destructor normally.
class RedisServerProcess final
{
public:
    explicit RedisServerProcess(quint16 port) : m_port(port) {}
    ~RedisServerProcess() { kill(); }

    bool start()
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        if (program.isEmpty())
            return false;
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.start(program, {QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                                  QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                  QStringLiteral("--appendonly"), QStringLiteral("no")});
        if (!m_process.waitForStarted(5000))
            return false;
        return test::waitUntil([this] { return ping(); }, 5000);
    }

    void kill()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    bool ping() const { return command("PING").startsWith("+PONG"); }

    // One inline command over a fresh connection; the raw RESP answer.
    QByteArray command(const QByteArray &line) const
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(1000))
            return {};
        socket.write(line + "\r\n");
        if (!socket.waitForBytesWritten(1000) || !socket.waitForReadyRead(1000))
            return {};
        QByteArray answer = socket.readAll();
        while (socket.waitForReadyRead(50))
            answer += socket.readAll();
        return answer;
    }

    QString log() { return QString::fromLocal8Bit(m_process.readAll()); }

private:
    quint16 m_port;
    QProcess m_process;
};

quint16 freeLoopbackPort()
{
    QTcpServer server;
    REQUIRE(server.listen(QHostAddress::LocalHost, 0));
    return server.serverPort();
}

ResponseCache::Options redisOptions(quint16 port, const QString &keyNamespace)
{
    ResponseCache::Options options;
    options.enabled = true;
    options.backend = ResponseCache::Backend::Redis;
    options.defaultTtlSeconds = 60;
    options.redis.port = port;
    options.redis.keyNamespace = keyNamespace;
    options.redis.minBackoffMs = 50;
    options.redis.maxBackoffMs = 400;
    options.redis.commandTimeoutMs = 1000;
    return options;
}

std::optional<QByteArray> lookupNow(ResponseCache &cache, const QString &key, bool *answered = nullptr)
{
    bool called = false;
    std::optional<QByteArray> got;
    cache.lookup(key, [&](std::optional<QByteArray> value) {
        called = true;
        got = std::move(value);
    });
    const bool ok = test::waitUntil([&] { return called; }, 3000);
    if (answered)
        *answered = ok;
    return got;
}

QStringList g_warnings;
QtMessageHandler g_previousHandler = nullptr;

void captureWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && message.contains(QLatin1String("Redis")))
        g_warnings.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

struct WarningCapture final
{
    WarningCapture()
    {
        g_warnings.clear();
        g_previousHandler = qInstallMessageHandler(&captureWarnings);
    }
    ~WarningCapture() { qInstallMessageHandler(g_previousHandler); }
};

} // namespace

TEST_CASE("Redis cache: set, get, expiry and namespaces against a real redis-server", "[cache][redis]")
{
    INFO("redis-server must be installed (Debian: apt-get install redis-server)");
    REQUIRE_FALSE(QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty());
    const quint16 port = freeLoopbackPort();
    RedisServerProcess redis(port);
    REQUIRE(redis.start());

    ResponseCache cacheA(redisOptions(port, QStringLiteral("sbtest-a")));
    ResponseCache cacheB(redisOptions(port, QStringLiteral("sbtest-b")));
    REQUIRE(cacheA.redisBackend() != nullptr);
    REQUIRE(
        test::waitUntil([&] { return cacheA.redisBackend()->isConnected() && cacheB.redisBackend()->isConnected(); }));

    CHECK_FALSE(lookupNow(cacheA, QStringLiteral("k1")).has_value());
    const QByteArray value("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\\r\\n\\u0000\"}]}");
    cacheA.store(QStringLiteral("k1"), value, 60);
    CHECK(lookupNow(cacheA, QStringLiteral("k1")) == std::optional<QByteArray>(value));
    CHECK(cacheA.hits() == 1);
    CHECK(cacheA.misses() == 1);
    CHECK(cacheA.errors() == 0);

    // Keys are <namespace>:<key>, written with an expiry.
    CHECK(redis.command("EXISTS sbtest-a:k1").startsWith(":1"));
    const QByteArray ttl = redis.command("TTL sbtest-a:k1");
    CHECK((ttl.startsWith(":60") || ttl.startsWith(":59")));
    CHECK_FALSE(lookupNow(cacheB, QStringLiteral("k1")).has_value());

    // Binary values survive.
    const QByteArray binary("a\0b\r\nc", 6);
    cacheB.store(QStringLiteral("bin"), binary, 60);
    CHECK(lookupNow(cacheB, QStringLiteral("bin")) == std::optional<QByteArray>(binary));

    cacheA.store(QStringLiteral("short"), "soon gone", 1);
    CHECK(lookupNow(cacheA, QStringLiteral("short")) == std::optional<QByteArray>("soon gone"));
    CHECK(test::waitUntil([&] { return !lookupNow(cacheA, QStringLiteral("short")).has_value(); }, 4000));
}

TEST_CASE("Redis cache: killed Redis misses at once with one warning, restarted Redis hits again", "[cache][redis]")
{
    INFO("redis-server must be installed (Debian: apt-get install redis-server)");
    REQUIRE_FALSE(QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty());
    const quint16 port = freeLoopbackPort();
    auto redis = std::make_unique<RedisServerProcess>(port);
    REQUIRE(redis->start());

    WarningCapture warnings;
    ResponseCache cache(redisOptions(port, QStringLiteral("sbtest")));
    REQUIRE(test::waitUntil([&] { return cache.redisBackend()->isConnected(); }));
    cache.store(QStringLiteral("k"), "v1", 60);
    REQUIRE(lookupNow(cache, QStringLiteral("k")) == std::optional<QByteArray>("v1"));

    redis->kill();
    REQUIRE(test::waitUntil([&] { return !cache.redisBackend()->isConnected(); }));

    // Several lookups and stores spread over many reconnect attempts: each answers at once.
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        bool answered = false;
        CHECK_FALSE(lookupNow(cache, QStringLiteral("k"), &answered).has_value());
        CHECK(answered);
        CHECK(timer.elapsed() < 500);
        cache.store(QStringLiteral("k"), "dropped", 60);
        test::spinFor(200);
    }
    CHECK(cache.errors() >= 5);
    CHECK(g_warnings.size() == 1);
    INFO(g_warnings.join(QLatin1Char('\n')).toStdString());

    // Back on the same port: the backend reconnects by itself and caches again.
    redis = std::make_unique<RedisServerProcess>(port);
    REQUIRE(redis->start());
    REQUIRE(test::waitUntil([&] { return cache.redisBackend()->isConnected(); }, 5000));
    CHECK_FALSE(lookupNow(cache, QStringLiteral("k")).has_value()); // nothing was persisted
    cache.store(QStringLiteral("k"), "v2", 60);
    CHECK(lookupNow(cache, QStringLiteral("k")) == std::optional<QByteArray>("v2"));
    CHECK(g_warnings.size() == 1);

    // A second outage warns once more.
    redis->kill();
    REQUIRE(test::waitUntil([&] { return !cache.redisBackend()->isConnected(); }));
    CHECK_FALSE(lookupNow(cache, QStringLiteral("k")).has_value());
    test::spinFor(300);
    CHECK(g_warnings.size() == 2);
}

TEST_CASE("Redis cache: nothing listening at start misses without hanging and warns once", "[cache][redis]")
{
    WarningCapture warnings;
    const quint16 port = freeLoopbackPort();
    ResponseCache cache(redisOptions(port, QStringLiteral("sbtest")));
    QElapsedTimer timer;
    timer.start();
    bool answered = false;
    CHECK_FALSE(lookupNow(cache, QStringLiteral("k"), &answered).has_value());
    CHECK(answered);
    CHECK(timer.elapsed() < 500);
    test::spinFor(500); // several reconnect attempts
    CHECK_FALSE(cache.redisBackend()->isConnected());
    CHECK(g_warnings.size() == 1);
    CHECK(cache.misses() == 1);
    CHECK(cache.errors() == 1);
}

TEST_CASE("Redis cache: a server that accepts but never answers times out and warns once", "[cache][redis]")
{
    WarningCapture warnings;
    QTcpServer silent;
    REQUIRE(silent.listen(QHostAddress::LocalHost, 0));
    ResponseCache::Options options = redisOptions(silent.serverPort(), QStringLiteral("sbtest"));
    options.redis.commandTimeoutMs = 300;
    ResponseCache cache(options);
    REQUIRE(test::waitUntil([&] { return cache.redisBackend()->isConnected(); }));

    for (int i = 0; i < 3; ++i) {
        // Each round the backend has reconnected to the silent server and times out again.
        REQUIRE(test::waitUntil([&] { return cache.redisBackend()->isConnected(); }));
        QElapsedTimer timer;
        timer.start();
        bool answered = false;
        CHECK_FALSE(lookupNow(cache, QStringLiteral("k"), &answered).has_value());
        CHECK(answered);
        CHECK(timer.elapsed() >= 250);
        CHECK(timer.elapsed() < 1500);
    }
    CHECK(cache.misses() == 3);
    CHECK(cache.errors() == 3);
    CHECK(g_warnings.size() == 1);
}
