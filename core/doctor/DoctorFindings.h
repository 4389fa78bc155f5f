#pragma once

#include "DoctorCheck.h"
#include "DoctorInputs.h"

#include "claudecode/ClaudeCodeConnector.h"
#include "ollama/OllamaTypes.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace sb {

// What the doctor's probes brought back, before any judgement.
struct DoctorProbes
{
    struct Gateway
    {
        int httpStatus = 0; // 0: no HTTP answer at all
        QString error;      // the network error in words when there was none
    };
    struct Ollama
    {
        QString version;
        QString error;                              // /api/version failed: Ollama is not reachable
        QList<OllamaModel> installed;               // /api/tags; empty when it failed
        QHash<QString, OllamaModelDetails> details; // /api/show by model name; absent when it failed
    };

    Gateway gateway;
    Ollama ollama;
    ClaudeCodeStatus claudeCode;
};

// The doctor's judgement, pure: probe results in, checks out, in the order a user fixes them
// (config, gateway, Ollama, each model, Claude Code). The probing lives in Doctor.
class DoctorFindings final
{
public:
    DoctorFindings() = delete;

    // Claude Code's system prompt and tools alone take ~20K tokens; below 32K it loses the
    // beginning of the conversation.
    static constexpr int kMinimumContext = 32768;

    // Whether the model checks run at all: Ollama answered and there is a config naming models.
    static bool checksModels(const DoctorInputs &inputs, const DoctorProbes::Ollama &ollama);
    // The Ollama models whose details (/api/show) the checks need: each configured Ollama model
    // once, when it is installed.
    static QStringList modelsToInspect(const DoctorInputs &inputs, const QList<OllamaModel> &installed);
    static QList<DoctorCheck> checks(const DoctorInputs &inputs, const DoctorProbes &probes);
};

} // namespace sb
