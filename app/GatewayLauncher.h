#pragma once

#include "config/GatewayConfig.h"

#include <QString>
#include <QStringList>

namespace sb {

class SecretStore;

// What the app needs to start the gateway: the config file (written with defaults on first
// run), its problems, and the tokens clients may present. Shared by the GUI and headless
// modes so both start the same gateway.
struct GatewayLaunch
{
    QString configPath;
    ConfigLoadResult loaded;
    QStringList tokens; // the per-install token, then the master key when set
    QString gatewayToken;
    bool secretsInFile = false;
    QString error; // set when the gateway must not start

    // --host / --port override the file when given (empty / -1: keep the file's). Where it may
    // listen is BindPolicy's rule.
    static GatewayLaunch prepare(const QString &configOption, const QString &hostOption, int portOption);
};

} // namespace sb
