#include "ResponseCache.h"

namespace sb {

ResponseCache::ResponseCache(Options options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    if (!m_options.enabled)
        return;
    if (m_options.backend == Backend::Redis) {
        m_redis = new RedisCacheBackend(m_options.redis, this);
        m_redis->start();
    } else {
        m_local = std::make_unique<LocalCacheBackend>(m_options.localMaxBytes, m_options.localClock);
    }
}

ResponseCache::~ResponseCache() = default;

bool ResponseCache::enabled() const
{
    return m_options.enabled;
}

int ResponseCache::defaultTtlSeconds() const
{
    return m_options.defaultTtlSeconds;
}

void ResponseCache::lookup(const QString &key, LookupCallback callback)
{
    if (!m_options.enabled) {
        QMetaObject::invokeMethod(
            this,
            [callback = std::move(callback)] {
                if (callback)
                    callback(std::nullopt);
            },
            Qt::QueuedConnection);
        return;
    }
    if (m_local) {
        std::optional<QByteArray> value = m_local->get(key);
        QMetaObject::invokeMethod(
            this, [this, callback = std::move(callback), value = std::move(value)] { answer(callback, value, false); },
            Qt::QueuedConnection);
        return;
    }
    // The backend's callbacks run from its own queued calls; it is our child, so they never
    // outlive this object.
    m_redis->get(key, [this, callback = std::move(callback)](const RedisCacheBackend::LookupResult &result) {
        answer(callback, result.value, result.failed);
    });
}

void ResponseCache::store(const QString &key, const QByteArray &value, int ttlSeconds)
{
    if (!m_options.enabled)
        return;
    const int ttl = ttlSeconds > 0 ? ttlSeconds : m_options.defaultTtlSeconds;
    if (m_local) {
        m_local->put(key, value, ttl);
        return;
    }
    m_redis->set(key, value, ttl, [this](bool stored) {
        if (!stored)
            ++m_errors;
    });
}

quint64 ResponseCache::hits() const
{
    return m_hits;
}

quint64 ResponseCache::misses() const
{
    return m_misses;
}

quint64 ResponseCache::errors() const
{
    return m_errors;
}

LocalCacheBackend *ResponseCache::localBackend() const
{
    return m_local.get();
}

RedisCacheBackend *ResponseCache::redisBackend() const
{
    return m_redis;
}

void ResponseCache::answer(const LookupCallback &callback, std::optional<QByteArray> value, bool failed)
{
    if (value)
        ++m_hits;
    else
        ++m_misses;
    if (failed)
        ++m_errors;
    if (callback)
        callback(std::move(value));
}

} // namespace sb
