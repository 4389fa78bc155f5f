#pragma once

#include "Expected.h"
#include "config/GatewayConfig.h"
#include "secrets/SecretStore.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;

namespace sb {

struct ProvidersSnapshot;

struct ProvidersSetup
{
    QString configPath;
    QString secretsDir; // where SecretStore keeps its file fallback (the default config dir)
    GatewayConfig config;
    SecretStore::Backend backend = SecretStore::Backend::Automatic;
    int testTimeoutMs = 15000;
};

// Where one deployment's key comes from today, read from the config's text (the loaded config
// only holds the resolved key).
struct KeySource
{
    enum class Kind {
        None,            // no api_key and no LiteLLM variable: nothing is sent
        Keychain,        // keychain/NAME
        Environment,     // os.environ/NAME or ${NAME}
        DefaultVariable, // no api_key; the loader took LiteLLM's variable for the provider
        PlainText,       // a key written in the file
    };
    Kind kind = Kind::None;
    QString name;           // the secret or variable; for PlainText the key masked
    bool available = false; // the secret is in the store / the variable is set
};

struct ProviderDeployment
{
    int index = -1; // in the file's model_list
    QString id;     // the deployment's id (model_info.id or model@host)
    QString modelName;
    KeySource source;
};

// One upstream whose key the page keeps: a provider prefix at one address. Deployments of the
// same prefix at another address (openai/ pointed at a local vLLM) are a provider of their own,
// so "Use for deployments" never sends a key to a server it was not meant for.
struct ProviderEntry
{
    QString name;       // "anthropic", or "openai@127.0.0.1:8000" away from the provider's own address
    QString label;      // "Anthropic", "OpenAI at 127.0.0.1:8000"
    QString secretName; // "provider-key/anthropic"
    Provider kind = Provider::OpenAiCompatible;
    QUrl apiBase;            // what Test calls
    QString azureApiVersion; // set for azure/
    QList<ProviderDeployment> deployments;
    bool keyKnown = false; // the store was asked
    bool hasKey = false;
    QString maskedKey; // "sk-ant-…x7Qa"; never the whole key
    QString status;    // the last test, save or remove, in words
    bool statusOk = true;
    bool busy = false;

    // Deployments whose api_key "Use for deployments" would set to the stored key's reference.
    int deploymentsToPoint() const;
};

// Owns the Providers & keys page's talk with the secret store, the config file and the
// upstreams. Every SecretStore call and every file access runs on a worker thread (the store
// blocks on the keyring's event loop); Test is an asynchronous request on the GUI thread's
// network manager with a key read by a worker. No key is ever logged or kept in this object:
// only its masked form.
class ProvidersController final : public QObject
{
    Q_OBJECT
public:
    explicit ProvidersController(const ProvidersSetup &setup, QObject *parent = nullptr);
    ~ProvidersController() override;

    const QList<ProviderEntry> &providers() const { return m_providers; }
    int indexOf(const QString &provider) const; // -1: not listed
    QString configPath() const { return m_setup.configPath; }
    // Known after the first answer from the store: the keyring, or the 0600 file at this path.
    bool storageKnown() const { return m_storageKnown; }
    bool usingFile() const { return m_usingFile; }
    QString storageFile() const { return m_storageFile; }
    // Why the config's model_list could not be read as text (the key sources are then unknown).
    QString configProblem() const { return m_configProblem; }
    bool anyPlainTextKey() const;

    // "sk-ant-…x7Qa": a recognisable start and the last four characters of a long key, never
    // more than a third of it; a short key shows only "…".
    static QString maskKey(const QString &key);
    static QString secretNameFor(const QString &provider);

public Q_SLOTS:
    void setConfig(const sb::GatewayConfig &config);
    // Reads the config's text and asks the store which keys exist; changed() follows.
    void refresh();
    void setKey(const QString &provider, const QString &key);
    void removeKey(const QString &provider);
    void test(const QString &provider);
    // Points every deployment of the provider whose api_key is not yet the stored key's
    // keychain/ reference at it in one atomic write; the gateway's watcher reloads.
    void useForDeployments(const QString &provider);

Q_SIGNALS:
    void changed();
    void providerChanged(int row);
    // A key was saved; `offer` deployments could be pointed at it.
    void keySaved(const QString &provider, int offer);
    void deploymentsPointed(const QString &provider, int count, const QString &error);
    // The store's content changed: configs referring to it resolve differently now.
    void secretsChanged();

private:
    void applySnapshot(const ProvidersSnapshot &snapshot);
    void setStatus(const QString &provider, const QString &text, bool ok, bool busy);
    void finishTest(const QString &provider, const Expected<QString, QString> &key);

    ProvidersSetup m_setup;
    QList<ProviderEntry> m_providers;
    bool m_storageKnown = false;
    bool m_usingFile = false;
    QString m_storageFile;
    QString m_configProblem;
    int m_refreshGeneration = 0;
    QNetworkAccessManager *m_network;
};

} // namespace sb
