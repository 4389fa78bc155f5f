#include "ProxyExchange.h"

#include "ClientConnection.h"
#include "ClientStreamWriter.h"
#include "protocol/IdGenerator.h"
#include "protocol/StreamAggregator.h"
#include "protocol/anthropic/AnthropicResponseCodec.h"
#include "usage/UsageTap.h"

#include <QJsonDocument>

namespace sb {

namespace {
constexpr qsizetype kMaxErrorBody = 1024 * 1024;

// Rough token count of a request body: about four bytes of JSON per token.
qint64 estimateTokens(qint64 bytes)
{
    return qMax<qint64>(1, bytes / 4);
}
} // namespace

ProxyExchange::ProxyExchange(HttpClientPool *pool, std::shared_ptr<Router> router, const ExchangeSettings &settings,
                             ClientConnection *client, RequestRecord record, QObject *parent)
    : QObject(parent), m_pool(pool), m_router(std::move(router)), m_settings(settings), m_client(client),
      m_record(std::move(record))
{
    m_clock.start();
    connect(client, &ClientConnection::clientGone, this, &ProxyExchange::onClientGone);
    m_queueDeadline.setSingleShot(true);
    connect(&m_queueDeadline, &QTimer::timeout, this, [this] {
        m_phase = Phase::Routing;
        sendError(
            ApiError::overloaded(QStringLiteral("every deployment of \"%1\" is at its max_parallel_requests and the "
                                                "request waited %2 s in the queue; retry shortly")
                                     .arg(m_plan.currentGroup(), QString::number(m_queueDeadline.interval() / 1000.0)),
                                 1));
    });
}

ProxyExchange::~ProxyExchange()
{
    if (m_upstreamId)
        m_pool->cancel(m_upstreamId);
    endAttempt();
}

void ProxyExchange::start(ClientRequest clientRequest, const RouteRequest &route, const RoutePlan &plan)
{
    m_request = std::move(clientRequest);
    const ClientRequest &request = m_request;
    m_route = route;
    m_dialect = request.dialect;
    m_stream = request.body.value(QStringLiteral("stream")).toBool(false);
    m_record.stream = m_stream;
    m_record.modelGroup = plan.group;
    m_record.routeRule = plan.rule;
    m_estimatedInputTokens = route.estimatedTokens > 0 ? route.estimatedTokens : estimateTokens(request.bodyBytes);
    m_messageId = IdGenerator::messageId();
    m_plan = AttemptPlan(plan, m_record.clientModel, m_estimatedInputTokens);
    m_requestedMaxTokens = request.canonical.maxTokens;
    if (m_stream && m_client) {
        m_writer = new ClientStreamWriter(
            m_client, DialectCodecs::of(m_dialect).makeStreamEncoder(m_record.clientModel, request.body),
            m_settings.pingIntervalMs, this);
        connect(m_writer, &ClientStreamWriter::pingDue, this, &ProxyExchange::onPing);
        connect(m_writer, &ClientStreamWriter::drained, this, [this] {
            if (m_upstreamPaused && m_upstreamId) {
                m_upstreamPaused = false;
                m_pool->setPaused(m_upstreamId, false);
            }
        });
        m_writer->startPings();
    }
    nextAttempt();
}

ClientConnection::Headers ProxyExchange::answerHeaders(const QByteArray &contentType) const
{
    ClientConnection::Headers headers = {{QByteArrayLiteral("Content-Type"), contentType},
                                         {QByteArrayLiteral("request-id"), m_record.requestId.toUtf8()}};
    if (!m_deployment.id.isEmpty())
        headers.append({QByteArrayLiteral("x-switchboard-deployment"), m_deployment.id.toUtf8()});
    if (!m_record.routeRule.isEmpty())
        headers.append({QByteArrayLiteral("x-switchboard-route"), m_record.routeRule.toUtf8()});
    return headers;
}

void ProxyExchange::nextAttempt()
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Routing;
    takeStep(m_plan.next(*m_router, m_route));
}

