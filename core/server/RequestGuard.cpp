#include "RequestGuard.h"

#include "EndpointTable.h"

namespace sb {

namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace

RequestGuard::RequestGuard(Settings settings) : m_settings(std::move(settings)) {}

QString RequestGuard::presentedToken(const QByteArray &authorization, const QByteArray &apiKey)
{
    if (authorization.size() > 7 && authorization.left(7).toLower() == "bearer ")
        return QString::fromUtf8(authorization.mid(7).trimmed());
    return QString::fromUtf8(apiKey);
}

std::optional<QString> RequestGuard::refusedOrigin(const Head &head) const
{
    // general_settings.allowed_ips: addresses and CIDR ranges.
    if (!m_settings.allowedIps.isEmpty()) {
        const QHostAddress &peer = head.peer;
        bool allowed = false;
        for (const QString &entry : m_settings.allowedIps) {
            if (entry.contains(QLatin1Char('/'))
                    ? peer.isInSubnet(QHostAddress::parseSubnet(entry))
                    : peer.isEqual(QHostAddress(entry), QHostAddress::ConvertV4MappedToIPv4))
                allowed = true;
        }
        if (!allowed)
            return QStringLiteral("%1 is not in general_settings.allowed_ips").arg(peer.toString());
    }
    // A web page must not reach the gateway: no browser Origin unless allowed.
    const QByteArray &origin = head.origin;
    if (!origin.isEmpty() && !m_settings.allowedOrigins.contains(QString::fromUtf8(origin)) &&
        !m_settings.allowedOrigins.contains(QStringLiteral("*")))
        return QStringLiteral("requests from web pages (Origin: %1) are refused; add the origin to "
                              "switchboard.allowed_origins to allow it")
            .arg(QString::fromUtf8(origin));
    // The Host header must name this gateway on loopback (defeats DNS rebinding).
    if (!m_settings.allowedHosts.contains(QStringLiteral("*"))) {
        const QString host = QString::fromUtf8(head.host).toLower();
        QString name = host;
        QString port;
        const qsizetype colon = host.lastIndexOf(QLatin1Char(':'));
        if (colon > 0 && !host.endsWith(QLatin1Char(']'))) {
            name = host.left(colon);
            port = host.mid(colon + 1);
        }
        const bool portOk = port.isEmpty() || port == QString::number(m_settings.port);
        const bool loopbackName = name == QStringLiteral("localhost") || name == QStringLiteral("127.0.0.1") ||
                                  name == QStringLiteral("[::1]") || name == m_settings.host.toLower();
        const bool listed = m_settings.allowedHosts.contains(host) || m_settings.allowedHosts.contains(name);
        if (!listed && !(loopbackName && portOk))
            return QStringLiteral("Host \"%1\" is not this gateway; add it to switchboard.allowed_hosts to allow it")
                .arg(host);
    }
    return std::nullopt;
}

bool RequestGuard::authorized(const Head &head) const
{
    const QByteArray presented = presentedToken(head.authorization, head.apiKey).toUtf8();
    if (presented.isEmpty())
        return false;
    bool match = false;
    for (const QString &token : m_settings.tokens) {
        if (!token.isEmpty() && constantTimeEquals(token.toUtf8(), presented))
            match = true;
    }
    return match;
}

Expected<void, ApiError> RequestGuard::check(const Head &head) const
{
    if (const std::optional<QString> refusal = refusedOrigin(head))
        return sb::unexpected(ApiError::permission(*refusal));
    switch (EndpointTable::gateway().accessOf(head.method, head.path)) {
    case EndpointTable::Access::Open: return {};
    case EndpointTable::Access::TokenUnlessMetricsOpen:
        if (m_settings.metricsOpen)
            return {};
        break;
    case EndpointTable::Access::Token: break;
    }
    if (!authorized(head))
        return sb::unexpected(
            ApiError::authentication(QStringLiteral("missing or invalid token: send the Switchboard gateway token as "
                                                    "`Authorization: Bearer <token>` or `x-api-key` "
                                                    "(ANTHROPIC_AUTH_TOKEN in Claude Code's settings)")));
    return {};
}

} // namespace sb
