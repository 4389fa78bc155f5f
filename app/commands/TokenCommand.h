#pragma once

#include <QStringList>

namespace sb {
struct GatewayLaunch;
}

namespace sb::cli {

// `switchboard token [--config PATH]`: the token clients present to the gateway, created on
// first use. It reads the config as the gateway would start with it (writing the default one on
// first run), so a config the gateway would refuse fails here too (exit 2). `words` run from the
// command name on.
int runTokenCommand(const QStringList &words);
// The last step, for `switchboard --config PATH token`, whose options main() has parsed.
int printToken(const GatewayLaunch &launch);

} // namespace sb::cli
