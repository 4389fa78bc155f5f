#pragma once

#include "protocol/Dialect.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace sb {

// The endpoints the gateway serves, declared once: the dispatch, the head-time guard (which
// paths need the token), the client dialect of every answer and the 404/405 texts all read
// this table. Pure: no sockets, no config.
class EndpointTable final
{
public:
    enum class Id {
        Messages,
        CountTokens,
        ChatCompletions,
        Models,
        Health,
        Readiness,
        Liveness,
        ConnectivityCheck,
        Metrics,
        Stats,
        Logs,
    };
    enum class Access {
        Open,                   // no token: liveness probes, Claude Code's connectivity check
        Token,                  // the gateway token
        TokenUnlessMetricsOpen, // the token, unless switchboard.metrics_open
    };
    struct Endpoint
    {
        Id id;
        QStringList methods; // empty: every method
        QStringList paths;   // exact, after normalisedPath(); the first is the one named in texts
        ClientDialect dialect;
        Access access;
        bool listed; // named in the 404 text
    };
    struct Match
    {
        const Endpoint *endpoint = nullptr;               // nullptr: nothing serves this method on this path
        bool pathKnown = false;                           // some endpoint serves the path (with another method)
        ClientDialect dialect = ClientDialect::Anthropic; // the shape of any answer to the request
    };

    explicit EndpointTable(std::vector<Endpoint> endpoints);
    // The gateway's endpoints.
    static const EndpointTable &gateway();

    // `method` as on the request line ("GET", "POST" …); `path` normalised.
    Match find(const QString &method, const QString &path) const;
    Access accessOf(const QString &method, const QString &path) const;
    const std::vector<Endpoint> &endpoints() const { return m_endpoints; }

    QString notFoundMessage(const QString &method, const QString &path) const;
    QString methodNotAllowedMessage(const QString &method, const QString &path) const;

    // The path as routed: Claude Code with a base URL ending in /v1 calls /v1/v1/messages,
    // and trailing slashes do not matter.
    static QString normalisedPath(QString path);

private:
    std::vector<Endpoint> m_endpoints;
};

} // namespace sb
