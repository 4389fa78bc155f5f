#pragma once

#include "FakeUpstream.h"

#include <QStringList>

namespace sb::test {

// An OpenAI-compatible server (OpenAI, vLLM, LM Studio, llama.cpp): POST /v1/chat/completions
// (SSE chat.completion.chunk events ending in "data: [DONE]", or one chat.completion object)
// and GET /v1/models. Errors are {"error":{"message","type","param","code"}}.
class FakeOpenAi final : public FakeUpstream
{
    Q_OBJECT
public:
    explicit FakeOpenAi(QObject *parent = nullptr);

    QString apiBase() const; // "http://127.0.0.1:PORT/v1", as configs want it

    // When set, requests must carry "Authorization: Bearer <key>" (401 otherwise).
    void setApiKey(const QString &key);
    // Thinking as "<think>…</think>" at the start of content instead of reasoning_content.
    void setThinkingInContent(bool on);
    void setModels(const QStringList &models); // listed by /v1/models

    FakeReply errorReply(int status, const QString &message = {}) const override;

protected:
    QList<QByteArray> streamEvents(const RecordedRequest &request, const FakeTurn &turn) const override;
    QByteArray streamContentType() const override;
    FakeReply wholeReply(const RecordedRequest &request, const FakeTurn &turn) const override;
    QByteArray midStreamError(const QString &message) const override;
    bool rejectTurn(const RecordedRequest &request, FakeReply *reply) const override;

private:
    QByteArray errorBody(int status, const QString &message) const;

    QString m_apiKey;
    bool m_thinkInContent = false;
    QStringList m_models;
};

} // namespace sb::test
