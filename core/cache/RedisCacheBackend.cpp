#include "RedisCacheBackend.h"

#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTimer>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>

namespace sb {

namespace {

RedisCacheBackend *backendOf(const redisAsyncContext *context)
{
    return context ? static_cast<RedisCacheBackend *>(context->data) : nullptr;
}

QString errorText(const redisAsyncContext *context)
{
    // hiredis 0.14 copies the sync context's error into the async one only after the
    // connect and disconnect callbacks have run, so read it from the sync context.
    if (!context)
        return QStringLiteral("connection closed");
    if (context->err != 0)
        return QString::fromLocal8Bit(context->errstr);
    if (context->c.err != 0)
        return QString::fromLocal8Bit(context->c.errstr);
    return QStringLiteral("connection closed");
}

} // namespace

RedisCacheBackend::RedisCacheBackend(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_reconnectTimer(new QTimer(this)),
      m_connectTimer(new QTimer(this)), m_deadlineTimer(new QTimer(this))
{
    m_clock.start();
    m_reconnectTimer->setSingleShot(true);
    m_connectTimer->setSingleShot(true);
    m_deadlineTimer->setInterval(std::clamp(m_options.commandTimeoutMs / 4, 10, 100));
    connect(m_reconnectTimer, &QTimer::timeout, this, &RedisCacheBackend::connectNow);
    connect(m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_connected || !m_context)
            return;
        dropContext();
        handleLost(QStringLiteral("connect timed out after %1 ms").arg(m_options.connectTimeoutMs));
    });
    connect(m_deadlineTimer, &QTimer::timeout, this, &RedisCacheBackend::checkDeadlines);
}

RedisCacheBackend::~RedisCacheBackend()
{
    // Callers may already be gone at shutdown: pending callbacks are dropped, not answered.
    m_pending.clear();
    dropContext();
}

void RedisCacheBackend::start()
{
    if (m_started)
        return;
    m_started = true;
    connectNow();
}

bool RedisCacheBackend::isConnected() const
{
    return m_connected;
}

QString RedisCacheBackend::fullKey(const QString &key) const
{
    return m_options.keyNamespace + QLatin1Char(':') + key;
}

void RedisCacheBackend::get(const QString &key, LookupCallback callback)
{
    if (!m_connected || !m_context) {
        deferLookup(std::move(callback), LookupResult{std::nullopt, true});
        return;
    }
    const quint64 id = m_nextId++;
    m_pending.insert(id, Pending{std::move(callback), {}, m_clock.elapsed() + m_options.commandTimeoutMs});
    sendCommand(id, QByteArrayLiteral("GET"), fullKey(key).toUtf8(), nullptr, 0);
}

void RedisCacheBackend::set(const QString &key, const QByteArray &value, int ttlSeconds, StoreCallback callback)
{
    if (!m_connected || !m_context || ttlSeconds <= 0) {
        deferStore(std::move(callback), false);
        return;
    }
    const quint64 id = m_nextId++;
    m_pending.insert(id, Pending{{}, std::move(callback), m_clock.elapsed() + m_options.commandTimeoutMs});
    sendCommand(id, QByteArrayLiteral("SET"), fullKey(key).toUtf8(), &value, ttlSeconds);
}

bool RedisCacheBackend::sendCommand(quint64 id, const QByteArray &command, const QByteArray &key,
                                    const QByteArray *value, int ttlSeconds)
{
    void *privdata = reinterpret_cast<void *>(static_cast<quintptr>(id));
    int status = REDIS_ERR;
    if (value) {
        status = redisAsyncCommand(m_context, &RedisCacheBackend::onReply, privdata, "SET %b %b EX %d", key.constData(),
                                   size_t(key.size()), value->constData(), size_t(value->size()), ttlSeconds);
    } else {
        status = redisAsyncCommand(m_context, &RedisCacheBackend::onReply, privdata, "%s %b", command.constData(),
                                   key.constData(), size_t(key.size()));
    }
    if (status != REDIS_OK) {
        finish(id, LookupResult{std::nullopt, true}, false);
        return false;
    }
    if (!m_deadlineTimer->isActive())
        m_deadlineTimer->start();
    return true;
}

