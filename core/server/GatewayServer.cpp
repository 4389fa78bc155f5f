#include "GatewayServer.h"

#include "ClientConnection.h"
#include "EndpointTable.h"
#include "TokenCountExchange.h"
#include "UpstreamProbe.h"
#include "cache/CacheKey.h"
#include "cache/ResponseCache.h"
#include "config/ConfigLoader.h"
#include "protocol/IdGenerator.h"
#include "protocol/ResponseStreamer.h"
#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "routing/RoutingStrategy.h"
#include "upstream/HttpClientPool.h"
#include "upstream/UpstreamAdapter.h"
#include "usage/CostCalculator.h"
#include "usage/UsageTap.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sb {

namespace {

GuardedTcpServer::Limits tcpLimits(const GatewayConfig &config)
{
    GuardedTcpServer::Limits limits;
    limits.maxBodyBytes = config.maxBodyBytes;
    limits.bodyTimeoutMs = config.bodyTimeoutMs;
    limits.keepAliveTimeoutMs = config.keepAliveTimeoutMs;
    return limits;
}

// Cost-based routing compares the cost report's own prices (pricing_file included); other
// strategies need none, so the price table is read only for that one.
bool containsImage(const std::vector<ContentPart> &parts)
{
    for (const ContentPart &part : parts) {
        if (part.kind == ContentPart::Kind::Image || containsImage(part.resultParts))
            return true;
    }
    return false;
}

bool containsImage(const Request &request)
{
    for (const Message &message : request.messages) {
        if (containsImage(message.content))
            return true;
    }
    return false;
}

std::shared_ptr<Router> makeRouter(const GatewayConfig &config)
{
    Router::PriceOf priceOf;
    if (routingStrategyFromName(config.router.routingStrategy) == RoutingStrategy::CostBased) {
        auto costs = std::make_shared<CostCalculator>(PricingTable::load(config.pricingFile).table, config.deployments);
        priceOf = [costs](const Deployment &deployment) {
            return costs->routingPrice(deployment);
        };
    }
    return std::make_shared<Router>(config, Router::Clock{}, std::random_device{}(), std::move(priceOf));
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return QStringLiteral("GET");
    case QHttpServerRequest::Method::Post: return QStringLiteral("POST");
    case QHttpServerRequest::Method::Head: return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Put: return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Options: return QStringLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch: return QStringLiteral("PATCH");
    default: return QStringLiteral("OTHER");
    }
}

} // namespace

GatewayServer::GatewayServer(const GatewayConfig &config, const QStringList &tokens, QObject *parent)
    : QAbstractHttpServer(parent), m_config(config), m_router(makeRouter(config)), m_tokens(tokens),
      m_pool(new HttpClientPool(this))
{
    qRegisterMetaType<sb::RequestRecord>();
    m_uptime.start();
    m_router->setCapacityListener([this] { serveWaiting(); });
    m_routesWantImages = routesWantImages(config);
    refreshGuard();
    if (config.cache.enabled) {
        ResponseCache::Options options;
        options.enabled = true;
        options.backend = config.cache.redis ? ResponseCache::Backend::Redis : ResponseCache::Backend::Local;
        options.defaultTtlSeconds = config.cache.ttlSeconds;
        options.redis.host = config.cache.host;
        options.redis.port = quint16(config.cache.port);
        options.redis.keyNamespace = config.cache.keyNamespace;
        m_cache = new ResponseCache(options, this);
    }
    if (config.usageEnabled) {
        m_usage = new UsageTap(UsageSettings::fromConfig(config), this);
        for (const QString &warning : m_usage->warnings())
            qWarning("switchboard: %s", qPrintable(warning));
    }
    m_idleTrimTimer.setInterval(2000);
    connect(&m_idleTrimTimer, &QTimer::timeout, this, &GatewayServer::trimHeap);
    m_idleTrimTimer.start();
}

