#include "SecretStore.h"

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <functional>

namespace sb {

namespace {

Q_LOGGING_CATEGORY(lcSecrets, "switchboard.secrets")

constexpr auto kFallbackFileName = "secrets.json";

// Set once per process, so the "using the file" notice appears once however many stores exist.
std::atomic<bool> g_fallbackAnnounced{false};

struct JobResult
{
    bool finished = false;
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QString text;
};

// Runs a keychain job to completion on a local event loop. The job deletes itself once it
// finishes (autoDelete), also when we stopped waiting for it.
JobResult runJob(QKeychain::Job *job, int timeoutMs)
{
    JobResult result;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&result, &loop](QKeychain::Job *done) {
        result.finished = true;
        result.error = done->error();
        result.errorString = done->errorString();
        if (auto *reader = qobject_cast<QKeychain::ReadPasswordJob *>(done))
            result.text = reader->textData();
        loop.quit();
    });
    job->setAutoDelete(true);
    job->start();
    timeout.start(timeoutMs);
    if (!result.finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    return result;
}

// Every keyring job of the process runs on this one thread, whichever thread asked. QtKeychain's
// Linux backends are not thread-safe: libsecret answers on the GLib context of the thread that
// started the job (the main thread's when a pool thread without an event loop started it), and
// a job answered on a thread other than its own crashes in QObject::disconnect. A thread of our
// own, with a running event loop, owns every job and receives every answer.
class KeyringThread
{
public:
    static KeyringThread &instance()
    {
        static KeyringThread keyring;
        return keyring;
    }

    // Runs `make()`'s job to its end on the keyring thread; the caller waits. nullopt when
    // there is no thread to run it on (no application, or it is shutting down).
    std::optional<JobResult> run(const std::function<QKeychain::Job *()> &make, int timeoutMs)
    {
        QObject *context = contextObject();
        if (!context)
            return std::nullopt;
        if (QThread::currentThread() == context->thread())
            return runJob(make(), timeoutMs);
        JobResult result;
        QMetaObject::invokeMethod(
            context, [&] { result = runJob(make(), timeoutMs); }, Qt::BlockingQueuedConnection);
        return result;
    }

private:
    QObject *contextObject()
    {
        QMutexLocker lock(&m_mutex);
        if (m_stopped || !QCoreApplication::instance())
            return nullptr;
        if (!m_thread) {
            m_thread = new QThread;
            m_thread->setObjectName(QStringLiteral("switchboard-keyring"));
            m_context = new QObject;
            m_context->moveToThread(m_thread);
            QObject::connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
            m_thread->start();
            // Ends with the application, before Qt tears down what the thread uses.
            qAddPostRoutine([] { instance().stop(); });
        }
        return m_context;
    }

    void stop()
    {
        QThread *thread = nullptr;
        {
            QMutexLocker lock(&m_mutex);
            m_stopped = true;
            thread = m_thread;
            m_thread = nullptr;
            m_context = nullptr;
        }
        if (!thread)
            return;
        thread->quit();
        thread->wait();
        delete thread;
    }

    QMutex m_mutex;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;
    bool m_stopped = false;
};

bool meansNoKeyring(QKeychain::Error error)
{
    // Without a Secret Service QtKeychain reports OtherError (7) within milliseconds, e.g.
    // "Cannot autolaunch D-Bus without X11 $DISPLAY"; other platforms say NoBackendAvailable.
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
}

} // namespace

SecretStore::SecretStore(const QString &fallbackDir, QObject *parent)
    : SecretStore(fallbackDir, Backend::Automatic, parent)
{}

SecretStore::SecretStore(const QString &fallbackDir, Backend backend, QObject *parent)
    : QObject(parent), m_fallbackDir(fallbackDir)
{
    if (backend == Backend::FileOnly) {
        switchToFileFallback(QStringLiteral("the file backend was requested"));
    } else if (qEnvironmentVariable(backendEnvironmentVariable()).compare(QLatin1String("file"), Qt::CaseInsensitive) ==
               0) {
        switchToFileFallback(QStringLiteral("%1=file is set").arg(QLatin1String(backendEnvironmentVariable())));
    } else if (!QCoreApplication::instance()) {
        switchToFileFallback(QStringLiteral("there is no application event loop for the keyring"));
    }
}

SecretStore::~SecretStore() = default;

const QString &SecretStore::gatewayTokenName()
{
    static const QString name = QStringLiteral("gateway-token");
    return name;
}

const char *SecretStore::backendEnvironmentVariable()
{
    return "SWITCHBOARD_SECRETS_BACKEND";
}

const QString &SecretStore::keyringService()
{
    static const QString service = QStringLiteral("Switchboard");
    return service;
}

bool SecretStore::usingFileFallback() const
{
    return m_fileFallback;
}

QString SecretStore::fallbackFilePath() const
{
    return QDir(m_fallbackDir).filePath(QLatin1String(kFallbackFileName));
}

std::optional<QString> SecretStore::read(const QString &name)
{
    if (name.isEmpty())
        return std::nullopt;
    if (!m_fileFallback) {
        QString value;
        switch (keyringRead(name, &value)) {
        case KeyringOutcome::Ok: return value;
        case KeyringOutcome::Failed: return std::nullopt;
        case KeyringOutcome::NotFound:
            // A secret written by an earlier headless run may still sit in the file.
            return fileRead(name);
        case KeyringOutcome::Unavailable: break;
        }
    }
    return fileRead(name);
}

bool SecretStore::write(const QString &name, const QString &value)
{
    if (name.isEmpty())
        return false;
    if (!m_fileFallback) {
        switch (keyringWrite(name, value)) {
        case KeyringOutcome::Ok: return true;
        case KeyringOutcome::NotFound:
        case KeyringOutcome::Failed: return false;
        case KeyringOutcome::Unavailable: break;
        }
    }
    return fileWrite(name, value);
}