void RedisCacheBackend::connectNow()
{
    if (m_context)
        return;
    const QByteArray host = m_options.host.toUtf8();
    redisAsyncContext *context = redisAsyncConnect(host.constData(), m_options.port);
    if (!context) {
        handleLost(QStringLiteral("out of memory"));
        return;
    }
    if (context->err) {
        const QString reason = errorText(context);
        redisAsyncFree(context);
        handleLost(reason);
        return;
    }
    m_context = context;
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &RedisCacheBackend::addRead;
    context->ev.delRead = &RedisCacheBackend::delRead;
    context->ev.addWrite = &RedisCacheBackend::addWrite;
    context->ev.delWrite = &RedisCacheBackend::delWrite;
    context->ev.cleanup = &RedisCacheBackend::cleanup;
    redisAsyncSetConnectCallback(context, &RedisCacheBackend::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisCacheBackend::onDisconnect);

    const qintptr fd = context->c.fd;
    m_readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_readNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, [this] {
        if (m_context)
            redisAsyncHandleRead(m_context);
    });
    m_writeNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, [this] {
        if (m_context)
            redisAsyncHandleWrite(m_context);
    });
    // The non-blocking connect completes when the socket turns writable.
    m_writeNotifier->setEnabled(true);
    m_connectTimer->start(m_options.connectTimeoutMs);
}

void RedisCacheBackend::onConnect(const redisAsyncContext *context, int status)
{
    RedisCacheBackend *self = backendOf(context);
    if (!self || self->m_context != context)
        return;
    if (status == REDIS_OK) {
        self->handleConnected();
        return;
    }
    // hiredis frees the context after this callback returns.
    self->m_context = nullptr;
    self->handleLost(errorText(context));
}

void RedisCacheBackend::onDisconnect(const redisAsyncContext *context, int status)
{
    RedisCacheBackend *self = backendOf(context);
    // A context we dropped ourselves has already been forgotten.
    if (!self || self->m_context != context)
        return;
    self->m_context = nullptr;
    self->handleLost(status == REDIS_OK ? QStringLiteral("disconnected") : errorText(context));
}

void RedisCacheBackend::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    RedisCacheBackend *self = backendOf(context);
    if (!self)
        return;
    const quint64 id = static_cast<quint64>(reinterpret_cast<quintptr>(privdata));
    const auto *r = static_cast<const redisReply *>(reply);
    if (!r) {
        self->finish(id, LookupResult{std::nullopt, true}, false);
        return;
    }
    self->handleAnswered();
    switch (r->type) {
    case REDIS_REPLY_STRING: self->finish(id, LookupResult{QByteArray(r->str, int(r->len)), false}, true); break;
    case REDIS_REPLY_NIL: self->finish(id, LookupResult{std::nullopt, false}, false); break;
    case REDIS_REPLY_STATUS: self->finish(id, LookupResult{std::nullopt, false}, true); break;
    default: self->finish(id, LookupResult{std::nullopt, true}, false); break;
    }
}

void RedisCacheBackend::addRead(void *data)
{
    auto *self = static_cast<RedisCacheBackend *>(data);
    if (self->m_readNotifier)
        self->m_readNotifier->setEnabled(true);
}

void RedisCacheBackend::delRead(void *data)
{
    auto *self = static_cast<RedisCacheBackend *>(data);
    if (self->m_readNotifier)
        self->m_readNotifier->setEnabled(false);
}

void RedisCacheBackend::addWrite(void *data)
{
    auto *self = static_cast<RedisCacheBackend *>(data);
    if (self->m_writeNotifier)
        self->m_writeNotifier->setEnabled(true);
}

