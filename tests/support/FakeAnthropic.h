#pragma once

#include "FakeUpstream.h"

namespace sb::test {

// The Anthropic Messages API: POST /v1/messages (SSE: message_start, ping, per block
// content_block_start / _delta / _stop, message_delta, message_stop; or one message
// object), POST /v1/messages/count_tokens, GET /v1/models. Errors are
// {"type":"error","error":{"type","message"},"request_id"}; in a stream, "event: error".
class FakeAnthropic final : public FakeUpstream
{
    Q_OBJECT
public:
    explicit FakeAnthropic(QObject *parent = nullptr);

    // When set, requests must carry "x-api-key: <key>" (401 authentication_error otherwise).
    void setApiKey(const QString &key);
    // A ping event between content blocks too, not only after message_start.
    void setPingBetweenBlocks(bool on);
    // count_tokens answers this; -1 (default): a quarter of the request body size.
    void setCountTokens(int tokens);
    QString signature() const; // the signature_delta every thinking block ends with

    FakeReply errorReply(int status, const QString &message = {}) const override;
    static QByteArray errorType(int status);

protected:
    QList<QByteArray> streamEvents(const RecordedRequest &request, const FakeTurn &turn) const override;
    QByteArray streamContentType() const override;
    FakeReply wholeReply(const RecordedRequest &request, const FakeTurn &turn) const override;
    QByteArray midStreamError(const QString &message) const override;
    bool rejectTurn(const RecordedRequest &request, FakeReply *reply) const override;

private:
    QByteArray errorBody(int status, const QString &message, bool withRequestId) const;

    QString m_apiKey;
    bool m_pingBetweenBlocks = false;
    int m_countTokens = -1;
};

} // namespace sb::test