void GatewayServer::trimHeap()
{
    // Idle: requests finished since the last trim, none in the last tick, none in flight.
    // Busy (requests in flight or finishing): every kBusyTrimTicks ticks all the same (see
    // the header for why). A gateway that has served nothing since its last trim is left alone.
    const bool quiet = m_finishedSinceTrim == m_finishedAtLastTick;
    m_finishedAtLastTick = m_finishedSinceTrim;
    const bool idle = quiet && m_finishedSinceTrim > 0 && m_exchanges.isEmpty();
    const bool busy = !quiet || !m_exchanges.isEmpty();
    if (!idle && !(busy && ++m_busyTicks >= kBusyTrimTicks))
        return;
    m_busyTicks = 0;
    m_finishedSinceTrim = m_finishedAtLastTick = 0;
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

GatewayServer::~GatewayServer()
{
    m_router->setCapacityListener({});
    const QSet<ProxyExchange *> exchanges = m_exchanges;
    m_exchanges.clear();
    for (ProxyExchange *exchange : exchanges) {
        exchange->disconnect(this);
        delete exchange;
    }
}

Expected<void, QString> GatewayServer::listenOn(const QString &host, quint16 port)
{
    QHostAddress address;
    if (host == QStringLiteral("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return unexpected(QStringLiteral("cannot listen on \"%1\": not an IP address (use 127.0.0.1)").arg(host));
    m_tcp = new GuardedTcpServer(tcpLimits(m_config), this);
    // Qt's default backlog (50) drops SYNs when hundreds of clients connect at once; the
    // kernel then retries after 1, 3, 7… seconds. The kernel caps this at somaxconn.
    m_tcp->setListenBacklogSize(4096);
    if (!m_tcp->listen(address, port)) {
        QString error;
        if (m_tcp->serverError() == QAbstractSocket::AddressInUseError)
            error = QStringLiteral("port %1 on %2 is already in use — stop the program using it "
                                   "or start Switchboard with --port <another port>")
                        .arg(port)
                        .arg(host);
        else
            error = QStringLiteral("cannot listen on %1:%2: %3").arg(host).arg(port).arg(m_tcp->errorString());
        delete m_tcp;
        m_tcp = nullptr;
        return unexpected(error);
    }
    // An upstream that is this gateway would send every request round in a loop.
    const QList<ConfigIssue> loops = ConfigLoader::selfLoopIssues(m_config, host, m_tcp->serverPort(), QString());
    if (!loops.isEmpty()) {
        delete m_tcp;
        m_tcp = nullptr;
        return unexpected(loops.first().message);
    }
    m_tcp->setHeadCheck([this](const GuardedTcpServer::RequestHead &head) { return refuseHead(head); });
    refreshGuard();
    bind(m_tcp);
    return {};
}

quint16 GatewayServer::serverPort() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

void GatewayServer::applyConfig(const GatewayConfig &config)
{
    // The address stays the one bound (a --host/--port override included) until a restart.
    const QString host = m_config.host;
    const quint16 port = m_config.port;
    m_config = config;
    m_config.host = host;
    m_config.port = port;
    // In-flight requests keep using the router they started with until they finish;
    // new requests see the new config. (Routing state starts fresh.)
    m_router = makeRouter(m_config);
    m_routesWantImages = routesWantImages(m_config);
    m_router->setCapacityListener([this] { serveWaiting(); });
    if (m_tcp)
        m_tcp->setLimits(tcpLimits(m_config));
    refreshGuard();
    if (m_usage)
        m_usage->applySettings(UsageSettings::fromConfig(m_config));
}

void GatewayServer::setTokens(const QStringList &tokens)
{
    m_tokens = tokens;
    refreshGuard();
}

void GatewayServer::refreshGuard()
{
    RequestGuard::Settings settings;
    settings.allowedIps = m_config.allowedIps;
    settings.allowedOrigins = m_config.allowedOrigins;
    settings.allowedHosts = m_config.allowedHosts;
    settings.host = m_config.host;
    settings.port = serverPort();
    settings.tokens = m_tokens;
    settings.metricsOpen = m_config.metricsOpen;
    m_guard = RequestGuard(std::move(settings));
}

void GatewayServer::stopListening()
{
    if (m_tcp)
        m_tcp->close();
}

void GatewayServer::cutAll(const QString &reason)
{
    const QSet<ProxyExchange *> exchanges = m_exchanges;
    for (ProxyExchange *exchange : exchanges)
        exchange->cut(reason);
}

void GatewayServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never reached: handleRequest answers every request.
}

RequestRecord GatewayServer::newRecord(const QString &method, const QString &path, const QByteArray &sessionId,
                                       const QByteArray &userAgent)
{
    RequestRecord record;
    record.startedAt = QDateTime::currentDateTimeUtc();
    record.requestId =
        QStringLiteral("req_sb%1_%2").arg(QDateTime::currentMSecsSinceEpoch(), 0, 36).arg(++m_requestCounter, 0, 36);
    record.method = method;
    record.path = path;
    record.sessionId = QString::fromUtf8(sessionId);
    record.userAgent = QString::fromUtf8(userAgent);
    return record;
}

