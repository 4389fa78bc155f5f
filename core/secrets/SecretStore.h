#pragma once

#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace QKeychain {
class Job;
}

namespace sb {

// Secrets (the gateway token, provider keys) kept in the OS keyring through QtKeychain:
// Secret Service on Linux, Keychain on macOS, Credential Manager on Windows. Where no
// keyring service exists (headless servers, containers, CI) the store falls back to one
// JSON file readable only by its owner (0600) in `fallbackDir`, and logs that once.
//
// Every call blocks until the keyring answers or a timeout passes: use it at startup and from
// the command line, never from the GUI thread while a window is up. Any thread may call it;
// the keyring work itself always runs on one thread of its own (see SecretStore.cpp).
class SecretStore final : public QObject
{
    Q_OBJECT
public:
    enum class Backend {
        Automatic, // the keyring when a service answers, else the file
        FileOnly,  // never touch the keyring (tests, or SWITCHBOARD_SECRETS_BACKEND=file)
    };

    explicit SecretStore(const QString &fallbackDir, QObject *parent = nullptr);
    SecretStore(const QString &fallbackDir, Backend backend, QObject *parent = nullptr);
    ~SecretStore() override;

    // nullopt when the secret does not exist or cannot be read.
    std::optional<QString> read(const QString &name);
    bool write(const QString &name, const QString &value);
    // True when the secret is gone afterwards (also when it never existed).
    bool remove(const QString &name);

    bool usingFileFallback() const;
    QString fallbackFilePath() const;

    // The per-install gateway token ("gateway-token"): created on first use as "sb-" followed
    // by 32 random bytes in unpadded base64url, then stored.
    QString gatewayToken();

    static QString generateToken();

    static const QString &gatewayTokenName();
    // Environment variable that forces the file backend when set to "file".
    static const char *backendEnvironmentVariable();
    // Keyring service name under which entries are stored.
    static const QString &keyringService();

private:
    enum class KeyringOutcome { Ok, NotFound, Unavailable, Failed };

    KeyringOutcome keyringRead(const QString &name, QString *value);
    KeyringOutcome keyringWrite(const QString &name, const QString &value);
    KeyringOutcome keyringRemove(const QString &name);
    // Runs a keyring job to its end (or the timeout) and sorts the outcome; `what` names the
    // operation in the log, `text` receives a read secret. `make` builds the job on the one
    // thread that runs every keyring job of the process.
    KeyringOutcome runKeyringJob(const std::function<QKeychain::Job *()> &make, const QString &what, QString *text);
    void switchToFileFallback(const QString &reason);

    std::optional<QString> fileRead(const QString &name);
    bool fileWrite(const QString &name, const std::optional<QString> &value);

    QString m_fallbackDir;
    bool m_fileFallback = false;
    int m_keyringTimeoutMs = 10000;
    QMutex m_fileMutex;
};

} // namespace sb