void ProxyExchange::takeStep(const AttemptStep &step)
{
    switch (step.kind) {
    case AttemptStep::Kind::Try: attempt(step.deployment); return;
    case AttemptStep::Kind::WaitForCapacity:
        // Queued once, with one deadline: a resume that finds no slot keeps its place.
        if (m_phase != Phase::Waiting) {
            m_phase = Phase::Waiting;
            if (!m_queueDeadline.isActive())
                m_queueDeadline.start(int(m_router->settings().queueTimeoutSeconds * 1000));
            Q_EMIT waitingForCapacity();
        }
        return;
    case AttemptStep::Kind::Backoff:
        m_phase = Phase::BackingOff;
        m_plan.startRound();
        QTimer::singleShot(int(step.delayMs), this, &ProxyExchange::nextAttempt);
        return;
    case AttemptStep::Kind::GiveUp: giveUp(step); return;
    }
}

void ProxyExchange::resume()
{
    if (m_phase != Phase::Waiting)
        return;
    const AttemptStep step = m_plan.next(*m_router, m_route);
    if (step.kind == AttemptStep::Kind::WaitForCapacity)
        return; // still no slot: it stays queued where it is
    m_queueDeadline.stop();
    m_phase = Phase::Routing;
    takeStep(step);
}

void ProxyExchange::giveUp(const AttemptStep &step)
{
    if (step.relayLastAnswer && m_client && !m_client->headSent()) {
        // Anthropic-format errors reach Claude Code unchanged: its recovery matches them.
        ClientConnection::Headers headers = answerHeaders(QByteArrayLiteral("application/json"));
        const QByteArray retryAfter = headerValue(m_lastHeaders, QByteArrayLiteral("retry-after"));
        if (!retryAfter.isEmpty())
            headers.append({QByteArrayLiteral("retry-after"), retryAfter});
        m_record.errorType = step.error.type;
        m_record.errorMessage = step.error.message;
        m_client->respond(m_lastStatus, headers, m_lastBody);
        complete(m_lastStatus);
        return;
    }
    sendError(step.error);
}

void ProxyExchange::attempt(const Deployment &deployment)
{
    m_deployment = deployment;
    // Provider wildcards: the name asked for, or the fallback name a wildcard group serves.
    const QString group = m_plan.currentGroup();
    m_deployment.upstreamModel = deployment.upstreamModelFor(
        m_plan.onFallback() && group != deployment.modelName ? group : m_record.clientModel);
    m_record.retries = m_plan.attempts() - 1;
    m_record.fallbackUsed = m_plan.onFallback() || deployment.modelName != m_record.modelGroup;
    m_record.deployment = deployment.id;
    m_record.upstreamModel = m_deployment.upstreamModel;
    m_adapter = &UpstreamAdapter::of(deployment.provider);
    m_record.provider = m_adapter->name();
    if (m_plan.attempts() == 1 && m_usageTap)
        m_usageTap->requestStarted(m_record.requestId, deployment.id);
    m_router->attemptStarted(deployment, m_estimatedInputTokens);
    m_phase = Phase::Attempting;

    // Fresh per-attempt state.
    m_upstreamStatus = 0;
    m_upstreamHeaders.clear();
    m_body.clear();
    m_relayTail.clear();
    m_decoder.reset();
    m_passthrough = m_adapter->passesThrough(m_dialect);
    // Bytes are relayed unchanged only while the client has seen nothing of ours; after our
    // own message_start (an earlier attempt, or pings), an Anthropic stream is re-encoded.
    m_relay = m_passthrough && !(m_client && m_client->headSent());
    const std::optional<HttpRequest> upstream = buildUpstreamRequest();
    if (!upstream)
        return; // an error was sent
    if (m_stream)
        m_decoder = m_adapter->makeStreamDecoder();
    m_upstreamId = m_pool->send(*upstream, this);
}

void ProxyExchange::endAttempt()
{
    if (m_phase == Phase::Attempting) {
        m_phase = Phase::Routing;
        m_router->attemptEnded(m_deployment);
    }
}

bool ProxyExchange::canRetry() const
{
    if (m_phase == Phase::Done || !m_client)
        return false;
    if (m_contentSent)
        return false;
    // After relayed upstream bytes the client has seen someone else's message_start.
    if (m_relay && m_client->headSent())
        return false;
    return true;
}

