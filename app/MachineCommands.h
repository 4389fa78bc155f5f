#pragma once

#include <QStringList>

namespace sb {

// The machine-service subcommands of the `switchboard` binary:
//   switchboard hardware [--json]
//   switchboard models list | pull NAME | rm NAME          [--ollama URL]
//   switchboard claude connect | disconnect | status | verify
//   switchboard doctor
// Common options: --config PATH, --host H, --port N (the gateway), --json.
// `args` is the command line with or without the program name. Sets *handled to false (and
// returns 0) when the first word is not one of these commands; otherwise returns the exit code.
int runMachineCommand(const QStringList &args, bool *handled);

} // namespace sb
