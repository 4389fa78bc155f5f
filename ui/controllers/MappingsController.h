#pragma once

#include "config/GatewayConfig.h"
#include "config/ModelListEditor.h"

#include <QByteArray>
#include <QObject>
#include <QStringList>

class QNetworkAccessManager;

namespace sb {

// What the router would do with a model name, under the edited (not yet applied) mappings.
struct MappingResolution
{
    QString error;           // the edited config does not load, or no mapping serves the name
    QString group;           // the mapping (model_name) that serves it
    QString rule;            // the scenario rule that fired, empty when none
    QStringList deployments; // the group's deployments, in the router's order of trying
    QStringList fallbacks;   // tried in order when the group fails
};

// A model server answering on this machine (Detect local servers).
struct LocalServer
{
    QString kind;     // "Ollama", "LM Studio", "llama.cpp server", "vLLM"
    QString provider; // the litellm_params.model prefix for it
    QString apiBase;  // as a mapping writes it
    QStringList models;
};

// The Mappings page's talker: reads the config's model_list on a worker thread, writes the
// edited rows back as text edits (ModelListEditor, ConfigEditor::commitText: atomic, with
// .bak, refused when the file changed since it was read), answers "which deployment would
// serve X" with the Router itself, and tests one deployment through the running gateway.
// The gateway's config watcher applies a saved file by itself (applyConfig: streams in flight
// keep going).
class MappingsController final : public QObject
{
    Q_OBJECT
public:
    explicit MappingsController(const QString &configPath, QObject *parent = nullptr);

    QString configPath() const { return m_configPath; }
    void load();
    // `strategy`: router_settings.routing_strategy as edited ("" or the file's: left as it is).
    void apply(const QList<MappingRow> &rows, const QString &strategy = {});
    // The routing strategy of the text the rows were read from (the loader's default when unset).
    QString baseStrategy() const { return m_baseStrategy; }
    MappingResolution resolve(const QList<MappingRow> &rows, const QString &model, const QString &strategy = {}) const;

    // The running gateway, for Test.
    void setGateway(const QString &baseUrl, const QString &token);
    void setServing(const GatewayConfig &config)
    {
        m_serving = config;
        Q_EMIT servingChanged();
    }
    const GatewayConfig &serving() const { return m_serving; }
    // Sends a short streamed request to the deployment `row` names in the serving config;
    // testFinished reports it. A row not applied yet cannot be tested.
    void test(int index, const MappingRow &row);
    // The id of the serving deployment `row` is, or "" when it is not serving (not applied).
    QString servingId(const MappingRow &row) const;

    // `yaml` with the Ollama model `model` (at `ollamaBase`) serving Claude Code's main model
    // (claude-sonnet-…/opus) or, with `small`, its small one (claude-haiku-…): the one mapping
    // that serves it now is updated (num_ctx raised to 32768 when lower or unset), else a
    // `claude-*` / `claude-*haiku*` mapping is added. Refused when several deployments share it.
    static Expected<QByteArray, QString> withClaudeCodeModel(const QByteArray &yaml, const QString &fileName,
                                                             const QString &model, const QString &ollamaBase,
                                                             bool small);

    // Asks the usual loopback ports (Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000)
    // for their models; detected() lists those that answered.
    void detectLocalServers();
    // Where detectLocalServers() asks (tests point it at fakes): kind, provider, api_base, and
    // whether it speaks Ollama's /api/tags (else /models of an OpenAI-compatible API).
    struct Probe
    {
        QString kind;
        QString provider;
        QString apiBase;
        bool ollama = false;
    };
    void setProbes(const QList<Probe> &probes) { m_probes = probes; }
    static QList<Probe> usualProbes();

Q_SIGNALS:
    void servingChanged();
    void detected(const QList<sb::LocalServer> &servers);
    void loaded(const QList<sb::MappingRow> &rows);
    void loadFailed(const QString &why);
    void applied();
    void applyFailed(const QString &why);
    void testFinished(int index, const QString &text, bool failed);

private:
    QString m_configPath;
    // The file's text with `rows` and a changed strategy written into it.
    Expected<QByteArray, QString> editedText(const QList<MappingRow> &rows, const QString &strategy) const;

    QByteArray m_base; // the text the rows were read from
    QString m_baseStrategy;
    bool m_haveBase = false;
    GatewayConfig m_serving;
    QString m_baseUrl;
    QString m_token;
    QNetworkAccessManager *m_network;
    QList<Probe> m_probes = usualProbes();
};

} // namespace sb