bool GatewayServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const bool closeAfter = request.value(QByteArrayLiteral("connection")).toLower() == "close";
    auto *client = new ClientConnection(socket, closeAfter, this);
    RequestRecord record = newRecord(methodName(request.method()), request.url().path(),
                                     request.value(QByteArrayLiteral("x-claude-code-session-id")),
                                     request.value(QByteArrayLiteral("user-agent")));
    handle(request, client, record);
    return true;
}

std::optional<QByteArray> GatewayServer::refuseHead(const GuardedTcpServer::RequestHead &head)
{
    const QUrl url = QUrl::fromEncoded(head.target);
    const QString method = QString::fromLatin1(head.method);
    RequestGuard::Head facts;
    facts.peer = head.peer;
    facts.method = method;
    facts.path = EndpointTable::normalisedPath(url.path());
    facts.host = head.value(QByteArrayLiteral("host"));
    facts.origin = head.value(QByteArrayLiteral("origin"));
    facts.authorization = head.value(QByteArrayLiteral("authorization"));
    facts.apiKey = head.value(QByteArrayLiteral("x-api-key"));
    const Expected<void, ApiError> allowed = m_guard.check(facts);
    if (allowed.hasValue())
        return std::nullopt;
    // Recorded like the refusal of a whole request: it is one, only answered sooner.
    RequestRecord record = newRecord(method, url.path(), head.value(QByteArrayLiteral("x-claude-code-session-id")),
                                     head.value(QByteArrayLiteral("user-agent")));
    const ApiError &error = allowed.error();
    const ClientDialect dialect = EndpointTable::gateway().find(method, facts.path).dialect;
    const QByteArray body = DialectCodecs::of(dialect).encodeError(error, record.requestId);
    const QByteArray answer =
        ClientConnection::responseBytes(error.httpStatus,
                                        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                                         {QByteArrayLiteral("request-id"), record.requestId.toUtf8()}},
                                        body, true);
    record.status = error.httpStatus;
    record.errorType = error.type;
    finishRecord(record);
    return answer;
}

void GatewayServer::handle(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record)
{
    const QString path = EndpointTable::normalisedPath(request.url().path());
    const EndpointTable &endpoints = EndpointTable::gateway();
    const EndpointTable::Match match = endpoints.find(record.method, path);

    RequestGuard::Head head;
    head.peer = request.remoteAddress();
    head.method = record.method;
    head.path = path;
    head.host = request.value(QByteArrayLiteral("host"));
    head.origin = request.value(QByteArrayLiteral("origin"));
    head.authorization = request.value(QByteArrayLiteral("authorization"));
    head.apiKey = request.value(QByteArrayLiteral("x-api-key"));
    const Expected<void, ApiError> allowed = m_guard.check(head);
    if (!allowed.hasValue()) {
        respondError(client, record, match.dialect, allowed.error());
        return;
    }
    if (!match.endpoint) {
        respondError(client, record, match.dialect,
                     match.pathKnown
                         ? ApiError::methodNotAllowed(endpoints.methodNotAllowedMessage(record.method, path))
                         : ApiError::notFound(endpoints.notFoundMessage(record.method, path)));
        return;
    }
    switch (match.endpoint->id) {
    case EndpointTable::Id::Messages: proxy(request, client, record, ClientDialect::Anthropic); return;
    case EndpointTable::Id::ChatCompletions: proxy(request, client, record, ClientDialect::OpenAi); return;
    case EndpointTable::Id::CountTokens: countTokens(request, client, record); return;
    case EndpointTable::Id::Models: listModels(request, client, record); return;
    case EndpointTable::Id::Health: health(client, record); return;
    case EndpointTable::Id::Readiness: {
        const QJsonObject body{{QStringLiteral("status"), QStringLiteral("ready")},
                               {QStringLiteral("version"), QStringLiteral(SWITCHBOARD_VERSION)},
                               {QStringLiteral("models"), int(m_config.deployments.size())}};
        respondJson(client, record, 200, compact(body));
        return;
    }
    case EndpointTable::Id::Liveness: respondJson(client, record, 200, QByteArrayLiteral("\"I'm alive!\"")); return;
    case EndpointTable::Id::ConnectivityCheck:
        // Claude Code's connectivity check: an empty 200, no JSON.
        client->respond(200, {}, {});
        record.status = 200;
        finishRecord(record);
        return;
    case EndpointTable::Id::Metrics:
    case EndpointTable::Id::Stats:
    case EndpointTable::Id::Logs: observe(path, request, client); return;
    }
}

