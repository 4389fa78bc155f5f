#pragma once

#include "Expected.h"
#include "SettingsConfigWriter.h"
#include "SettingsLoginStart.h"
#include "config/GatewayConfig.h"

#include <QMap>
#include <QObject>
#include <QVariant>

#include <memory>

class QSettings;

namespace sb {

// One setting the page edits in the config file.
struct SettingsField
{
    QString id;          // "host", "port", "ollama", "retention"
    QString label;       // "Port"
    QString configKey;   // "switchboard.port"; the Ollama address spans every Ollama deployment
    QString description; // what it does, in plain words
    QString bounds;      // "1 to 65535", from the schema's bounds
    QString value;       // as it is now
};

struct SettingsSetup
{
    QString configPath;
    QString secretsDir; // where SecretStore keeps its file fallback (the default config dir)
    GatewayConfig config;
    QString executable;   // what login start runs; empty: this program (or $APPIMAGE)
    QString settingsFile; // QSettings ini for the desktop options; empty: the app's default QSettings
    std::shared_ptr<SettingsConfigWriter> writer; // empty: SettingsSchemaWriter
};

// Owns the Settings page's talk with the config file, the secret store, QSettings and the
// platform's login items. Secret-store and file work run on worker threads.
class SettingsController final : public QObject
{
    Q_OBJECT
public:
    // QSettings keys the shell reads at start and on close.
    static const QString &startMinimisedKey(); // "tray/startMinimised", default false
    static const QString &closeToTrayKey();    // "tray/closeToTray", default true

    explicit SettingsController(const SettingsSetup &setup, QObject *parent = nullptr);
    ~SettingsController() override;

    QList<SettingsField> configFields() const;
    QString configPath() const;
    // The typed value `text` stands for, or why it is refused (nothing is written then).
    static Expected<QVariant, QString> validate(const QString &id, const QString &text, const GatewayConfig &config);

    // Validates every change first; when any is refused, nothing is written and the refusals
    // are returned (id → message). Otherwise the writes run in the background and end in
    // configSaved().
    QMap<QString, QString> saveConfigFields(const QMap<QString, QString> &changes);
    bool isSaving() const;

    QString token() const; // empty until loaded
    // The file the token is kept in when no keyring answered; empty: the keyring.
    QString tokenStorage() const;
    bool startMinimised() const;
    bool closeToTray() const;
    bool startsAtLogin() const;
    QString loginStartLocation() const;

public Q_SLOTS:
    void loadToken();
    void regenerateToken();
    void setStartMinimised(bool on);
    void setCloseToTray(bool on);
    void setStartAtLogin(bool on);
    void setConfig(const sb::GatewayConfig &config);

Q_SIGNALS:
    void configSaved(bool ok, const QString &message);
    void configChanged();
    void tokenChanged(const QString &token);
    // The token was replaced: the running gateway still holds the old one until it restarts.
    void tokenRegenerated(const QString &token);
    void tokenFailed(const QString &message);
    void loginStartChanged(bool on, const QString &error);

private:
    SettingsSetup m_setup;
    std::unique_ptr<QSettings> m_settings;
    LoginStart m_loginStart;
    QString m_token;
    QString m_tokenFile;
    bool m_saving = false;
};

} // namespace sb
