#pragma once

#include "config/GatewayConfig.h"
#include "ollama/OllamaTypes.h"

#include <QHash>
#include <QObject>
#include <QStringList>

class QNetworkAccessManager;

namespace sb {

class OllamaClient;
class OllamaPulls;

// What the Models page knows of Ollama: whether it answers at the configured address (and
// its version), the installed models with what /api/show says of each, which are loaded,
// and which mappings use each one. Every call is asynchronous; the page only reads.
class ModelsController final : public QObject
{
    Q_OBJECT
public:
    struct Installed
    {
        OllamaModel model;
        OllamaModelDetails details; // empty until /api/show answered
        bool detailsKnown = false;
        bool running = false;
        OllamaRunningModel load; // when running
        QStringList usedBy;      // deployments (ids) whose upstream model this is
    };

    ModelsController(OllamaClient *client, OllamaPulls *pulls, QObject *parent = nullptr);

    void setConfig(const GatewayConfig &config); // for "used by"
    void refresh();                              // asks Ollama again; updated() follows

    QString address() const;
    bool checked() const { return m_checked; }
    bool reachable() const { return m_reachable; }
    QString version() const { return m_version; }
    QString problem() const { return m_problem; } // why Ollama did not answer, in its words
    const QList<Installed> &installed() const { return m_installed; }
    QStringList usersOf(const QString &model) const;
    OllamaPulls *pulls() const { return m_pulls; }

    void pull(const QString &model);
    // Deletes the model from Ollama; removed() or the error follows, then a refresh.
    void remove(const QString &model);

    // "Use for Claude Code": the config file's mapping for Claude Code's main (or, with
    // `small`, its small) model is pointed at this Ollama model (MappingsController::
    // withClaudeCodeModel), written on a worker thread; the gateway's watcher applies it.
    void setConfigPath(const QString &path) { m_configPath = path; }
    void useForClaudeCode(const QString &model, bool small);
    // The running gateway, for the tool-calling check.
    void setGateway(const QString &baseUrl, const QString &token);
    // Sends a request with one tool through the gateway to a deployment serving `model` and
    // says whether a valid tool call came back, and whether its context is at least 32K.
    void checkToolCalling(const QString &model);

Q_SIGNALS:
    void updated();
    void removed(const QString &model, const QString &error); // error empty when it worked
    void usedForClaudeCode(const QString &model, const QString &error);
    void toolCheckFinished(const QString &model, const QString &verdict, bool passed);

private:
    void tagsDone(const Expected<QList<OllamaModel>, QString> &tags);

    OllamaClient *m_client;
    OllamaPulls *m_pulls;
    std::vector<Deployment> m_deployments;
    bool m_checked = false;
    bool m_reachable = false;
    QString m_version;
    QString m_problem;
    QList<Installed> m_installed;
    int m_generation = 0; // answers of an older refresh are dropped
    QString m_configPath;
    QString m_gatewayUrl;
    QString m_gatewayToken;
    QNetworkAccessManager *m_network = nullptr;
};

} // namespace sb