std::optional<QJsonObject> GatewayServer::parseBody(const QHttpServerRequest &request, ClientConnection *client,
                                                    RequestRecord &record, ClientDialect dialect)
{
    const QByteArray body = request.body();
    if (body.size() > m_config.maxBodyBytes) {
        respondError(
            client, record, dialect,
            ApiError::requestTooLarge(
                QStringLiteral("request body of %1 bytes exceeds the limit of %2 bytes (switchboard.max_body_mb)")
                    .arg(body.size())
                    .arg(m_config.maxBodyBytes)));
        return std::nullopt;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Say where: line and column as well as the byte offset.
        const QByteArray upTo = body.left(parseError.offset);
        const int line = int(upTo.count('\n')) + 1;
        const int column = int(parseError.offset - (upTo.lastIndexOf('\n') + 1)) + 1;
        respondError(client, record, dialect,
                     ApiError::invalidRequest(QStringLiteral("malformed JSON at line %1, column %2 (byte %3): %4")
                                                  .arg(line)
                                                  .arg(column)
                                                  .arg(parseError.offset)
                                                  .arg(parseError.errorString())));
        return std::nullopt;
    }
    if (!document.isObject()) {
        respondError(client, record, dialect,
                     ApiError::invalidRequest(QStringLiteral("the body must be a JSON object")));
        return std::nullopt;
    }
    return document.object();
}

