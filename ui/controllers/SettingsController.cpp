#include "SettingsController.h"

#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"
#include "config/ConfigSchema.h"
#include "secrets/SecretStore.h"
#include "server/BindPolicy.h"

#include <QCoreApplication>
#include <QFile>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QUrl>
#include <QtConcurrent>

namespace sb {

namespace {

// The schema's description of `key`, then what the page adds.
QString describe(const QString &key, const QString &extra)
{
    const ConfigSchema::Key *declared = ConfigSchema::find(key);
    QString text = declared && *declared->description ? QString::fromUtf8(declared->description) : QString();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')))
        text += QLatin1Char('.');
    return extra.isEmpty() ? text : text + QLatin1Char(' ') + extra;
}

// "0 to 36500 days" from the schema; `lowest` raises the lower bound where the page is stricter.
struct Range
{
    qint64 low = 0;
    qint64 high = 0;
    QString unit;
};

Range rangeOf(const QString &key, std::optional<qint64> lowest = std::nullopt)
{
    Range range;
    if (const ConfigSchema::Key *declared = ConfigSchema::find(key)) {
        if (declared->min)
            range.low = qint64(declared->min->value) + (declared->min->exclusive ? 1 : 0);
        if (declared->max)
            range.high = qint64(declared->max->value) - (declared->max->exclusive ? 1 : 0);
        range.unit = QString::fromUtf8(declared->unit);
    }
    if (lowest)
        range.low = std::max(range.low, *lowest);
    return range;
}

QString rangeText(const Range &range)
{
    QString text = QStringLiteral("%1 to %2").arg(range.low).arg(range.high);
    return range.unit.isEmpty() ? text : text + QLatin1Char(' ') + range.unit;
}

// Claude Code is connected to a fixed port; 0 (any free port, for tests) would break it.
constexpr qint64 kLowestPort = 1;

QString defaultExecutable()
{
    // An AppImage runs from a temporary mount; login must start the image itself.
    const QString appImage = qEnvironmentVariable("APPIMAGE");
    return appImage.isEmpty() ? QCoreApplication::applicationFilePath() : appImage;
}

QString ollamaAddress(const GatewayConfig &config)
{
    for (const Deployment &deployment : config.deployments) {
        if (deployment.provider == Provider::Ollama)
            return deployment.apiBase.toString(QUrl::StripTrailingSlash);
    }
    return {};
}

// The config keys the Ollama address is written to: the api_base of every Ollama deployment
// that uses the current address (one on another machine stays as it is).
QStringList ollamaKeys(const GatewayConfig &config)
{
    const QString current = ollamaAddress(config);
    QStringList keys;
    for (std::size_t i = 0; i < config.deployments.size(); ++i) {
        const Deployment &deployment = config.deployments.at(i);
        if (deployment.provider == Provider::Ollama && deployment.apiBase.toString(QUrl::StripTrailingSlash) == current)
            keys.append(QStringLiteral("model_list[%1].litellm_params.api_base").arg(i));
    }
    return keys;
}

// Secret references only need to resolve for the load to succeed; the page shows no secrets.
std::optional<QString> placeholderSecret(const QString &)
{
    return QStringLiteral("secret");
}

} // namespace

const QString &SettingsController::startMinimisedKey()
{
    static const QString key = QStringLiteral("tray/startMinimised");
    return key;
}

const QString &SettingsController::closeToTrayKey()
{
    static const QString key = QStringLiteral("tray/closeToTray");
    return key;
}

SettingsController::SettingsController(const SettingsSetup &setup, QObject *parent)
    : QObject(parent), m_setup(setup),
      m_settings(setup.settingsFile.isEmpty() ? std::make_unique<QSettings>()
                                              : std::make_unique<QSettings>(setup.settingsFile, QSettings::IniFormat)),
      m_loginStart(setup.executable.isEmpty() ? defaultExecutable() : setup.executable)
{
    if (!m_setup.writer)
        m_setup.writer = std::make_shared<SettingsSchemaWriter>();
}

SettingsController::~SettingsController() = default;

QString SettingsController::configPath() const
{
    return m_setup.configPath;
}

QList<SettingsField> SettingsController::configFields() const
{
    const GatewayConfig &config = m_setup.config;
    QList<SettingsField> fields;
    fields.append({QStringLiteral("host"), tr("Address"), QStringLiteral("switchboard.host"),
                   describe(QStringLiteral("switchboard.host"),
                            tr("127.0.0.1 keeps it on this computer; another address also needs "
                               "general_settings.master_key.")),
                   tr("an IP address or host name"), config.host});
    fields.append({QStringLiteral("port"), tr("Port"), QStringLiteral("switchboard.port"),
                   tr("The port the gateway listens on. Claude Code is connected to it: connect again after a "
                      "change."),
                   rangeText(rangeOf(QStringLiteral("switchboard.port"), kLowestPort)), QString::number(config.port)});
    const QStringList keys = ollamaKeys(config);
    fields.append({QStringLiteral("ollama"), tr("Ollama address"),
                   keys.isEmpty()     ? tr("no Ollama model in the config")
                   : keys.size() == 1 ? tr("api_base of the Ollama model")
                                      : tr("api_base of the %1 Ollama models").arg(keys.size()),
                   tr("Where Ollama answers; on this computer that is http://127.0.0.1:11434."),
                   tr("http:// or https:// with a host and port"), ollamaAddress(config)});
    fields.append({QStringLiteral("retention"), tr("Keep usage history"),
                   QStringLiteral("switchboard.usage_retention_days"),
                   describe(QStringLiteral("switchboard.usage_retention_days"),
                            tr("Older request and cost records are deleted.")),
                   rangeText(rangeOf(QStringLiteral("switchboard.usage_retention_days"))),
                   QString::number(config.usageRetentionDays)});
    return fields;
}

Expected<QVariant, QString> SettingsController::validate(const QString &id, const QString &text,
                                                         const GatewayConfig &config)
{
    const QString value = text.trimmed();
    if (id == QLatin1String("port") || id == QLatin1String("retention")) {
        const bool port = id == QLatin1String("port");
        const Range range = port ? rangeOf(QStringLiteral("switchboard.port"), kLowestPort)
                                 : rangeOf(QStringLiteral("switchboard.usage_retention_days"));
        bool ok = false;
        const qlonglong number = value.toLongLong(&ok);
        if (!ok || number < range.low || number > range.high)
            return unexpected(port ? tr("A port is a whole number from %1 to %2.").arg(range.low).arg(range.high)
                                   : tr("Give a whole number of days from %1 (keep everything) to %2.")
                                         .arg(range.low)
                                         .arg(range.high));
        return QVariant(int(number));
    }
    if (id == QLatin1String("host")) {
        static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9\\-.]*[A-Za-z0-9])?$"));
        if (value.isEmpty() || (QHostAddress(value).isNull() && !hostName.match(value).hasMatch()))
            return unexpected(tr("Give an IP address (127.0.0.1, 0.0.0.0, ::1) or a host name."));
        const auto allowed = BindPolicy::checkListen(value, config.masterKey);
        if (!allowed)
            return unexpected(allowed.error());
        return QVariant(value);
    }
    if (id == QLatin1String("ollama")) {
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty() || (!url.path().isEmpty() && url.path() != QLatin1String("/")))
            return unexpected(tr("Give an address like http://127.0.0.1:11434 (http or https, a host, no path)."));
        if (ollamaKeys(config).isEmpty())
            return unexpected(tr("The config has no Ollama model to point at it; add one to model_list first."));
        return QVariant(url.toString(QUrl::StripTrailingSlash));
    }
    return unexpected(tr("%1 is not a setting of this page").arg(id));
}

