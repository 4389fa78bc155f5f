#pragma once

#include <QStringList>

namespace sb::cli {

// `switchboard claude connect | disconnect | status | verify`: Claude Code and this gateway,
// through the same ClaudeCodeConnector the GUI uses.
// `words` run from the command name on. Returns the exit code.
int runClaudeCommand(const QStringList &words);

} // namespace sb::cli
