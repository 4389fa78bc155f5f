#pragma once

class QCoreApplication;

namespace sb {

struct GatewayLaunch;

// `switchboard --headless`: serves until SIGINT/SIGTERM, logging to stderr (the address, where
// the token is, one line per request, config reloads), then drains open streams for up to 3 s.
// Returns the exit code: 3 when the gateway could not start (the port is taken).
int runHeadless(QCoreApplication &app, const GatewayLaunch &launch);

} // namespace sb