void GatewayServer::proxy(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record,
                          ClientDialect dialect)
{
    std::optional<QJsonObject> body = parseBody(request, client, record, dialect);
    if (!body)
        return;
    const QJsonValue model = body->value(QStringLiteral("model"));
    if (!model.isString() || model.toString().isEmpty()) {
        respondError(client, record, dialect,
                     ApiError::invalidRequest(model.isUndefined()
                                                  ? QStringLiteral("model: field required")
                                                  : QStringLiteral("model: must be a non-empty string")));
        return;
    }
    record.clientModel = model.toString();
    const QJsonValue stream = body->value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isBool() && !stream.isNull()) {
        respondError(client, record, dialect, ApiError::invalidRequest(QStringLiteral("stream: must be a boolean")));
        return;
    }
    ClientRequest clientRequest;
    clientRequest.dialect = dialect;
    // Decoded once, before anything is spent on the request. An Anthropic body the decoder
    // refuses may still pass through to an Anthropic-format upstream; for other dialects
    // nothing could serve it.
    if (Expected<void, ApiError> decoded = DialectCodecs::of(dialect).decodeRequest(*body, clientRequest.canonical);
        !decoded.hasValue())
        clientRequest.decodeError = std::move(decoded).error();
    if (clientRequest.decodeError && dialect != ClientDialect::Anthropic) {
        respondError(client, record, dialect, *clientRequest.decodeError);
        return;
    }
    RouteRequest route;
    route.model = record.clientModel;
    route.sessionId = record.sessionId;
    // Routing reads the decoded request; only a body the decoder refused (it can still pass
    // through to an Anthropic-format upstream) is read raw.
    const Request &canonical = clientRequest.canonical;
    const bool decoded = !clientRequest.decodeError;
    if (route.sessionId.isEmpty()) {
        // Claude Code also puts its session id inside metadata.user_id (a JSON string).
        const QString userId =
            decoded ? canonical.userId
                    : body->value(QStringLiteral("metadata")).toObject().value(QStringLiteral("user_id")).toString();
        if (userId.startsWith(QLatin1Char('{')))
            route.sessionId =
                QJsonDocument::fromJson(userId.toUtf8()).object().value(QStringLiteral("session_id")).toString();
    }
    route.requestClass = QString::fromUtf8(request.value(QByteArrayLiteral("x-claude-code-request-class")));
    route.agentId = QString::fromUtf8(request.value(QByteArrayLiteral("x-claude-code-agent-id")));
    if (decoded) {
        // OpenAI's reasoning_effort has no canonical field (nothing translates it): its presence
        // alone marks a thinking request.
        route.thinking = canonical.thinking.mode != ThinkingConfig::Mode::Off ||
                         (dialect == ClientDialect::OpenAi && body->contains(QStringLiteral("reasoning_effort")));
    } else {
        const QString thinking =
            body->value(QStringLiteral("thinking")).toObject().value(QStringLiteral("type")).toString();
        route.thinking = thinking == QStringLiteral("enabled") || thinking == QStringLiteral("adaptive");
    }
    // Only scenario rules look at images.
    if (m_routesWantImages)
        route.hasImage = decoded ? containsImage(canonical) : request.body().contains("\"image");
    route.estimatedTokens = qMax<qint64>(1, request.body().size() / 4);
    route.token = RequestGuard::presentedToken(request.value(QByteArrayLiteral("authorization")),
                                               request.value(QByteArrayLiteral("x-api-key")));

    const int limited = m_router->checkTokenLimits(route.token, route.estimatedTokens);
    if (limited >= 0) {
        respondError(client, record, dialect,
                     ApiError::rateLimited(QStringLiteral("this token is over its requests or tokens per minute "
                                                          "(switchboard.token_rpm / token_tpm); retry in %1 s")
                                               .arg(limited),
                                           limited));
        return;
    }
    const std::optional<RoutePlan> plan = m_router->plan(route);
    if (!plan && !m_config.skippedReason(record.clientModel).isEmpty()) {
        respondError(client, record, dialect,
                     ApiError::notFound(QStringLiteral("model \"%1\" is not served: %2")
                                            .arg(record.clientModel, m_config.skippedReason(record.clientModel))));
        return;
    }
    if (!plan) {
        respondError(
            client, record, dialect,
            ApiError::notFound(QStringLiteral("model \"%1\" has no deployment; configured model names: %2")
                                   .arg(record.clientModel, m_config.modelNames().join(QStringLiteral(", ")))));
        return;
    }
    clientRequest.body = std::move(*body);
    clientRequest.bodyBytes = request.body().size();
    clientRequest.anthropicVersion = request.value(QByteArrayLiteral("anthropic-version"));
    clientRequest.anthropicBeta = request.value(QByteArrayLiteral("anthropic-beta"));
    clientRequest.rawBody = request.body();

    // The response cache: deterministic requests (or all, when configured), unless the client
    // asks to bypass it.
    const QByteArray cacheControl = request.value(QByteArrayLiteral("cache-control")).toLower();
    const bool bypass = request.value(QByteArrayLiteral("x-switchboard-cache")).toLower() == "no" ||
                        cacheControl.contains("no-cache") || cacheControl.contains("no-store");
    if (m_cache && m_cache->enabled() && !bypass &&
        (m_config.cache.allRequests || CacheKey::isDeterministic(clientRequest.body))) {
        const QString key = CacheKey::compute(plan->group, clientRequest.body);
        QPointer<ClientConnection> target(client);
        const RoutePlan planCopy = *plan;
        m_cache->lookup(
            key, [this, target, record, clientRequest, route, planCopy, key](std::optional<QByteArray> hit) mutable {
                if (!target)
                    return;
                if (hit) {
                    if (m_usage)
                        m_usage->countCacheHit(planCopy.group);
                    record.modelGroup = planCopy.group;
                    serveCached(target, record, clientRequest, *hit);
                    return;
                }
                if (m_usage)
                    m_usage->countCacheMiss(planCopy.group);
                startExchange(target, record, clientRequest, route, planCopy, key);
            });
        return;
    }
    startExchange(client, record, std::move(clientRequest), route, *plan, QString());
}

void GatewayServer::serveCached(ClientConnection *client, RequestRecord &record, const ClientRequest &request,
                                const QByteArray &message)
{
    Response response;
    const QJsonObject cached = QJsonDocument::fromJson(message).object();
    if (!AnthropicResponseCodec::decode(cached, response).hasValue()) {
        // An unreadable entry is a miss, not an error for the client.
        respondError(client, record, request.dialect,
                     ApiError::upstream(500, QStringLiteral("a cached answer could not be read; retry")));
        return;
    }
    response.id = IdGenerator::messageId();
    response.model = record.clientModel;
    record.deployment = QStringLiteral("cache");
    record.stream = request.body.value(QStringLiteral("stream")).toBool(false);
    record.inputTokens = response.usage.inputTokens;
    record.outputTokens = response.usage.outputTokens;
    record.firstTokenMs = 0;
    const ClientConnection::Headers head = {{QByteArrayLiteral("request-id"), record.requestId.toUtf8()},
                                            {QByteArrayLiteral("x-switchboard-deployment"), QByteArrayLiteral("cache")},
                                            {QByteArrayLiteral("x-switchboard-cache"), QByteArrayLiteral("hit")}};
    if (!record.stream) {
        ClientConnection::Headers headers = head;
        headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
        client->respond(200, headers, DialectCodecs::of(request.dialect).encodeResponse(response));
    } else {
        // A hit on a streaming request replays as a proper stream.
        const std::unique_ptr<StreamEncoder> encoder =
            DialectCodecs::of(request.dialect).makeStreamEncoder(record.clientModel, request.body);
        QByteArray out;
        for (const StreamEvent &event : ResponseStreamer::toEvents(response))
            encoder->encode(event, out);
        ClientConnection::Headers headers = head;
        headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream; charset=utf-8")});
        headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")});
        client->beginStream(200, headers);
        client->writeChunk(out);
        client->endStream();
    }
    record.status = 200;
    finishRecord(record);
}

