#include "LocalCacheBackend.h"

#include <QElapsedTimer>

namespace sb {

LocalCacheBackend::LocalCacheBackend(qint64 maxBytes, Clock clock) : m_maxBytes(maxBytes), m_clock(std::move(clock))
{
    if (!m_clock) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_clock = [timer] {
            return timer->elapsed();
        };
    }
}

std::optional<QByteArray> LocalCacheBackend::get(const QString &key)
{
    const auto found = m_index.constFind(key);
    if (found == m_index.constEnd())
        return std::nullopt;
    const List::iterator it = found.value();
    if (m_clock() >= it->expiresAtMs) {
        erase(it);
        return std::nullopt;
    }
    m_entries.splice(m_entries.begin(), m_entries, it);
    return it->value;
}

void LocalCacheBackend::put(const QString &key, const QByteArray &value, int ttlSeconds)
{
    const auto found = m_index.constFind(key);
    if (found != m_index.constEnd())
        erase(found.value());
    Entry entry{key, value, m_clock() + qint64(ttlSeconds) * 1000};
    const qint64 size = entryBytes(entry);
    if (ttlSeconds <= 0 || size > m_maxBytes)
        return;
    while (!m_entries.empty() && m_bytes + size > m_maxBytes)
        erase(std::prev(m_entries.end()));
    m_entries.push_front(std::move(entry));
    m_index.insert(key, m_entries.begin());
    m_bytes += size;
}

void LocalCacheBackend::clear()
{
    m_entries.clear();
    m_index.clear();
    m_bytes = 0;
}

int LocalCacheBackend::count() const
{
    return int(m_index.size());
}

qint64 LocalCacheBackend::bytes() const
{
    return m_bytes;
}

qint64 LocalCacheBackend::maxBytes() const
{
    return m_maxBytes;
}

qint64 LocalCacheBackend::entryBytes(const Entry &entry)
{
    return qint64(entry.key.size()) * 2 + entry.value.size();
}

void LocalCacheBackend::erase(List::iterator it)
{
    m_bytes -= entryBytes(*it);
    m_index.remove(it->key);
    m_entries.erase(it);
}

} // namespace sb
