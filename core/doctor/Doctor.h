#pragma once

#include "DoctorCheck.h"
#include "DoctorFindings.h"
#include "DoctorInputs.h"

#include <QObject>
#include <QStringList>

class QNetworkAccessManager;
template<typename T> class QFutureWatcher;

namespace sb {

class OllamaClient;

// Runs every check of `switchboard doctor` without blocking its thread, so the GUI can call it:
// the gateway and Ollama are asked with asynchronous requests, Claude Code's files and
// `claude --version` are read on a worker thread, and the three run at once. finished()
// carries the checks DoctorFindings makes of the answers.
class Doctor final : public QObject
{
    Q_OBJECT
public:
    explicit Doctor(QObject *parent = nullptr);
    ~Doctor() override;

    // Starts a run and returns at once. While one is in flight another is refused (false): the
    // pending finished() answers both callers.
    bool run(const DoctorInputs &inputs);
    bool isRunning() const;
    // How long the gateway and each Ollama request may take (default 5 s and 10 s).
    void setTimeouts(int gatewayMs, int ollamaMs);

Q_SIGNALS:
    void finished(const QList<sb::DoctorCheck> &checks);

private:
    void probeGateway();
    void probeOllama();
    void inspectNextModel();
    void probeClaudeCode();
    void probeDone();

    QNetworkAccessManager *m_network;
    OllamaClient *m_ollama;
    QFutureWatcher<ClaudeCodeStatus> *m_claudeCode;
    DoctorInputs m_inputs;
    DoctorProbes m_probes;
    QStringList m_modelsToInspect;
    int m_pendingProbes = 0;
    int m_gatewayTimeoutMs = 5000;
};

} // namespace sb
