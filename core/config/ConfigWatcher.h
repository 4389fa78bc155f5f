#pragma once

#include "ConfigLoader.h"

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

namespace sb {

// Watches the config file and reloads it when it changes on disk, reading and parsing off the
// caller's thread. A file that loads is reported with reloaded() (the caller applies it, e.g.
// through ProxyService::applyConfig); a file with errors with rejected(), and the last good
// config stays in force. Editors that save by replacing the file are followed too.
class ConfigWatcher final : public QObject
{
    Q_OBJECT
public:
    // `secrets` resolves keychain/NAME references; it is called on a worker thread.
    explicit ConfigWatcher(const QString &path, SecretResolver secrets = {}, QObject *parent = nullptr);
    ~ConfigWatcher() override;

    QString path() const { return m_path; }
    // Reads the file now (as if it had changed), e.g. for a Reload button.
    void reload();

Q_SIGNALS:
    void reloaded(const sb::ConfigLoadResult &result);
    void rejected(const sb::ConfigLoadResult &result);

private:
    struct Read
    {
        QByteArray text;
        ConfigLoadResult result;
    };

    void onChanged();
    void startLoad();
    void onLoaded();
    void watchAgain();

    QString m_path;
    SecretResolver m_secrets;
    QFileSystemWatcher m_watcher;
    QTimer m_settle; // editors write in several steps: read once they are done
    QFutureWatcher<Read> m_load;
    bool m_loadAgain = false;
    QByteArray m_lastGood; // the text of the last config that loaded, to skip touches without change
};

} // namespace sb
