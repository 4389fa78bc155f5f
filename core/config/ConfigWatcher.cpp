#include "ConfigWatcher.h"

#include <QFile>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace sb {

namespace {
constexpr int kSettleMs = 150;
} // namespace

ConfigWatcher::ConfigWatcher(const QString &path, SecretResolver secrets, QObject *parent)
    : QObject(parent), m_path(QFileInfo(path).absoluteFilePath()), m_secrets(std::move(secrets))
{
    qRegisterMetaType<sb::ConfigLoadResult>();
    m_settle.setSingleShot(true);
    m_settle.setInterval(kSettleMs);
    connect(&m_settle, &QTimer::timeout, this, &ConfigWatcher::startLoad);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &ConfigWatcher::onChanged);
    // A save that replaces the file (write to a temporary, rename over) shows as a change of
    // the folder; the file itself is then watched again.
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &ConfigWatcher::onChanged);
    connect(&m_load, &QFutureWatcher<Read>::finished, this, &ConfigWatcher::onLoaded);
    m_watcher.addPath(QFileInfo(m_path).absolutePath());
    watchAgain();
    QFile file(m_path);
    if (file.open(QIODevice::ReadOnly))
        m_lastGood = file.readAll();
}

ConfigWatcher::~ConfigWatcher()
{
    m_load.waitForFinished();
}

void ConfigWatcher::watchAgain()
{
    if (QFileInfo::exists(m_path) && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
}

void ConfigWatcher::onChanged()
{
    watchAgain();
    m_settle.start();
}

void ConfigWatcher::reload()
{
    m_lastGood.clear(); // read it even if the text is the same
    startLoad();
}

void ConfigWatcher::startLoad()
{
    if (m_load.isRunning()) {
        m_loadAgain = true;
        return;
    }
    const QString path = m_path;
    const SecretResolver secrets = m_secrets;
    m_load.setFuture(QtConcurrent::run([path, secrets]() -> Read {
        Read read;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            ConfigIssue issue;
            issue.severity = ConfigIssue::Severity::Error;
            issue.file = path;
            issue.message = QStringLiteral("cannot read the config: %1").arg(file.errorString());
            read.result.issues.append(issue);
            return read;
        }
        read.text = file.readAll();
        read.result = ConfigLoader::loadText(read.text, path, secrets);
        return read;
    }));
}

void ConfigWatcher::onLoaded()
{
    const Read read = m_load.result();
    if (m_loadAgain) {
        m_loadAgain = false; // it changed again while being read: only the newest counts
        startLoad();
        return;
    }
    if (read.result.ok()) {
        if (!m_lastGood.isEmpty() && read.text == m_lastGood)
            return; // touched, not changed
        m_lastGood = read.text;
        Q_EMIT reloaded(read.result);
    } else {
        Q_EMIT rejected(read.result);
    }
}

} // namespace sb
