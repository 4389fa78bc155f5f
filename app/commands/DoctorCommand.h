#pragma once

#include <QStringList>

namespace sb::cli {

// `switchboard doctor [--json]`: the core Doctor's checks of the gateway, Ollama, the models
// and Claude Code, each failure with its fix; exit 1 when one fails.
// `words` run from the command name on. Returns the exit code.
int runDoctorCommand(const QStringList &words);

} // namespace sb::cli
