#pragma once

#include <QStringList>

namespace sb::cli {

// `switchboard config check [FILE] [--json] [--host H] [--port N]`: loads the config as the
// gateway would (every error and warning with file:line) without starting anything. Exit code
// 0: the gateway would start with it; 1: it would not; 2: a usage error.
int runConfigCommand(const QStringList &words);

} // namespace sb::cli
