#pragma once

#include <QCoreApplication>
#include <QStringList>

#include <memory>

namespace sb {

// The words of a subcommand (`switchboard models list`, `switchboard usage --by day`) from
// the command on, the program name dropped when it leads; empty when the command is none
// of `commands`.
QStringList subcommandWords(const QStringList &args, const QStringList &commands);

// The commands run event loops: a QCoreApplication for the duration when none exists yet
// (null when one does).
std::unique_ptr<QCoreApplication> ensureCoreApplication();

} // namespace sb
