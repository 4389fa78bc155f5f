#pragma once

#include <QStringList>

namespace sb::cli {

// `switchboard hardware [--json]`: the machine, the runtimes that work on it and the models
// that fit, as text or JSON.
// `words` run from the command name on. Returns the exit code.
int runHardwareCommand(const QStringList &words);

} // namespace sb::cli