void ProxyExchange::attemptFailed(AttemptFailure failure, const ApiError &error, int retryAfterSeconds)
{
    m_upstreamId = 0;
    m_router->attemptFailed(m_deployment, failure, retryAfterSeconds, error.message);
    endAttempt();
    const bool relayable = m_passthrough && m_relay && failure != AttemptFailure::Connect &&
                           failure != AttemptFailure::Timeout && m_upstreamStatus >= 300;
    if (relayable) {
        m_lastStatus = m_upstreamStatus;
        m_lastHeaders = m_upstreamHeaders;
        m_lastBody = m_body;
    }
    if (!canRetry()) {
        sendError(error);
        return;
    }
    takeStep(m_plan.failed(*m_router, m_route, failure, error, m_upstreamStatus, relayable));
}

std::optional<HttpRequest> ProxyExchange::buildUpstreamRequest()
{
    const Deployment &d = m_deployment;
    if (!m_passthrough && m_request.decodeError) {
        // Only a pass-through upstream could have taken what the decoder refused.
        sendError(*m_request.decodeError);
        return std::nullopt;
    }
    UpstreamCall call;
    call.clientDialect = m_dialect;
    call.clientBody = &m_request.body;
    call.clientBytes = &m_request.rawBody;
    call.stream = m_stream;
    call.anthropicVersion = m_request.anthropicVersion;
    call.anthropicBeta = m_request.anthropicBeta;
    if (!m_passthrough) {
        // The request was decoded once at the door; each attempt only sets what differs per
        // deployment.
        Request &canonical = m_request.canonical;
        canonical.model = d.upstreamModel;
        canonical.stream = m_stream;
        canonical.maxTokens = d.maxOutputTokens > 0 && m_requestedMaxTokens > d.maxOutputTokens ? d.maxOutputTokens
                                                                                                : m_requestedMaxTokens;
        call.request = &canonical;
    }
    HttpRequest out = m_adapter->buildRequest(d, call);
    out.connectTimeoutMs = m_settings.connectTimeoutMs;
    const double total = d.timeoutSeconds > 0 ? d.timeoutSeconds : m_settings.requestTimeoutSeconds;
    out.totalTimeoutMs = int(qMin(total * 1000.0, 2147483647.0));
    if (m_settings.firstByteTimeoutSeconds > 0)
        out.firstByteTimeoutMs = int(qMin(m_settings.firstByteTimeoutSeconds * 1000.0, 2147483647.0));
    if (m_stream) {
        const double idle = d.streamTimeoutSeconds > 0 ? d.streamTimeoutSeconds : m_settings.streamIdleTimeoutSeconds;
        out.idleTimeoutMs = int(qMin(idle * 1000.0, 2147483647.0));
    }
    return out;
}