void GatewayServer::startExchange(ClientConnection *client, RequestRecord record, ClientRequest clientRequest,
                                  const RouteRequest &route, const RoutePlan &plan, const QString &cacheKey)
{
    ExchangeSettings settings;
    settings.pingIntervalMs = m_config.pingIntervalMs;
    settings.connectTimeoutMs = m_config.connectTimeoutMs;
    settings.requestTimeoutSeconds = m_config.requestTimeoutSeconds;
    settings.streamIdleTimeoutSeconds = m_config.streamIdleTimeoutSeconds;
    settings.firstByteTimeoutSeconds = m_config.firstByteTimeoutSeconds;
    auto *exchange = new ProxyExchange(m_pool, m_router, settings, client, record, this);
    m_exchanges.insert(exchange);
    Q_EMIT inFlightChanged(inFlight());
    if (!cacheKey.isEmpty() && m_cache) {
        QPointer<ResponseCache> cache(m_cache);
        const int ttl = m_config.cache.ttlSeconds;
        exchange->setCacheStore([cache, cacheKey, ttl](const QByteArray &message) {
            if (cache)
                cache->store(cacheKey, message, ttl);
        });
    }
    // Calibrate the token estimate from what upstreams report: the first 20 requests of a
    // group, then one in 32 (measuring the text of a body costs a parse).
    // The same measure gives the calibrated estimate an exchange announces where the upstream
    // has not counted yet; it is taken at most once, and only when needed.
    auto textBytes = std::make_shared<qint64>(-1);
    auto measure = [textBytes, body = clientRequest.body] {
        if (*textBytes < 0)
            *textBytes = TokenEstimator::textBytes(body); // the parsed body: no second parse
        return *textBytes;
    };
    const int seen = m_calibrationSamples[plan.group]++;
    if (seen < 20 || seen % 32 == 0) {
        const qint64 bytes = measure();
        exchange->setReportedTokens([this, bytes](const QString &deployment, qint64 tokens) {
            m_estimator.observe(deployment, bytes, tokens);
        });
    }
    exchange->setInputEstimate([this, measure](const QString &deployment) {
        return m_estimator.estimateFromTextBytes(deployment, measure());
    });
    exchange->setUsageTap(m_usage);
    connect(exchange, &ProxyExchange::waitingForCapacity, this, [this, exchange] {
        if (m_waiting.size() >= m_router->settings().queueSize) {
            exchange->cut(QStringLiteral("the request queue is full (switchboard.queue_size); retry shortly"));
            return;
        }
        m_waiting.append(exchange);
    });
    connect(exchange, &ProxyExchange::finished, this, [this, exchange](const RequestRecord &done) {
        m_exchanges.remove(exchange);
        m_waiting.removeAll(exchange);
        ++m_finishedSinceTrim;
        deliverRecord(done);
        Q_EMIT inFlightChanged(inFlight());
    });
    exchange->start(std::move(clientRequest), route, plan);
}

qint64 GatewayServer::unsentBytes() const
{
    qint64 unsent = 0;
    for (const QTcpSocket *socket : findChildren<QTcpSocket *>()) {
        if (socket->state() == QAbstractSocket::ConnectedState)
            unsent += socket->bytesToWrite();
    }
    return unsent;
}

bool GatewayServer::routesWantImages(const GatewayConfig &config)
{
    for (const ScenarioRule &rule : config.router.routes) {
        if (rule.hasImage)
            return true;
    }
    return false;
}

void GatewayServer::serveWaiting()
{
    // Oldest first; stop at the first that must keep waiting, so order is kept.
    while (!m_waiting.isEmpty()) {
        QPointer<ProxyExchange> exchange = m_waiting.first();
        if (!exchange || !exchange->isWaiting()) {
            m_waiting.removeFirst();
            continue;
        }
        exchange->resume();
        if (exchange && exchange->isWaiting())
            return;
        m_waiting.removeFirst();
    }
}

