#pragma once

#include "FakeUpstream.h"

#include <QStringList>

namespace sb::test {

// Ollama's native API: POST /api/chat (NDJSON stream by default, one JSON object with
// "stream": false), GET /api/version, GET /api/tags, GET|HEAD / ("Ollama is running").
// Errors are {"error": "..."}; unknown paths get Go's plain-text "404 page not found".
// Thinking is sent unless the request says "think": false.
class FakeOllama final : public FakeUpstream
{
    Q_OBJECT
public:
    explicit FakeOllama(QObject *parent = nullptr);

    // Models listed by /api/tags. Once set, /api/chat answers 404 "model not found" for
    // any other model ("name" without a tag means "name:latest"). Default: two models,
    // and any model name is accepted.
    void setModels(const QStringList &models);
    QStringList models() const;
    void setVersion(const QString &version); // default "0.12.6"

    bool wantsStream(const RecordedRequest &request) const override;
    FakeReply errorReply(int status, const QString &message = {}) const override;

protected:
    QList<QByteArray> streamEvents(const RecordedRequest &request, const FakeTurn &turn) const override;
    QByteArray streamContentType() const override;
    FakeReply wholeReply(const RecordedRequest &request, const FakeTurn &turn) const override;
    QByteArray midStreamError(const QString &message) const override;
    bool rejectTurn(const RecordedRequest &request, FakeReply *reply) const override;

private:
    QByteArray line(const QString &model, const QByteArray &message) const;
    QByteArray finalFields(const FakeTurn &turn) const;
    FakeReply tags() const;

    QStringList m_models;
    bool m_strictModels = false;
    QString m_version = QStringLiteral("0.12.6");
};

} // namespace sb::test
