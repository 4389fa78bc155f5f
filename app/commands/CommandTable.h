#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace sb::cli {

// One subcommand of the `switchboard` binary. The table of them is the one place that names
// the commands: dispatch, `switchboard --help` and `switchboard help COMMAND` read it.
struct CliCommand
{
    QString name;
    QString summary;                                // one line for `switchboard --help`
    QString usage;                                  // "switchboard hardware [--json]"
    QString options;                                // what the options mean, one per line; may be empty
    int (*run)(const QStringList &words) = nullptr; // words from the command name on; the exit code
};

const QList<CliCommand> &commandTable();
const CliCommand *findCommand(const QString &name);

// "Commands:" and one aligned "  name  summary" line per command, for `switchboard --help`.
QString commandSummaries();
// What `switchboard help NAME` and `switchboard NAME --help` print.
QString commandHelp(const CliCommand &command);

// Runs the command `args` names, with or without the program name in front: its help for
// --help / -h, else its runner (in a QCoreApplication of its own when none exists). Sets
// *handled to false and returns 0 when the first word names no command; main() goes on then.
int runCommand(const QStringList &args, bool *handled);

} // namespace sb::cli
