#pragma once

#include "Expected.h"
#include "protocol/ApiError.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace sb {

// Who may talk to the gateway, decided from a request head alone: the peer address
// (general_settings.allowed_ips), a browser Origin (switchboard.allowed_origins), the Host
// header (loopback names on our port, or switchboard.allowed_hosts: the DNS rebinding
// defence) and the gateway token. Pure, so the connection guard can run it before a body
// byte is read and the gateway runs the very same rules on every request it handles.
class RequestGuard final
{
public:
    struct Settings
    {
        QStringList allowedIps;     // addresses and CIDR ranges; empty: any
        QStringList allowedOrigins; // "*": any
        QStringList allowedHosts;   // besides the loopback names; "*": any
        QString host;               // the configured listen host (a name Host may carry)
        quint16 port = 0;           // the listening port (a Host port must be this one)
        QStringList tokens;         // empty entries never match
        bool metricsOpen = false;   // /metrics without the token
    };
    // What the guard reads from a request head.
    struct Head
    {
        QHostAddress peer;
        QString method; // as on the request line
        QString path;   // EndpointTable::normalisedPath of the target's path
        QByteArray host;
        QByteArray origin;
        QByteArray authorization;
        QByteArray apiKey; // x-api-key
    };

    RequestGuard() = default;
    explicit RequestGuard(Settings settings);

    // Allowed, or the refusal to send: 403 permission_error (address, Origin, Host), then
    // 401 authentication_error (no or a wrong token where the endpoint needs one).
    Expected<void, ApiError> check(const Head &head) const;

    // The token a client presents: `Authorization: Bearer <token>` (any case), else x-api-key.
    static QString presentedToken(const QByteArray &authorization, const QByteArray &apiKey);

private:
    std::optional<QString> refusedOrigin(const Head &head) const;
    bool authorized(const Head &head) const;

    Settings m_settings;
};

} // namespace sb