void GatewayServer::countTokens(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record)
{
    std::optional<QJsonObject> body = parseBody(request, client, record, ClientDialect::Anthropic);
    if (!body)
        return;
    if (!body->value(QStringLiteral("messages")).isArray()) {
        respondError(client, record, ClientDialect::Anthropic,
                     ApiError::invalidRequest(QStringLiteral("messages: field required")));
        return;
    }
    record.clientModel = body->value(QStringLiteral("model")).toString();
    const Deployment *deployment = countingDeployment(record.clientModel);
    const QByteArray raw = request.body();
    // Claude Code's /context fires about 25 of these at once: each is answered on its own,
    // exactly where the upstream can count, else from the calibrated estimate.
    auto answer = [this, client = QPointer<ClientConnection>(client), record, raw,
                   id = deployment ? deployment->id : QString()](std::optional<qint64> exact) mutable {
        if (!client)
            return;
        const qint64 tokens = exact ? *exact : qMax<qint64>(1, m_estimator.estimate(id, raw));
        record.inputTokens = tokens;
        record.tokensEstimated = !exact;
        record.deployment = id;
        QJsonObject body{{QStringLiteral("input_tokens"), tokens}};
        respondJson(client, record, 200, compact(body));
    };
    const std::optional<TokenCountApi> api =
        deployment ? UpstreamAdapter::of(deployment->provider).tokenCountApi(*deployment) : std::nullopt;
    if (api) {
        const Expected<TokenCountRequest, QString> upstream = UpstreamTokenCounter::buildRequest(
            *api, deployment->apiBase.toString(), deployment->upstreamModelFor(record.clientModel), deployment->apiKey,
            raw);
        if (upstream.hasValue()) {
            new TokenCountExchange(m_pool, *api, *upstream, answer, client);
            return;
        }
    }
    answer(std::nullopt);
}

const Deployment *GatewayServer::countingDeployment(const QString &model) const
{
    RouteRequest route;
    route.model = model;
    const std::optional<RoutePlan> plan = m_router->plan(route);
    if (!plan)
        return nullptr;
    for (const Deployment &deployment : m_router->deployments()) {
        if (deployment.modelName == plan->group)
            return &deployment;
    }
    return nullptr;
}

void GatewayServer::listModels(const QHttpServerRequest &request, ClientConnection *client, RequestRecord &record)
{
    QStringList ids;
    for (const Deployment &deployment : m_config.deployments) {
        if (!deployment.isWildcard() && !ids.contains(deployment.modelName))
            ids.append(deployment.modelName);
    }
    for (auto it = m_config.groupAliases.constBegin(); it != m_config.groupAliases.constEnd(); ++it) {
        if (!ids.contains(it.key()))
            ids.append(it.key());
    }
    const bool anthropicShape = !request.value(QByteArrayLiteral("anthropic-version")).isEmpty();
    QJsonArray data;
    const qint64 created = QDateTime::currentSecsSinceEpoch() - m_uptime.elapsed() / 1000;
    for (const QString &id : ids) {
        if (anthropicShape)
            data.append(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("model")},
                {QStringLiteral("id"), id},
                {QStringLiteral("display_name"), id},
                {QStringLiteral("created_at"), QDateTime::fromSecsSinceEpoch(created, Qt::UTC).toString(Qt::ISODate)}});
        else
            data.append(QJsonObject{{QStringLiteral("id"), id},
                                    {QStringLiteral("object"), QStringLiteral("model")},
                                    {QStringLiteral("created"), created},
                                    {QStringLiteral("owned_by"), QStringLiteral("switchboard")}});
    }
    QJsonObject body;
    if (anthropicShape) {
        body.insert(QStringLiteral("data"), data);
        body.insert(QStringLiteral("has_more"), false);
        body.insert(QStringLiteral("first_id"), ids.isEmpty() ? QJsonValue() : QJsonValue(ids.first()));
        body.insert(QStringLiteral("last_id"), ids.isEmpty() ? QJsonValue() : QJsonValue(ids.last()));
    } else {
        body.insert(QStringLiteral("object"), QStringLiteral("list"));
        body.insert(QStringLiteral("data"), data);
    }
    respondJson(client, record, 200, compact(body));
}

