#pragma once

#include <QStringList>

namespace sb::cli {

// `switchboard usage`: prints totals or the last requests from the spend log.
//   switchboard usage [--since DATE|Nd] [--by day|model|deployment|session] [--last N] [--csv]
//                     [--config PATH] [--db PATH]
// DATE is 2026-11-01 (UTC) or an ISO date-time; 7d means the last seven days. `words` run
// from the command name on. Returns the exit code.
int runUsageCommand(const QStringList &words);

} // namespace sb::cli
