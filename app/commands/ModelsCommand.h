#pragma once

#include <QStringList>

namespace sb::cli {

// `switchboard models list [--json] | pull NAME | rm NAME [--ollama URL]`: the models of
// the Ollama the config names (or --ollama, or $OLLAMA_HOST).
// `words` run from the command name on. Returns the exit code.
int runModelsCommand(const QStringList &words);

} // namespace sb::cli