bool SecretStore::remove(const QString &name)
{
    if (name.isEmpty())
        return false;
    bool keyringOk = true;
    if (!m_fileFallback) {
        const KeyringOutcome outcome = keyringRemove(name);
        keyringOk = outcome == KeyringOutcome::Ok || outcome == KeyringOutcome::NotFound ||
                    outcome == KeyringOutcome::Unavailable;
    }
    // Also clear a copy an earlier headless run may have left in the file.
    const bool fileOk = !QFile::exists(fallbackFilePath()) || fileWrite(name, std::nullopt);
    return keyringOk && fileOk;
}

QString SecretStore::gatewayToken()
{
    if (const std::optional<QString> existing = read(gatewayTokenName()); existing && !existing->isEmpty())
        return *existing;
    const QString token = generateToken();
    if (!write(gatewayTokenName(), token))
        qCWarning(lcSecrets) << "Could not store the new gateway token; it lasts until Switchboard exits";
    else
        qCInfo(lcSecrets) << "Created a new gateway token";
    return token;
}

QString SecretStore::generateToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QStringLiteral("sb-") +
           QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// The jobs are made on the keyring thread, which then owns them.
SecretStore::KeyringOutcome SecretStore::keyringRead(const QString &name, QString *value)
{
    const auto make = [name]() -> QKeychain::Job * {
        auto *job = new QKeychain::ReadPasswordJob(keyringService());
        job->setKey(name);
        return job;
    };
    return runKeyringJob(make, QStringLiteral("Reading %1 from the keyring").arg(name), value);
}

SecretStore::KeyringOutcome SecretStore::keyringWrite(const QString &name, const QString &value)
{
    const auto make = [name, value]() -> QKeychain::Job * {
        auto *job = new QKeychain::WritePasswordJob(keyringService());
        job->setKey(name);
        job->setTextData(value);
        return job;
    };
    return runKeyringJob(make, QStringLiteral("Writing %1 to the keyring").arg(name), nullptr);
}

SecretStore::KeyringOutcome SecretStore::keyringRemove(const QString &name)
{
    const auto make = [name]() -> QKeychain::Job * {
        auto *job = new QKeychain::DeletePasswordJob(keyringService());
        job->setKey(name);
        return job;
    };
    return runKeyringJob(make, QStringLiteral("Removing %1 from the keyring").arg(name), nullptr);
}

SecretStore::KeyringOutcome SecretStore::runKeyringJob(const std::function<QKeychain::Job *()> &make,
                                                       const QString &what, QString *text)
{
    const std::optional<JobResult> ran = KeyringThread::instance().run(make, m_keyringTimeoutMs);
    if (!ran) {
        switchToFileFallback(QStringLiteral("the application is shutting down"));
        return KeyringOutcome::Unavailable;
    }
    const JobResult &result = *ran;
    if (!result.finished) {
        switchToFileFallback(QStringLiteral("the keyring did not answer within %1 ms").arg(m_keyringTimeoutMs));
        return KeyringOutcome::Unavailable;
    }
    if (result.error == QKeychain::NoError) {
        if (text)
            *text = result.text;
        return KeyringOutcome::Ok;
    }
    if (result.error == QKeychain::EntryNotFound)
        return KeyringOutcome::NotFound;
    if (meansNoKeyring(result.error)) {
        switchToFileFallback(result.errorString);
        return KeyringOutcome::Unavailable;
    }
    qCWarning(lcSecrets).noquote() << what << "failed:" << result.errorString;
    return KeyringOutcome::Failed;
}

void SecretStore::switchToFileFallback(const QString &reason)
{
    m_fileFallback = true;
    if (!g_fallbackAnnounced.exchange(true)) {
        qCInfo(lcSecrets).noquote() << "No keyring service is available (" + reason + "); secrets are kept in"
                                    << fallbackFilePath() << "readable only by this user";
    }
}

std::optional<QString> SecretStore::fileRead(const QString &name)
{
    QMutexLocker lock(&m_fileMutex);
    QFile file(fallbackFilePath());
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcSecrets).noquote() << "Cannot read" << file.fileName() << ":" << file.errorString();
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject()) {
        // Never echo the content: it holds secrets.
        qCWarning(lcSecrets).noquote() << file.fileName() << "is not a JSON object; ignoring it";
        return std::nullopt;
    }
    const QJsonValue value = doc.object().value(name);
    if (!value.isString())
        return std::nullopt;
    return value.toString();
}

bool SecretStore::fileWrite(const QString &name, const std::optional<QString> &value)
{
    QMutexLocker lock(&m_fileMutex);
    if (!QDir().mkpath(m_fallbackDir)) {
        qCWarning(lcSecrets).noquote() << "Cannot create" << m_fallbackDir;
        return false;
    }
    QJsonObject secrets;
    {
        QFile existing(fallbackFilePath());
        if (existing.open(QIODevice::ReadOnly)) {
            const QJsonDocument doc = QJsonDocument::fromJson(existing.readAll());
            if (doc.isObject())
                secrets = doc.object();
        }
    }
    if (value)
        secrets.insert(name, *value);
    else if (secrets.contains(name))
        secrets.remove(name);
    else
        return true;

    QSaveFile file(fallbackFilePath());
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcSecrets).noquote() << "Cannot write" << fallbackFilePath() << ":" << file.errorString();
        return false;
    }
    // QSaveFile copies the old file's mode; force owner-only whatever it was.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(secrets).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        qCWarning(lcSecrets).noquote() << "Cannot write" << fallbackFilePath() << ":" << file.errorString();
        return false;
    }
    QFile::setPermissions(fallbackFilePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

} // namespace sb
