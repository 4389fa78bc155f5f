#include "Doctor.h"

#include "ollama/OllamaClient.h"

#include <QFutureWatcher>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtConcurrent/QtConcurrentRun>

namespace sb {

Doctor::Doctor(QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)), m_ollama(new OllamaClient(QUrl(), this)),
      m_claudeCode(new QFutureWatcher<ClaudeCodeStatus>(this))
{
    qRegisterMetaType<sb::DoctorCheck>();
    qRegisterMetaType<QList<sb::DoctorCheck>>();
    connect(m_claudeCode, &QFutureWatcher<ClaudeCodeStatus>::finished, this, [this] {
        m_probes.claudeCode = m_claudeCode->result();
        probeDone();
    });
}

// Not waiting for the Claude Code worker: it holds only copies, and a GUI closing its doctor
// page must not sit out a slow `claude --version`.
Doctor::~Doctor() = default;

bool Doctor::isRunning() const
{
    return m_pendingProbes > 0;
}

void Doctor::setTimeouts(int gatewayMs, int ollamaMs)
{
    m_gatewayTimeoutMs = gatewayMs;
    m_ollama->setTimeoutMs(ollamaMs);
}

bool Doctor::run(const DoctorInputs &inputs)
{
    if (isRunning())
        return false;
    m_inputs = inputs;
    m_probes = {};
    m_modelsToInspect.clear();
    m_pendingProbes = 3;
    probeGateway();
    probeOllama();
    probeClaudeCode();
    return true;
}

void Doctor::probeGateway()
{
    QNetworkRequest request(QUrl(m_inputs.gatewayUrl + QStringLiteral("/v1/models")));
    request.setRawHeader("Authorization", "Bearer " + m_inputs.gatewayToken.toUtf8());
    request.setTransferTimeout(m_gatewayTimeoutMs);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        m_probes.gateway.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_probes.gateway.error = reply->errorString();
        reply->deleteLater();
        probeDone();
    });
}

void Doctor::probeOllama()
{
    m_ollama->setBaseUrl(m_inputs.ollamaUrl);
    m_ollama->version([this](const Expected<QString, QString> &version) {
        m_probes.ollama.version = version.valueOr(QString());
        m_probes.ollama.error = version ? QString() : version.error();
        if (!DoctorFindings::checksModels(m_inputs, m_probes.ollama)) {
            probeDone();
            return;
        }
        m_ollama->listModels([this](const Expected<QList<OllamaModel>, QString> &models) {
            m_probes.ollama.installed = models.valueOr(QList<OllamaModel>());
            m_modelsToInspect = DoctorFindings::modelsToInspect(m_inputs, m_probes.ollama.installed);
            inspectNextModel();
        });
    });
}

// One /api/show at a time: Ollama reads each model's file for it.
void Doctor::inspectNextModel()
{
    if (m_modelsToInspect.isEmpty()) {
        probeDone();
        return;
    }
    const QString name = m_modelsToInspect.takeFirst();
    m_ollama->showModel(name, [this, name](const Expected<OllamaModelDetails, QString> &details) {
        if (details)
            m_probes.ollama.details.insert(name, *details);
        inspectNextModel();
    });
}

void Doctor::probeClaudeCode()
{
    const ClaudeCodePaths paths = m_inputs.claudePaths;
    const QString gatewayUrl = m_inputs.gatewayUrl;
    const QString token = m_inputs.gatewayToken;
    const QProcessEnvironment environment = m_inputs.environment;
    m_claudeCode->setFuture(QtConcurrent::run([paths, gatewayUrl, token, environment] {
        return ClaudeCodeConnector(paths).status(gatewayUrl, token, environment);
    }));
}

void Doctor::probeDone()
{
    if (--m_pendingProbes > 0)
        return;
    Q_EMIT finished(DoctorFindings::checks(m_inputs, m_probes));
}

} // namespace sb