QMap<QString, QString> SettingsController::saveConfigFields(const QMap<QString, QString> &changes)
{
    QMap<QString, QString> refused;
    QList<QPair<QString, QVariant>> writes;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const auto value = validate(it.key(), it.value(), m_setup.config);
        if (!value) {
            refused.insert(it.key(), value.error());
            continue;
        }
        if (it.key() == QLatin1String("ollama")) {
            for (const QString &key : ollamaKeys(m_setup.config))
                writes.append({key, *value});
        } else {
            for (const SettingsField &field : configFields()) {
                if (field.id == it.key())
                    writes.append({field.configKey, *value});
            }
        }
    }
    if (!refused.isEmpty() || writes.isEmpty() || m_saving)
        return refused;

    m_saving = true;
    const QString path = m_setup.configPath;
    const std::shared_ptr<SettingsConfigWriter> writer = m_setup.writer;
    auto *watcher = new QFutureWatcher<QPair<QString, ConfigLoadResult>>(this);
    connect(watcher, &QFutureWatcher<QPair<QString, ConfigLoadResult>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_saving = false;
        const auto [error, loaded] = watcher->result();
        if (loaded.ok()) {
            m_setup.config = loaded.config;
            // After a failed save the page keeps what was typed, for another try.
            if (error.isEmpty())
                Q_EMIT configChanged();
        }
        Q_EMIT configSaved(error.isEmpty(), error.isEmpty()
                                                ? tr("Saved to %1. The gateway reloads the file; a new address or port "
                                                     "takes effect when it restarts.")
                                                      .arg(m_setup.configPath)
                                                : error);
    });
    watcher->setFuture(QtConcurrent::run([path, writer, writes] {
        // One Save is one change to the file: each write keeps its own backup, so the file as
        // it was before the first one is kept here to be the backup (or put back on failure).
        QFile file(path);
        const QByteArray original = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        file.close();
        QString error;
        int done = 0;
        for (const auto &write : writes) {
            const auto written = writer->setValue(path, write.first, write.second);
            if (!written) {
                error = written.error();
                break;
            }
            ++done;
        }
        if (done > 0 && !original.isEmpty()) {
            const QString target = error.isEmpty() ? ConfigEditor::backupPath(path) : path;
            QSaveFile save(target);
            const bool restored =
                save.open(QIODevice::WriteOnly) && save.write(original) == original.size() && save.commit();
            if (!error.isEmpty())
                error += restored ? tr(" Nothing was changed.") : tr(" The file may be partly changed.");
        }
        return qMakePair(error, ConfigLoader::loadFile(path, placeholderSecret));
    }));
    return refused;
}

