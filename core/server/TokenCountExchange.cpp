#include "TokenCountExchange.h"

namespace sb {

TokenCountExchange::TokenCountExchange(HttpClientPool *pool, TokenCountApi api, const TokenCountRequest &request,
                                       Callback callback, QObject *parent)
    : QObject(parent), m_pool(pool), m_api(api), m_callback(std::move(callback))
{
    HttpRequest http;
    http.method = QByteArrayLiteral("POST");
    http.url = request.url;
    http.headers = request.headers;
    http.body = request.body;
    http.connectTimeoutMs = 2000;
    http.totalTimeoutMs = 10000; // a count that takes longer is not worth waiting for
    m_id = m_pool->send(http, this);
}

TokenCountExchange::~TokenCountExchange()
{
    if (!m_done && m_id)
        m_pool->cancel(m_id);
}

void TokenCountExchange::httpResponseHead(int status, const HttpHeaders &)
{
    m_status = status;
}

void TokenCountExchange::httpResponseBody(const char *data, qsizetype size)
{
    if (m_body.size() < 1024 * 1024)
        m_body.append(data, size);
}

void TokenCountExchange::httpResponseEnd()
{
    m_id = 0;
    if (m_status != 200) {
        finish(std::nullopt);
        return;
    }
    const Expected<qint64, QString> tokens = UpstreamTokenCounter::parseResponse(m_api, m_body);
    finish(tokens.hasValue() ? std::optional<qint64>(*tokens) : std::nullopt);
}

void TokenCountExchange::httpFailed(const HttpFailure &)
{
    m_id = 0;
    finish(std::nullopt);
}

void TokenCountExchange::finish(std::optional<qint64> tokens)
{
    if (m_done)
        return;
    m_done = true;
    m_callback(tokens);
    deleteLater();
}

} // namespace sb