void RedisCacheBackend::delWrite(void *data)
{
    auto *self = static_cast<RedisCacheBackend *>(data);
    if (self->m_writeNotifier)
        self->m_writeNotifier->setEnabled(false);
}

void RedisCacheBackend::cleanup(void *data)
{
    // Runs while hiredis frees the context, possibly from inside a notifier's activated()
    // emission, so the notifiers are only disabled here and deleted later.
    auto *self = static_cast<RedisCacheBackend *>(data);
    for (QSocketNotifier **notifier : {&self->m_readNotifier, &self->m_writeNotifier}) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater();
            *notifier = nullptr;
        }
    }
}

void RedisCacheBackend::handleConnected()
{
    m_connectTimer->stop();
    m_connected = true;
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT connectedChanged(true); }, Qt::QueuedConnection);
}

void RedisCacheBackend::handleAnswered()
{
    // An outage ends with the first answer, not with the TCP connect: a server that accepts
    // and then stays silent must not warn (and reconnect at full speed) on every attempt.
    m_backoffMs = 0;
    if (m_warned)
        qInfo("Response cache: Redis at %s:%d is back", qPrintable(m_options.host), m_options.port);
    m_warned = false;
}

void RedisCacheBackend::handleLost(const QString &reason)
{
    m_connectTimer->stop();
    const bool wasConnected = m_connected;
    m_connected = false;
    const QList<quint64> ids = m_pending.keys();
    for (quint64 id : ids)
        finish(id, LookupResult{std::nullopt, true}, false);
    if (!m_warned) {
        m_warned = true;
        qWarning("Response cache: Redis at %s:%d unavailable (%s); serving uncached and "
                 "reconnecting in the background",
                 qPrintable(m_options.host), m_options.port, qPrintable(reason));
    }
    if (wasConnected)
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT connectedChanged(false); }, Qt::QueuedConnection);
    scheduleReconnect();
}

void RedisCacheBackend::scheduleReconnect()
{
    m_backoffMs = m_backoffMs == 0 ? m_options.minBackoffMs : std::min(m_backoffMs * 2, m_options.maxBackoffMs);
    m_reconnectTimer->start(m_backoffMs);
}

void RedisCacheBackend::dropContext()
{
    if (!m_context)
        return;
    redisAsyncContext *context = m_context;
    m_context = nullptr;
    m_connected = false;
    redisAsyncFree(context);
}

void RedisCacheBackend::checkDeadlines()
{
    if (m_pending.isEmpty()) {
        m_deadlineTimer->stop();
        return;
    }
    const qint64 now = m_clock.elapsed();
    bool expired = false;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it->deadlineMs <= now) {
            expired = true;
            break;
        }
    }
    if (!expired)
        return;
    // A silent server is treated as a lost one: every pending command fails now.
    const bool wasConnected = m_connected;
    dropContext();
    m_connected = wasConnected;
    handleLost(QStringLiteral("no answer within %1 ms").arg(m_options.commandTimeoutMs));
}

void RedisCacheBackend::finish(quint64 id, const LookupResult &result, bool stored)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(it.value());
    m_pending.erase(it);
    if (pending.lookup)
        deferLookup(std::move(pending.lookup), result);
    else
        deferStore(std::move(pending.store), stored && !result.failed);
}

void RedisCacheBackend::deferLookup(LookupCallback callback, const LookupResult &result)
{
    if (!callback)
        return;
    QMetaObject::invokeMethod(
        this, [callback = std::move(callback), result] { callback(result); }, Qt::QueuedConnection);
}

void RedisCacheBackend::deferStore(StoreCallback callback, bool stored)
{
    if (!callback)
        return;
    QMetaObject::invokeMethod(
        this, [callback = std::move(callback), stored] { callback(stored); }, Qt::QueuedConnection);
}

} // namespace sb