bool SettingsController::isSaving() const
{
    return m_saving;
}

QString SettingsController::token() const
{
    return m_token;
}

QString SettingsController::tokenStorage() const
{
    return m_tokenFile;
}

void SettingsController::loadToken()
{
    const QString dir = m_setup.secretsDir;
    using Read = QPair<QString, QString>; // token, fallback file (empty: the keyring)
    auto *watcher = new QFutureWatcher<Read>(this);
    connect(watcher, &QFutureWatcher<Read>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_token = watcher->result().first;
        m_tokenFile = watcher->result().second;
        if (m_token.isEmpty())
            Q_EMIT tokenFailed(tr("The gateway token could not be read from the secret store."));
        else
            Q_EMIT tokenChanged(m_token);
    });
    // SecretStore blocks on the keyring: never on the GUI thread.
    watcher->setFuture(QtConcurrent::run([dir] {
        SecretStore store(dir);
        const QString token = store.gatewayToken();
        return Read(token, store.usingFileFallback() ? store.fallbackFilePath() : QString());
    }));
}

void SettingsController::regenerateToken()
{
    const QString dir = m_setup.secretsDir;
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QString token = watcher->result();
        if (token.isEmpty()) {
            Q_EMIT tokenFailed(tr("The new token could not be saved; the old one is still in use."));
            return;
        }
        m_token = token;
        Q_EMIT tokenChanged(token);
        Q_EMIT tokenRegenerated(token);
    });
    watcher->setFuture(QtConcurrent::run([dir] {
        SecretStore store(dir);
        const QString token = SecretStore::generateToken();
        return store.write(SecretStore::gatewayTokenName(), token) ? token : QString();
    }));
}

bool SettingsController::startMinimised() const
{
    return m_settings->value(startMinimisedKey(), false).toBool();
}

bool SettingsController::closeToTray() const
{
    return m_settings->value(closeToTrayKey(), true).toBool();
}

void SettingsController::setStartMinimised(bool on)
{
    m_settings->setValue(startMinimisedKey(), on);
    m_settings->sync();
}

void SettingsController::setCloseToTray(bool on)
{
    m_settings->setValue(closeToTrayKey(), on);
    m_settings->sync();
}

bool SettingsController::startsAtLogin() const
{
    return m_loginStart.isEnabled();
}

QString SettingsController::loginStartLocation() const
{
    return m_loginStart.location();
}

void SettingsController::setStartAtLogin(bool on)
{
    const auto changed = m_loginStart.setEnabled(on);
    Q_EMIT loginStartChanged(m_loginStart.isEnabled(), changed ? QString() : changed.error());
}

void SettingsController::setConfig(const GatewayConfig &config)
{
    m_setup.config = config;
    Q_EMIT configChanged();
}

} // namespace sb