void ProxyExchange::commitStream()
{
    if (!m_writer || m_writer->committed())
        return;
    ClientConnection::Headers headers = answerHeaders(QByteArrayLiteral("text/event-stream; charset=utf-8"));
    headers.insert(1, {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")});
    if (m_relay) {
        m_writer->commit(headers, nullptr); // the upstream's own message_start follows
        return;
    }
    Usage usage;
    usage.inputTokens = announcedInputTokens();
    usage.outputTokens = 0;
    usage.estimated = true;
    const StreamEvent start = StreamEvent::messageStart(m_messageId, m_record.clientModel, usage);
    m_writer->commit(headers, &start);
}

void ProxyExchange::onPing()
{
    if (m_phase == Phase::Done || !m_writer->clientOpen())
        return;
    if (m_relay && !m_writer->committed())
        return; // an Anthropic upstream sends its own message_start promptly
    // A local model prefilling a long prompt can stay silent for minutes; commit the
    // stream and ping so the client does not give up.
    commitStream();
    m_writer->ping();
}

void ProxyExchange::httpResponseHead(int status, const HttpHeaders &headers)
{
    m_upstreamStatus = status;
    m_upstreamHeaders = headers;
    if (status >= 300)
        return; // the error body is collected, then mapped
    if (m_stream)
        commitStream();
}

void ProxyExchange::httpResponseBody(const char *data, qsizetype size)
{
    if (m_phase == Phase::Done)
        return;
    if (m_upstreamStatus >= 300 || !m_stream) {
        if (m_upstreamStatus >= 300 && m_body.size() + size > kMaxErrorBody)
            return;
        m_body.append(data, size);
        return;
    }
    if (m_record.firstTokenMs < 0)
        m_record.firstTokenMs = m_clock.elapsed();
    m_events.clear();
    if (m_relay) {
        markContentSent();
        relayWholeLines(data, size);
        m_decoder->feed(data, size, m_events); // the usage tap
        for (const StreamEvent &event : m_events)
            noteEvent(event);
        if (m_cacheStore)
            m_aggregator.add(m_events);
        if (!m_events.empty() && m_events.back().type == StreamEvent::Type::Error &&
            !m_decoder->errorCameFromUpstream()) {
            // The upstream's stream broke (a malformed event): end the client's with an error
            // event rather than leave it with neither message_stop nor error.
            endRelayWithError(m_events.back());
            return;
        }
    } else {
        m_decoder->feed(data, size, m_events);
        handleEvents(m_events);
    }
    applyBackpressure();
}

void ProxyExchange::relayWholeLines(const char *data, qsizetype size)
{
    // Only whole lines reach the client: the end of a line still to come waits here. A line
    // the decoder refuses (longer than the framing limit) or a stream cut in the middle of one
    // then ends the client's stream with an error event of its own, never glued to half a
    // line. Upstream chunks nearly always end on a line, so this rarely copies anything.
    qsizetype lineEnd = size;
    while (lineEnd > 0 && data[lineEnd - 1] != '\n')
        --lineEnd;
    if (lineEnd == 0) {
        m_relayTail.append(data, size);
        return;
    }
    if (m_relayTail.isEmpty()) {
        m_writer->relay(data, lineEnd);
    } else {
        m_relayTail.append(data, lineEnd);
        m_writer->relay(m_relayTail.constData(), m_relayTail.size());
        m_relayTail.clear();
    }
    m_relayTail.append(data + lineEnd, size - lineEnd);
}

void ProxyExchange::applyBackpressure()
{
    // A client that reads slower than the model writes: stop reading the upstream until
    // the client has caught up, instead of buffering the answer in memory.
    if (m_phase != Phase::Done && m_writer && m_upstreamId && !m_upstreamPaused && m_writer->congested()) {
        m_upstreamPaused = true;
        m_pool->setPaused(m_upstreamId, true);
    }
}

void ProxyExchange::noteEvent(const StreamEvent &event)
{
    if (event.type == StreamEvent::Type::MessageStart || event.type == StreamEvent::Type::MessageDelta) {
        if (event.usage.inputTokens >= 0) {
            m_record.inputTokens = event.usage.inputTokens + event.usage.cacheReadTokens + event.usage.cacheWriteTokens;
            m_record.cacheReadTokens = event.usage.cacheReadTokens;
            m_record.cacheWriteTokens = event.usage.cacheWriteTokens;
        }
        if (event.usage.outputTokens >= 0)
            m_record.outputTokens = event.usage.outputTokens;
    } else if (event.type == StreamEvent::Type::Error) {
        m_record.errorType = event.error.type;
        m_record.errorMessage = event.error.message;
    }
}

void ProxyExchange::endRelayWithError(const StreamEvent &failure)
{
    if (m_upstreamId) {
        m_pool->cancel(m_upstreamId);
        m_upstreamId = 0;
    }
    m_router->attemptFailed(m_deployment, AttemptFailure::ServerError, -1, failure.error.message);
    endAttempt();
    m_record.errorType = failure.error.type;
    m_record.errorMessage = failure.error.message;
    m_writer->endWithError(failure.error, /*anthropicWire=*/true);
    complete(m_writer->status());
}

void ProxyExchange::markContentSent()
{
    if (m_contentSent)
        return;
    m_contentSent = true;
    // No attempt follows once the client has content: the decoded request is not needed again
    // (a thousand open streams would otherwise each keep theirs).
    m_request.canonical = Request();
}

void ProxyExchange::handleEvents(StreamEvents &events)
{
    if (events.empty() || !m_client)
        return;
    bool ended = false;
    for (StreamEvent &event : events) {
        if (event.type == StreamEvent::Type::Error && !m_contentSent) {
            // The upstream failed before any of its answer reached the client: another
            // deployment may still answer in full.
            m_writer->flush();
            if (m_upstreamId) {
                m_pool->cancel(m_upstreamId);
                m_upstreamId = 0;
            }
            ApiError error = event.error;
            error.message = m_deployment.upstreamLabel() + QStringLiteral(": ") + error.message;
            attemptFailed(error.httpStatus == 429                            ? AttemptFailure::RateLimited
                          : error.type == QStringLiteral("overloaded_error") ? AttemptFailure::Overloaded
                                                                             : AttemptFailure::ServerError,
                          error, error.retryAfterSeconds);
            return;
        }
        noteEvent(event);
        if (m_cacheStore)
            m_aggregator.add(event);
        if (event.type == StreamEvent::Type::MessageStart) {
            continue; // ours went out when the upstream answered
        }
        if (event.type == StreamEvent::Type::BlockStart || event.type == StreamEvent::Type::TextDelta ||
            event.type == StreamEvent::Type::ToolInputDelta || event.type == StreamEvent::Type::ThinkingDelta)
            markContentSent();
        if (event.type == StreamEvent::Type::MessageDelta && event.usage.inputTokens < 0) {
            event.usage.inputTokens = announcedInputTokens();
            event.usage.estimated = true;
            m_record.tokensEstimated = true;
            m_record.inputTokens = event.usage.inputTokens;
        }
        m_writer->add(event);
        if (event.type == StreamEvent::Type::MessageStop || event.type == StreamEvent::Type::Error) {
            ended = true;
            break;
        }
    }
    m_writer->flush();
    if (ended) {
        m_writer->end();
        const bool failed = events.back().type == StreamEvent::Type::Error;
        if (failed && m_upstreamId) {
            m_pool->cancel(m_upstreamId);
            m_upstreamId = 0;
        }
        if (failed)
            m_router->attemptFailed(m_deployment, AttemptFailure::ServerError, -1, events.back().error.message);
        else
            m_router->attemptSucceeded(m_deployment, m_route.sessionId, m_record.firstTokenMs, m_clock.elapsed(),
                                       qMax<qint64>(0, m_record.inputTokens) + qMax<qint64>(0, m_record.outputTokens));
        endAttempt();
        if (!failed)
            storeInCache();
        complete(200);
    } else if (m_writer->committed()) {
        m_writer->restartPingClock();
    }
}

void ProxyExchange::httpResponseEnd()
{
    m_upstreamId = 0;
    if (m_phase == Phase::Done)
        return;
    if (m_upstreamStatus >= 300) {
        finishUpstreamError();
        return;
    }
    if (!m_stream) {
        finishNonStreaming();
        return;
    }
    m_events.clear();
    m_decoder->finish(m_events);
    if (m_relay) {
        for (const StreamEvent &event : m_events)
            noteEvent(event);
        if (m_cacheStore)
            m_aggregator.add(m_events);
        const bool truncated = !m_events.empty() && m_events.back().type == StreamEvent::Type::Error;
        if (truncated || !m_record.errorType.isEmpty())
            m_router->attemptFailed(m_deployment, AttemptFailure::ServerError, -1,
                                    truncated ? m_events.back().error.message : m_record.errorMessage);
        else
            m_router->attemptSucceeded(m_deployment, m_route.sessionId, m_record.firstTokenMs, m_clock.elapsed(),
                                       qMax<qint64>(0, m_record.inputTokens) + qMax<qint64>(0, m_record.outputTokens));
        endAttempt();
        if (!truncated && m_record.errorType.isEmpty())
            storeInCache();
        // A stream that ended without message_stop gets an error event from the
        // decoder: relay it rather than letting the client see a truncated answer (and
        // without the half line it was cut in).
        if (!m_events.empty() && m_events.back().type == StreamEvent::Type::Error) {
            m_writer->endWithError(m_events.back().error, /*anthropicWire=*/true);
        } else {
            // A complete stream whose last line lacks its newline: that line goes as it came.
            m_writer->relay(m_relayTail.constData(), m_relayTail.size());
            m_writer->end();
        }
        m_relayTail.clear();
        complete(200);
        return;
    }
    handleEvents(m_events);
    if (m_phase == Phase::Attempting && !m_upstreamId) {
        // The decoder produced no terminal event: never end silently.
        ApiError error = ApiError::upstream(
            502, QStringLiteral("%1 ended the stream before it was complete").arg(m_deployment.upstreamLabel()));
        attemptFailed(AttemptFailure::ServerError, error, -1);
    }
}

void ProxyExchange::finishNonStreaming()
{
    if (m_relay) {
        QByteArray contentType = headerValue(m_upstreamHeaders, QByteArrayLiteral("content-type"));
        if (contentType.isEmpty())
            contentType = QByteArrayLiteral("application/json");
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(m_body, &parseError);
        const QJsonObject answer = document.object();
        if (parseError.error != QJsonParseError::NoError || !document.isObject() ||
            (answer.value(QStringLiteral("type")).toString() != QStringLiteral("message") &&
             !answer.value(QStringLiteral("content")).isArray())) {
            // A cut body, or a stream where a whole message was asked for: never relayed as 200.
            attemptFailed(AttemptFailure::ServerError,
                          ApiError::upstream(502, QStringLiteral("%1 answered with something that is not a whole "
                                                                 "message (%2 bytes of %3)")
                                                      .arg(m_deployment.upstreamLabel())
                                                      .arg(m_body.size())
                                                      .arg(QString::fromLatin1(contentType))),
                          -1);
            return;
        }
        const QJsonObject usage = answer.value(QStringLiteral("usage")).toObject();
        if (!usage.isEmpty()) {
            m_record.inputTokens = usage.value(QStringLiteral("input_tokens")).toInteger() +
                                   usage.value(QStringLiteral("cache_read_input_tokens")).toInteger() +
                                   usage.value(QStringLiteral("cache_creation_input_tokens")).toInteger();
            m_record.outputTokens = usage.value(QStringLiteral("output_tokens")).toInteger();
            m_record.cacheReadTokens = usage.value(QStringLiteral("cache_read_input_tokens")).toInteger();
            m_record.cacheWriteTokens = usage.value(QStringLiteral("cache_creation_input_tokens")).toInteger();
        }
        if (m_client)
            m_client->respond(m_upstreamStatus, answerHeaders(contentType), m_body);
        m_router->attemptSucceeded(m_deployment, m_route.sessionId, m_clock.elapsed(), m_clock.elapsed(),
                                   qMax<qint64>(0, m_record.inputTokens) + qMax<qint64>(0, m_record.outputTokens));
        endAttempt();
        if (m_cacheStore && m_upstreamStatus == 200)
            m_cacheStore(m_body);
        complete(m_upstreamStatus);
        return;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(m_body, &parseError);
    Response response;
    std::optional<ApiError> error;
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        error = ApiError::upstream(502, QStringLiteral("%1 answered with invalid JSON: %2")
                                            .arg(m_deployment.upstreamLabel(), parseError.errorString()));
    } else {
        if (Expected<void, ApiError> decoded = m_adapter->decodeResponse(document.object(), response);
            !decoded.hasValue())
            error = std::move(decoded).error();
    }
    if (error) {
        attemptFailed(AttemptFailure::ServerError, *error, -1);
        return;
    }
    response.model = m_record.clientModel;
    if (response.id.isEmpty() || m_dialect == ClientDialect::Anthropic)
        response.id = m_messageId;
    if (response.usage.inputTokens < 0) {
        response.usage.inputTokens = announcedInputTokens();
        response.usage.estimated = true;
        m_record.tokensEstimated = true;
    }
    m_record.inputTokens =
        response.usage.inputTokens + response.usage.cacheReadTokens + response.usage.cacheWriteTokens;
    m_record.cacheReadTokens = response.usage.cacheReadTokens;
    m_record.cacheWriteTokens = response.usage.cacheWriteTokens;
    m_record.outputTokens = response.usage.outputTokens;
    const QByteArray body = DialectCodecs::of(m_dialect).encodeResponse(response);
    if (m_client)
        m_client->respond(200, answerHeaders(QByteArrayLiteral("application/json")), body);
    m_router->attemptSucceeded(m_deployment, m_route.sessionId, m_clock.elapsed(), m_clock.elapsed(),
                               qMax<qint64>(0, m_record.inputTokens) + qMax<qint64>(0, m_record.outputTokens));
    endAttempt();
    if (m_cacheStore)
        m_cacheStore(AnthropicResponseCodec::encodeBytes(response));
    complete(200);
}

void ProxyExchange::finishUpstreamError()
{
    const UpstreamVerdict verdict = m_adapter->judgeAnswer(m_deployment, m_upstreamStatus, m_upstreamHeaders, m_body,
                                                           m_relay, m_estimatedInputTokens);
    attemptFailed(verdict.failure, verdict.error, verdict.error.retryAfterSeconds);
}

void ProxyExchange::httpFailed(const HttpFailure &failure)
{
    m_upstreamId = 0;
    if (m_phase == Phase::Done)
        return;
    const UpstreamVerdict verdict = m_adapter->judgeFailure(m_deployment, failure);
    attemptFailed(verdict.failure, verdict.error, -1);
}

QByteArray ProxyExchange::encodeClientError(const ApiError &error) const
{
    return DialectCodecs::of(m_dialect).encodeError(error, m_record.requestId);
}

void ProxyExchange::sendError(const ApiError &error)
{
    if (m_phase == Phase::Done)
        return;
    m_record.errorType = error.type;
    m_record.errorMessage = error.message;
    if (!m_client) {
        complete(499);
        return;
    }
    if (m_writer && m_writer->committed()) {
        // Mid-stream: an error event, never a silently truncated stream.
        m_writer->endWithError(error);
        complete(m_writer->status());
        return;
    }
    ClientConnection::Headers headers = answerHeaders(QByteArrayLiteral("application/json"));
    if (error.retryAfterSeconds >= 0)
        headers.append({QByteArrayLiteral("retry-after"), QByteArray::number(error.retryAfterSeconds)});
    m_client->respond(error.httpStatus, headers, encodeClientError(error));
    complete(error.httpStatus);
}

void ProxyExchange::setCacheStore(std::function<void(const QByteArray &)> store)
{
    m_cacheStore = std::move(store);
}

void ProxyExchange::setReportedTokens(std::function<void(const QString &, qint64)> report)
{
    m_reportTokens = std::move(report);
}

void ProxyExchange::setInputEstimate(std::function<qint64(const QString &)> estimate)
{
    m_inputEstimate = std::move(estimate);
}

qint64 ProxyExchange::announcedInputTokens()
{
    if (!m_inputEstimate)
        return m_estimatedInputTokens;
    if (m_inputEstimateFor != m_deployment.id || m_inputEstimateFor.isEmpty()) {
        m_inputEstimateFor = m_deployment.id;
        m_announcedInputTokens = qMax<qint64>(1, m_inputEstimate(m_deployment.id));
    }
    return m_announcedInputTokens;
}

void ProxyExchange::storeInCache()
{
    if (!m_cacheStore || !m_aggregator.isComplete() || m_aggregator.failed())
        return;
    m_cacheStore(AnthropicResponseCodec::encodeBytes(m_aggregator.response()));
}

void ProxyExchange::cut(const QString &reason)
{
    if (m_phase == Phase::Done)
        return;
    if (m_upstreamId) {
        m_pool->cancel(m_upstreamId);
        m_upstreamId = 0;
    }
    sendError(ApiError::overloaded(reason));
}

void ProxyExchange::onClientGone()
{
    if (m_phase == Phase::Done)
        return;
    // Abort the upstream at once: closing its connection makes the model stop generating.
    if (m_upstreamId) {
        m_pool->cancel(m_upstreamId);
        m_upstreamId = 0;
    }
    m_record.errorType = QStringLiteral("client_closed");
    complete(499);
}

void ProxyExchange::complete(int status)
{
    if (m_phase == Phase::Done)
        return;
    if (m_reportTokens && status == 200 && m_record.errorType.isEmpty() && !m_record.tokensEstimated &&
        m_record.inputTokens > 0)
        m_reportTokens(m_record.deployment, m_record.inputTokens);
    endAttempt();
    m_phase = Phase::Done;
    if (m_writer)
        m_writer->stopPings();
    m_queueDeadline.stop();
    m_record.status = status;
    m_record.totalMs = m_clock.elapsed();
    Q_EMIT finished(m_record);
    deleteLater();
}

} // namespace sb
