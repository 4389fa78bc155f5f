#pragma once

#include <QString>

#include <functional>

class QCoreApplication;

namespace sb {

class ConfigWatcher;
class ProxyService;
struct GatewayLaunch;

// What both ways of running the gateway (window and headless) do around ProxyService.

// SIGINT/SIGTERM quit `app`'s event loop (through a self-pipe, so the stop runs on the loop).
void installStopSignals(QCoreApplication &app);

// Stops the gateway and waits for its word: it drains its streams on its own thread for up to
// `graceMs`, this thread only runs its event loop meanwhile.
void stopAndWait(ProxyService &service, int graceMs);

// Reloads the config when it is saved: a file that loads goes to the running gateway, one with
// errors is refused and the last good config keeps serving. `report` gets one line per event.
ConfigWatcher *watchConfig(const GatewayLaunch &launch, ProxyService &service,
                           const std::function<void(const QString &)> &report);

} // namespace sb
