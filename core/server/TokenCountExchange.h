#pragma once

#include "upstream/HttpClientPool.h"
#include "upstream/UpstreamTokenCounter.h"

#include <QObject>

#include <functional>
#include <optional>

namespace sb {

// One exact token count asked of an upstream that can count (Anthropic's count_tokens,
// vLLM's and llama.cpp's /tokenize). Reports the count, or nothing when the upstream could
// not answer, so the caller falls back to its estimate. Deletes itself when done.
class TokenCountExchange final : public QObject, public HttpResponseHandler
{
    Q_OBJECT
public:
    using Callback = std::function<void(std::optional<qint64> tokens)>;
    TokenCountExchange(HttpClientPool *pool, TokenCountApi api, const TokenCountRequest &request, Callback callback,
                       QObject *parent = nullptr);
    ~TokenCountExchange() override;

    void httpResponseHead(int status, const HttpHeaders &headers) override;
    void httpResponseBody(const char *data, qsizetype size) override;
    void httpResponseEnd() override;
    void httpFailed(const HttpFailure &failure) override;

private:
    void finish(std::optional<qint64> tokens);

    HttpClientPool *m_pool;
    TokenCountApi m_api;
    Callback m_callback;
    quint64 m_id = 0;
    int m_status = 0;
    QByteArray m_body;
    bool m_done = false;
};

} // namespace sb
