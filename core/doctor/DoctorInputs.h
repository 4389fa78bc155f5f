#pragma once

#include "claudecode/ClaudeCodeConnector.h"
#include "config/GatewayConfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace sb {

// Everything the doctor looks at, gathered by the caller beforehand: the CLI reads the config
// file itself, the GUI passes the config it already serves. Nothing here touches the disk or the
// network once filled in, so a run can start on the GUI thread.
struct DoctorInputs
{
    QString configPath;
    std::optional<GatewayConfig> config; // absent when the file is missing or did not load
    QStringList configErrors;            // the loader's errors, "file:line: error: ..."
    QString stateDir;                    // where the gateway keeps its token, for the advice
    QString gatewayUrl;                  // what a local client dials, e.g. http://127.0.0.1:4000
    QString gatewayToken;
    QUrl ollamaUrl;
    ClaudeCodePaths claudePaths;
    QProcessEnvironment environment; // Claude Code's view: PATH, HOME, ANTHROPIC_* of the shell

    // For the gateway this process serves (the GUI's "Run doctor"): the config as loaded, the
    // address the gateway listens on and its token; the rest from this process's environment,
    // Claude Code's project being the current directory. Touches neither disk nor network.
    static DoctorInputs forGateway(const QString &configPath, const ConfigLoadResult &loaded, const QString &gatewayUrl,
                                   const QString &gatewayToken);

    // The Ollama the machine commands talk to: the first Ollama deployment's api_base, else
    // $OLLAMA_HOST (with http:// added when it has no scheme), else 127.0.0.1:11434.
    static QUrl ollamaUrlFor(const GatewayConfig *config, const QString &ollamaHostVariable);
};

} // namespace sb
