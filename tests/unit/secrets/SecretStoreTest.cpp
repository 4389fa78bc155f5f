#include "secrets/SecretStore.h"

#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QStringList>
#include <QTemporaryDir>

#include <sys/stat.h>

using sb::SecretStore;

namespace {

// Captures every log line while alive, so a test can prove a secret never reached the log.
class LogCapture final
{
public:
    LogCapture()
    {
        s_lines().clear();
        m_previous = qInstallMessageHandler(&LogCapture::handler);
    }
    ~LogCapture() { qInstallMessageHandler(m_previous); }
    QStringList lines() const { return s_lines(); }

private:
    static QStringList &s_lines()
    {
        static QStringList lines;
        return lines;
    }
    static void handler(QtMsgType, const QMessageLogContext &, const QString &message) { s_lines().append(message); }
    QtMessageHandler m_previous = nullptr;
};

int fileMode(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 0777);
}

} // namespace

TEST_CASE("File fallback stores, reads and removes secrets with owner-only permissions", "[secrets]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString configDir = dir.filePath(QStringLiteral("config/switchboard"));
    SecretStore store(configDir, SecretStore::Backend::FileOnly);
    REQUIRE(store.usingFileFallback());

    CHECK_FALSE(store.read(QStringLiteral("openai")).has_value());
    REQUIRE(store.write(QStringLiteral("openai"), QStringLiteral("sk-test-123")));
    REQUIRE(store.write(QStringLiteral("anthropic"), QStringLiteral("sk-ant-456")));

    CHECK(QFileInfo(store.fallbackFilePath()).path() == configDir);
    CHECK(fileMode(store.fallbackFilePath()) == 0600);
    CHECK(store.read(QStringLiteral("openai")).value_or(QString()) == QStringLiteral("sk-test-123"));

    SECTION("a second store over the same directory sees the same secrets")
    {
        SecretStore again(configDir, SecretStore::Backend::FileOnly);
        CHECK(again.read(QStringLiteral("anthropic")).value_or(QString()) == QStringLiteral("sk-ant-456"));
    }
    SECTION("overwriting keeps other entries and the mode even if the file was loosened")
    {
        QFile::setPermissions(store.fallbackFilePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                            QFileDevice::ReadOther | QFileDevice::ReadGroup);
        REQUIRE(fileMode(store.fallbackFilePath()) == 0644);
        REQUIRE(store.write(QStringLiteral("openai"), QStringLiteral("sk-new")));
        CHECK(fileMode(store.fallbackFilePath()) == 0600);
        CHECK(store.read(QStringLiteral("openai")).value_or(QString()) == QStringLiteral("sk-new"));
        CHECK(store.read(QStringLiteral("anthropic")).value_or(QString()) == QStringLiteral("sk-ant-456"));
    }
    SECTION("remove deletes one entry, and removing a missing entry succeeds")
    {
        REQUIRE(store.remove(QStringLiteral("openai")));
        CHECK_FALSE(store.read(QStringLiteral("openai")).has_value());
        CHECK(store.read(QStringLiteral("anthropic")).has_value());
        CHECK(store.remove(QStringLiteral("never-existed")));
    }
    SECTION("an empty name is refused")
    {
        CHECK_FALSE(store.write(QString(), QStringLiteral("x")));
        CHECK_FALSE(store.read(QString()).has_value());
    }
}

TEST_CASE("A corrupt fallback file reads as missing and is replaced on write", "[secrets]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    SecretStore store(dir.path(), SecretStore::Backend::FileOnly);
    QFile file(store.fallbackFilePath());
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("{ not json sk-leaked");
    file.close();

    LogCapture log;
    CHECK_FALSE(store.read(QStringLiteral("x")).has_value());
    REQUIRE(store.write(QStringLiteral("x"), QStringLiteral("value-x")));
    CHECK(store.read(QStringLiteral("x")).value_or(QString()) == QStringLiteral("value-x"));
    CHECK_FALSE(log.lines().join(QLatin1Char('\n')).contains(QStringLiteral("sk-leaked")));
}

TEST_CASE("The gateway token is generated once, url-safe, and persists", "[secrets]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    LogCapture log;
    QString token;
    {
        SecretStore store(dir.path(), SecretStore::Backend::FileOnly);
        token = store.gatewayToken();
        CHECK(store.gatewayToken() == token);
    }
    CHECK(token.startsWith(QStringLiteral("sb-")));
    // 32 bytes -> 43 base64 characters without padding.
    CHECK(token.size() == 3 + 43);
    for (const QChar c : token.mid(3))
        CHECK((c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_')));

    SecretStore reopened(dir.path(), SecretStore::Backend::FileOnly);
    CHECK(reopened.gatewayToken() == token);
    CHECK(reopened.read(SecretStore::gatewayTokenName()).value_or(QString()) == token);
    CHECK(SecretStore::generateToken() != token);

    CHECK_FALSE(log.lines().join(QLatin1Char('\n')).contains(token));
    CHECK_FALSE(log.lines().join(QLatin1Char('\n')).contains(token.mid(3, 20)));
}

TEST_CASE("The environment variable forces the file backend", "[secrets]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    qputenv(SecretStore::backendEnvironmentVariable(), "file");
    SecretStore store(dir.path());
    qunsetenv(SecretStore::backendEnvironmentVariable());
    CHECK(store.usingFileFallback());
    REQUIRE(store.write(QStringLiteral("k"), QStringLiteral("v")));
    CHECK(QFile::exists(store.fallbackFilePath()));
}

TEST_CASE("Automatic backend answers quickly: keyring or file fallback, never a hang", "[secrets]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    qunsetenv(SecretStore::backendEnvironmentVariable());
    LogCapture log;
    SecretStore store(dir.path());
    const QString name = QStringLiteral("switchboard-test-%1").arg(QCoreApplication::applicationPid());
    const QString secret = QStringLiteral("very-secret-value-%1").arg(QCoreApplication::applicationPid());

    QElapsedTimer timer;
    timer.start();
    REQUIRE(store.write(name, secret));
    CHECK(store.read(name).value_or(QString()) == secret);
    REQUIRE(store.remove(name));
    CHECK_FALSE(store.read(name).has_value());
    CHECK(timer.elapsed() < 30000);

    if (store.usingFileFallback()) {
        CHECK(fileMode(store.fallbackFilePath()) == 0600);
    } else {
        // The secret went to the keyring, so no file was needed.
        CHECK_FALSE(QFile::exists(store.fallbackFilePath()));
    }
    CHECK_FALSE(log.lines().join(QLatin1Char('\n')).contains(secret));
}
