#include "SettingsController.h"

#include "config/ConfigLoader.h"
#include "secrets/SecretStore.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>
#include <QtConcurrent>

namespace sb {

namespace {

bool isLoopbackHost(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

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
        m_setup.writer = std::make_shared<SettingsYamlTextWriter>();
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
                   tr("Where the gateway listens. 127.0.0.1 keeps it on this computer; another address also "
                      "needs general_settings.master_key."),
                   tr("an IP address or host name"), config.host});
    fields.append({QStringLiteral("port"), tr("Port"), QStringLiteral("switchboard.port"),
                   tr("The gateway's port. Claude Code is connected to it, so connect again after a change."),
                   tr("1 to 65535"), QString::number(config.port)});
    const QStringList keys = ollamaKeys(config);
    fields.append({QStringLiteral("ollama"), tr("Ollama address"),
                   keys.isEmpty()     ? tr("no Ollama model in the config")
                   : keys.size() == 1 ? tr("api_base of the Ollama model")
                                      : tr("api_base of the %1 Ollama models").arg(keys.size()),
                   tr("Where Ollama answers: this computer's default is http://127.0.0.1:11434."),
                   tr("http:// or https:// with a host and port"), ollamaAddress(config)});
    fields.append({QStringLiteral("retention"), tr("Keep usage history"),
                   QStringLiteral("switchboard.usage_retention_days"),
                   tr("Days of request and cost history kept in the usage database; 0 keeps everything."),
                   tr("0 to 36500 days"), QString::number(config.usageRetentionDays)});
    return fields;
}

Expected<QVariant, QString> SettingsController::validate(const QString &id, const QString &text,
                                                         const GatewayConfig &config)
{
    const QString value = text.trimmed();
    if (id == QLatin1String("port") || id == QLatin1String("retention")) {
        bool ok = false;
        const qlonglong number = value.toLongLong(&ok);
        const bool port = id == QLatin1String("port");
        const qlonglong low = port ? 1 : 0;
        const qlonglong high = port ? 65535 : 36500;
        if (!ok || number < low || number > high)
            return unexpected(port ? tr("A port is a whole number from 1 to 65535.")
                                   : tr("Give a whole number of days from 0 (keep everything) to 36500."));
        return QVariant(int(number));
    }
    if (id == QLatin1String("host")) {
        static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9\\-.]*[A-Za-z0-9])?$"));
        if (value.isEmpty() || (QHostAddress(value).isNull() && !hostName.match(value).hasMatch()))
            return unexpected(tr("Give an IP address (127.0.0.1, 0.0.0.0, ::1) or a host name."));
        if (!isLoopbackHost(value) && config.masterKey.isEmpty())
            return unexpected(tr("Listening on %1 without general_settings.master_key would let anyone on the "
                                 "network use your models; set a master_key in the config first, or keep 127.0.0.1.")
                                  .arg(value));
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
            Q_EMIT configChanged();
        }
        Q_EMIT configSaved(error.isEmpty(), error.isEmpty()
                                                ? tr("Saved to %1. The gateway reloads the file; a new address or port "
                                                     "takes effect when it restarts.")
                                                      .arg(m_setup.configPath)
                                                : error);
    });
    watcher->setFuture(QtConcurrent::run([path, writer, writes] {
        QString error;
        for (const auto &write : writes) {
            const auto written = writer->setValue(path, write.first, write.second);
            if (!written) {
                error = written.error();
                break;
            }
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
