#pragma once

#include <QString>

class QApplication;

namespace sb {

struct GatewayLaunch;

// What the command line says about the window.
struct DesktopOptions
{
    QString hostOverride;   // --host, empty: the config's
    int portOverride = -1;  // --port, -1: the config's
    QString screenshotFile; // --screenshot FILE: save a picture after start-up, then quit
    QString page;           // --page NAME: the page to show (and to picture)
};

// Runs the desktop app: the window, the tray and the gateway, until Quit. The window opens
// even when the config has errors (it shows them). A second launch with the same config
// brings the first window forward and returns 0.
int runDesktop(QApplication &app, const GatewayLaunch &launch, const DesktopOptions &options);

// True when a desktop instance for this config runs (headless mode says so when the port is taken).
bool desktopInstanceRunning(const QString &configPath);

} // namespace sb
