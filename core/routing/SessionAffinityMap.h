#pragma once

#include <QHash>
#include <QString>

#include <list>

namespace sb {

// Session id → the deployment (index) that served it last, bounded: when full, the session
// used least recently is forgotten. O(1) lookups and updates.
class SessionAffinityMap final
{
public:
    explicit SessionAffinityMap(int capacity);

    // The deployment index for `session`, or -1; a hit makes the session most recent.
    int find(const QString &session);
    void set(const QString &session, int deployment);
    void remove(const QString &session);
    int size() const;
    int capacity() const;

private:
    struct Entry
    {
        QString session;
        int deployment;
    };
    using Order = std::list<Entry>; // most recent first

    int m_capacity;
    Order m_order;
    QHash<QString, Order::iterator> m_index;
};

} // namespace sb
