#include "HttpClientPool.h"

#include "HttpConnection.h"

namespace sb {

QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name)
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

bool HttpFailure::isTimeout() const
{
    return kind == Kind::ConnectTimeout || kind == Kind::FirstByteTimeout || kind == Kind::IdleTimeout ||
           kind == Kind::TotalTimeout;
}

HttpClientPool::HttpClientPool(QObject *parent) : QObject(parent)
{
    m_clock.start();
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &HttpClientPool::checkDeadlines);
    m_idleSweep.setInterval(qMax(50, m_idleExpiryMs / 4));
    connect(&m_idleSweep, &QTimer::timeout, this, &HttpClientPool::expireIdle);
}

void HttpClientPool::setIdleLimits(int maxPerHost, int expiryMs)
{
    m_maxIdlePerHost = qMax(0, maxPerHost);
    m_idleExpiryMs = qMax(1, expiryMs);
    m_idleSweep.setInterval(qMax(50, m_idleExpiryMs / 4));
}

void HttpClientPool::expireIdle()
{
    const qint64 now = nowMs();
    QList<HttpConnection *> expired;
    for (auto it = m_idleSince.cbegin(); it != m_idleSince.cend(); ++it) {
        if (now - it.value() >= m_idleExpiryMs)
            expired.append(it.key());
    }
    for (HttpConnection *connection : std::as_const(expired))
        connection->abort(); // connectionClosed() forgets it
    if (m_idleSince.isEmpty())
        m_idleSweep.stop();
}

HttpClientPool::~HttpClientPool()
{
    m_tick.stop();
    m_idleSweep.stop();
    const QList<HttpConnection *> all = m_all;
    m_all.clear();
    m_idle.clear();
    m_idleSince.clear();
    m_active.clear();
    qDeleteAll(all);
}

quint64 HttpClientPool::send(const HttpRequest &request, HttpResponseHandler *handler)
{
    const quint64 id = m_nextId++;
    const QString key = HttpConnection::keyFor(request.url);
    HttpConnection *connection = nullptr;
    bool reused = false;
    auto idle = m_idle.find(key);
    if (idle != m_idle.end() && !idle->isEmpty()) {
        connection = idle->takeLast(); // the most recently used is the most likely alive
        m_idleSince.remove(connection);
        reused = true;
    } else {
        connection = new HttpConnection(this, request.url);
        m_all.append(connection);
    }
    startOn(connection, id, request, handler, reused);
    return id;
}

void HttpClientPool::startOn(HttpConnection *connection, quint64 id, const HttpRequest &request,
                             HttpResponseHandler *handler, bool reused)
{
    m_active.insert(id, connection);
    if (!m_tick.isActive())
        m_tick.start();
    connection->start(id, request, handler, reused);
}

void HttpClientPool::cancel(quint64 id)
{
    HttpConnection *connection = m_active.take(id);
    if (connection)
        connection->abort();
}

void HttpClientPool::setPaused(quint64 id, bool paused)
{
    if (HttpConnection *connection = m_active.value(id, nullptr))
        connection->setPaused(paused);
}

void HttpClientPool::connectionIdle(HttpConnection *connection)
{
    m_active.remove(connection->requestId());
    QList<HttpConnection *> &idle = m_idle[connection->key()];
    if (idle.size() >= m_maxIdlePerHost) {
        connection->abort(); // enough are kept for this upstream already
        return;
    }
    idle.append(connection);
    m_idleSince.insert(connection, nowMs());
    if (!m_idleSweep.isActive())
        m_idleSweep.start();
}

void HttpClientPool::connectionClosed(HttpConnection *connection)
{
    if (!m_all.removeOne(connection))
        return; // already closed
    m_active.remove(connection->requestId());
    auto idle = m_idle.find(connection->key());
    if (idle != m_idle.end())
        idle->removeOne(connection);
    m_idleSince.remove(connection);
    connection->deleteLater();
}

void HttpClientPool::retryOnFreshConnection(HttpConnection *stale, quint64 id, const HttpRequest &request,
                                            HttpResponseHandler *handler)
{
    stale->abort();
    auto *fresh = new HttpConnection(this, request.url);
    m_all.append(fresh);
    startOn(fresh, id, request, handler, false);
}

void HttpClientPool::checkDeadlines()
{
    if (m_active.isEmpty()) {
        m_tick.stop();
        return;
    }
    const qint64 now = nowMs();
    QList<HttpConnection *> due;
    for (HttpConnection *connection : std::as_const(m_active)) {
        if (connection->deadline() > 0 && now >= connection->deadline())
            due.append(connection);
    }
    for (HttpConnection *connection : due) {
        if (m_all.contains(connection))
            connection->deadlinePassed();
    }
}

int HttpClientPool::openConnections() const
{
    return int(m_all.size());
}

int HttpClientPool::idleConnections() const
{
    int count = 0;
    for (const auto &list : m_idle)
        count += int(list.size());
    return count;
}

} // namespace sb
