#pragma once

#include "Expected.h"

#include <QString>

namespace sb {

// Where the gateway may listen (ARCHITECTURE.md, "Security defaults"): loopback always, any
// other address only behind a master key, since the gateway spends the user's models and keys
// for whoever reaches it. Pure: no socket is opened and no name is resolved, so the GUI and
// the command line can ask before starting anything.
class BindPolicy final
{
public:
    BindPolicy() = delete;

    // "localhost" or a loopback IP literal (127.0.0.0/8, ::1). Other names count as not
    // loopback: resolving them here would make the answer depend on the network.
    static bool isLoopback(const QString &host);

    // Whether the gateway may listen on `host` with this master key (empty: none); the
    // error says why not and what to do.
    static Expected<void, QString> checkListen(const QString &host, const QString &masterKey);

    // A port as typed (--port, a settings field): a number from 0 (any free port) to 65535.
    // The error completes "--port …" / "the port …".
    static Expected<quint16, QString> parsePort(const QString &text);

    // The host a client on this machine dials to reach a gateway listening on `host`: the
    // wildcard addresses 0.0.0.0 and :: are not addresses one can connect to portably.
    static QString localDialHost(const QString &host);
};

} // namespace sb
