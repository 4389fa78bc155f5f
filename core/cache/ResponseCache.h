#pragma once

#include "LocalCacheBackend.h"
#include "RedisCacheBackend.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace sb {

// The gateway's response cache (litellm_settings.cache). Lives on the gateway thread; every
// call returns at once and every callback runs later from the event loop, never inside the
// call. Values are opaque bytes (the gateway stores the canonical non-streaming answer).
// Counters: each answered lookup is a hit or a miss; errors() counts lookups and stores that
// failed because the backend was unavailable or answered an error (such lookups are misses too).
class ResponseCache final : public QObject
{
    Q_OBJECT

public:
    enum class Backend { Local, Redis };

    struct Options
    {
        bool enabled = false;
        Backend backend = Backend::Local;
        int defaultTtlSeconds = 600;
        qint64 localMaxBytes = 64 * 1024 * 1024;
        LocalCacheBackend::Clock localClock; // empty: monotonic wall clock
        RedisCacheBackend::Options redis;
    };

    using LookupCallback = std::function<void(std::optional<QByteArray>)>;

    explicit ResponseCache(Options options, QObject *parent = nullptr);
    ~ResponseCache() override;

    bool enabled() const;
    int defaultTtlSeconds() const;

    // Disabled: the callback gets std::nullopt and nothing is counted.
    void lookup(const QString &key, LookupCallback callback);
    // ttlSeconds <= 0 uses the default TTL. Fire and forget: failures only count as errors.
    void store(const QString &key, const QByteArray &value, int ttlSeconds = 0);

    quint64 hits() const;
    quint64 misses() const;
    quint64 errors() const;

    // For tests and /health: null unless that backend is in use.
    LocalCacheBackend *localBackend() const;
    RedisCacheBackend *redisBackend() const;

private:
    void answer(const LookupCallback &callback, std::optional<QByteArray> value, bool failed);

    Options m_options;
    std::unique_ptr<LocalCacheBackend> m_local;
    RedisCacheBackend *m_redis = nullptr;
    quint64 m_hits = 0;
    quint64 m_misses = 0;
    quint64 m_errors = 0;
};

} // namespace sb
