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
}

HttpClientPool::~HttpClientPool()
{
    m_tick.stop();
    const QList<HttpConnection *> all = m_all;
    m_all.clear();
    m_idle.clear();
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
    m_idle[connection->key()].append(connection);
}

void HttpClientPool::connectionClosed(HttpConnection *connection)
{
    if (!m_all.removeOne(connection))
        return; // already closed
    m_active.remove(connection->requestId());
    auto idle = m_idle.find(connection->key());
    if (idle != m_idle.end())
        idle->removeOne(connection);
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
