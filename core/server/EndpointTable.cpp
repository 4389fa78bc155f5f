#include "EndpointTable.h"

namespace sb {

namespace {

const QStringList kGet = {QStringLiteral("GET"), QStringLiteral("HEAD")};
const QStringList kPost = {QStringLiteral("POST")};

} // namespace

EndpointTable::EndpointTable(std::vector<Endpoint> endpoints) : m_endpoints(std::move(endpoints)) {}

const EndpointTable &EndpointTable::gateway()
{
    // The listed ones in the order the 404 text names them.
    static const EndpointTable table({
        {Id::Messages, kPost, {QStringLiteral("/v1/messages")}, ClientDialect::Anthropic, Access::Token, true},
        {Id::CountTokens,
         kPost,
         {QStringLiteral("/v1/messages/count_tokens")},
         ClientDialect::Anthropic,
         Access::Token,
         true},
        {Id::ChatCompletions,
         kPost,
         {QStringLiteral("/v1/chat/completions"), QStringLiteral("/chat/completions")},
         ClientDialect::OpenAi,
         Access::Token,
         true},
        {Id::Models,
         kGet,
         {QStringLiteral("/v1/models"), QStringLiteral("/models")},
         ClientDialect::OpenAi,
         Access::Token,
         true},
        {Id::Health, kGet, {QStringLiteral("/health")}, ClientDialect::Anthropic, Access::Token, true},
        {Id::Readiness, kGet, {QStringLiteral("/health/readiness")}, ClientDialect::Anthropic, Access::Token, false},
        // Liveness answers every method, without the token (load balancers probe with HEAD too).
        {Id::Liveness,
         {},
         {QStringLiteral("/health/liveliness"), QStringLiteral("/health/liveness")},
         ClientDialect::Anthropic,
         Access::Open,
         false},
        // Claude Code's harmless connectivity check.
        {Id::ConnectivityCheck,
         {QStringLiteral("HEAD")},
         {QStringLiteral("/api/hello")},
         ClientDialect::Anthropic,
         Access::Open,
         false},
        {Id::Metrics,
         kGet,
         {QStringLiteral("/metrics")},
         ClientDialect::Anthropic,
         Access::TokenUnlessMetricsOpen,
         false},
        {Id::Stats, kGet, {QStringLiteral("/stats")}, ClientDialect::Anthropic, Access::Token, false},
        {Id::Logs, kGet, {QStringLiteral("/logs")}, ClientDialect::Anthropic, Access::Token, false},
    });
    return table;
}

EndpointTable::Match EndpointTable::find(const QString &method, const QString &path) const
{
    Match match;
    for (const Endpoint &endpoint : m_endpoints) {
        if (!endpoint.paths.contains(path))
            continue;
        match.pathKnown = true;
        match.dialect = endpoint.dialect;
        if (endpoint.methods.isEmpty() || endpoint.methods.contains(method)) {
            match.endpoint = &endpoint;
            return match;
        }
    }
    // A path nothing serves: an OpenAI client with an odd base URL still reads its own shape.
    if (!match.pathKnown)
        match.dialect = path.endsWith(QStringLiteral("/chat/completions")) || path.endsWith(QStringLiteral("/models"))
                            ? ClientDialect::OpenAi
                            : ClientDialect::Anthropic;
    return match;
}

EndpointTable::Access EndpointTable::accessOf(const QString &method, const QString &path) const
{
    const Match match = find(method, path);
    return match.endpoint ? match.endpoint->access : Access::Token;
}

QString EndpointTable::notFoundMessage(const QString &method, const QString &path) const
{
    QStringList served;
    for (const Endpoint &endpoint : m_endpoints) {
        if (endpoint.listed)
            served.append(endpoint.methods.value(0) + QLatin1Char(' ') + endpoint.paths.value(0));
    }
    QString list = served.value(0);
    for (int i = 1; i < served.size(); ++i)
        list += (i + 1 == served.size() ? QStringLiteral(" and ") : QStringLiteral(", ")) + served.at(i);
    return QStringLiteral("no endpoint %1 %2; Switchboard serves %3").arg(method, path, list);
}

QString EndpointTable::methodNotAllowedMessage(const QString &method, const QString &path) const
{
    QStringList allowed;
    for (const Endpoint &endpoint : m_endpoints) {
        if (endpoint.paths.contains(path)) {
            for (const QString &name : endpoint.methods) {
                if (!allowed.contains(name))
                    allowed.append(name);
            }
        }
    }
    QString message = QStringLiteral("%1 is not allowed on %2").arg(method, path);
    if (!allowed.isEmpty())
        message += QStringLiteral(" (it takes %1)").arg(allowed.join(QStringLiteral(", ")));
    return message;
}

QString EndpointTable::normalisedPath(QString path)
{
    while (path.startsWith(QStringLiteral("/v1/v1/")))
        path.remove(0, 3);
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path;
}

} // namespace sb