void GatewayServer::health(ClientConnection *client, RequestRecord &record)
{
    auto *probe = new UpstreamProbe(m_config.deployments,
                                    m_config.connectTimeoutMs < 2000 ? m_config.connectTimeoutMs : 2000, client);
    QPointer<ClientConnection> target(client);
    const qint64 uptime = m_uptime.elapsed() / 1000;
    connect(probe, &UpstreamProbe::finished, this, [this, target, record, uptime](QJsonArray upstreams) mutable {
        // Reachability from the probe, routing health (cooldown, in flight) from the router.
        const std::vector<Router::DeploymentHealth> routing = m_router->health();
        bool allUp = true;
        for (qsizetype i = 0; i < upstreams.size(); ++i) {
            QJsonObject entry = upstreams.at(i).toObject();
            for (const Router::DeploymentHealth &health : routing) {
                if (health.id != entry.value(QStringLiteral("id")).toString())
                    continue;
                entry.insert(QStringLiteral("healthy"), health.healthy && health.coolingForMs <= 0);
                entry.insert(QStringLiteral("cooling_down_seconds"), double(health.coolingForMs) / 1000.0);
                entry.insert(QStringLiteral("in_flight"), health.inFlight);
                entry.insert(QStringLiteral("recent_failures"), health.recentFailures);
                if (health.latencyMs >= 0)
                    entry.insert(QStringLiteral("recent_latency_ms"), health.latencyMs);
            }
            allUp = allUp && entry.value(QStringLiteral("reachable")).toBool() &&
                    entry.value(QStringLiteral("healthy")).toBool(true);
            upstreams.replace(i, entry);
        }
        const QJsonObject body{{QStringLiteral("status"), allUp ? QStringLiteral("ok") : QStringLiteral("degraded")},
                               {QStringLiteral("version"), QStringLiteral(SWITCHBOARD_VERSION)},
                               {QStringLiteral("uptime_seconds"), uptime},
                               {QStringLiteral("upstreams"), upstreams}};
        if (target)
            respondJson(target, record, 200, compact(body));
    });
    probe->start();
}

void GatewayServer::respondJson(ClientConnection *client, RequestRecord &record, int status, const QByteArray &body)
{
    client->respond(status,
                    {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                     {QByteArrayLiteral("request-id"), record.requestId.toUtf8()}},
                    body);
    record.status = status;
    finishRecord(record);
}

void GatewayServer::respondError(ClientConnection *client, RequestRecord &record, ClientDialect dialect,
                                 const ApiError &error)
{
    const QByteArray body = DialectCodecs::of(dialect).encodeError(error, record.requestId);
    ClientConnection::Headers headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                                         {QByteArrayLiteral("request-id"), record.requestId.toUtf8()}};
    if (error.retryAfterSeconds >= 0)
        headers.append({QByteArrayLiteral("retry-after"), QByteArray::number(error.retryAfterSeconds)});
    client->respond(error.httpStatus, headers, body);
    record.status = error.httpStatus;
    record.errorType = error.type;
    record.errorMessage = error.message;
    finishRecord(record);
}

void GatewayServer::finishRecord(RequestRecord &record)
{
    record.totalMs = qMax<qint64>(0, record.startedAt.msecsTo(QDateTime::currentDateTimeUtc()));
    deliverRecord(record);
}

void GatewayServer::deliverRecord(const RequestRecord &record)
{
    // The one way out for a finished request, whichever path answered it: the usage tap
    // (spend log, live stats, metrics), then the service's listeners.
    if (m_usage)
        m_usage->requestFinished(record);
    Q_EMIT requestFinished(record);
}

void GatewayServer::observe(const QString &path, const QHttpServerRequest &request, ClientConnection *client)
{
    const ClientConnection::Headers json = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
    if (!m_usage) {
        client->respond(
            404, json,
            compact(QJsonObject{{QStringLiteral("error"),
                                 QStringLiteral("usage tracking is off (switchboard.usage_enabled: false)")}}));
    } else if (path == QStringLiteral("/metrics")) {
        client->respond(200, {{QByteArrayLiteral("Content-Type"), UsageTap::metricsContentType()}},
                        m_usage->metricsText());
    } else if (path == QStringLiteral("/stats")) {
        client->respond(200, json, compact(m_usage->statsJson()));
    } else {
        bool ok = false;
        int limit = QUrlQuery(request.url()).queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit <= 0)
            limit = 50;
        const QJsonArray logs = m_usage->recentJson(qMin(limit, 1000));
        client->respond(200, json,
                        compact(QJsonObject{{QStringLiteral("count"), logs.size()}, {QStringLiteral("logs"), logs}}));
    }
}

} // namespace sb
