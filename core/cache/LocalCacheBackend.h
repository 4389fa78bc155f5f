#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <functional>
#include <list>
#include <optional>

namespace sb {

// In-memory LRU cache with a per-entry TTL and a cap on the stored bytes (keys + values).
// Synchronous and single-threaded: ResponseCache drives it from the gateway thread.
class LocalCacheBackend final
{
public:
    // Milliseconds on a monotonic clock; tests inject their own.
    using Clock = std::function<qint64()>;

    explicit LocalCacheBackend(qint64 maxBytes, Clock clock = {});

    // The value if present and not expired; a hit makes the entry most recently used.
    std::optional<QByteArray> get(const QString &key);
    // Replaces any previous value. A value larger than the cap, or ttlSeconds <= 0, is not kept.
    void put(const QString &key, const QByteArray &value, int ttlSeconds);
    void clear();

    int count() const;
    qint64 bytes() const;
    qint64 maxBytes() const;

private:
    struct Entry
    {
        QString key;
        QByteArray value;
        qint64 expiresAtMs = 0;
    };
    using List = std::list<Entry>;

    static qint64 entryBytes(const Entry &entry);
    void erase(List::iterator it);

    qint64 m_maxBytes;
    Clock m_clock;
    List m_entries; // front = most recently used
    QHash<QString, List::iterator> m_index;
    qint64 m_bytes = 0;
};

} // namespace sb
