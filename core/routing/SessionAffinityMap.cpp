#include "SessionAffinityMap.h"

namespace sb {

SessionAffinityMap::SessionAffinityMap(int capacity) : m_capacity(capacity > 0 ? capacity : 1)
{
    m_index.reserve(m_capacity);
}

int SessionAffinityMap::find(const QString &session)
{
    const auto it = m_index.constFind(session);
    if (it == m_index.constEnd())
        return -1;
    m_order.splice(m_order.begin(), m_order, it.value());
    return it.value()->deployment;
}

void SessionAffinityMap::set(const QString &session, int deployment)
{
    const auto it = m_index.constFind(session);
    if (it != m_index.constEnd()) {
        it.value()->deployment = deployment;
        m_order.splice(m_order.begin(), m_order, it.value());
        return;
    }
    if (int(m_index.size()) >= m_capacity) {
        m_index.remove(m_order.back().session);
        m_order.pop_back();
    }
    m_order.push_front({session, deployment});
    m_index.insert(session, m_order.begin());
}

void SessionAffinityMap::remove(const QString &session)
{
    const auto it = m_index.constFind(session);
    if (it == m_index.constEnd())
        return;
    m_order.erase(it.value());
    m_index.erase(it);
}

int SessionAffinityMap::size() const
{
    return int(m_index.size());
}

int SessionAffinityMap::capacity() const
{
    return m_capacity;
}

} // namespace sb
