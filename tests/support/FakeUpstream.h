#pragma once

#include "FakeHttpServer.h"
#include "FakeTurn.h"

#include <QObject>

#include <functional>

namespace sb::test {

// What the three dialect fakes share: a FakeHttpServer, a scripted turn answered on the
// dialect's chat endpoint (streaming or not, as the request asks), and one-shot failures.
//
// Failures apply to the next requests to the turn endpoint only (health probes and model
// lists are not affected), each counter consumed independently. failNext, hangNext and
// closeNextWithoutResponse replace the turn; slowFirstByte, cutNextStreamAfter and
// errorMidStreamNext shape a rendered turn and may be combined on one request.
class FakeUpstream : public QObject
{
    Q_OBJECT
public:
    using TurnHandler = std::function<FakeTurn(const RecordedRequest &)>;

    ~FakeUpstream() override;

    FakeHttpServer &server();
    const FakeHttpServer &server() const;
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:PORT"

    // --- the script ---
    void setTurn(const FakeTurn &turn); // answered whenever nothing else is queued
    FakeTurn turn() const;
    void enqueueTurn(const FakeTurn &turn);   // for the next turn request, then the default
    void setTurnHandler(TurnHandler handler); // consulted after the queue, before the default
    void setWireSplit(FakeWireSplit split);
    void setChunkDelay(int ms); // between streamed writes; 0 = all at once

    // --- failures ---
    // An error in the dialect's shape with this status. retryAfterSeconds >= 0 adds a
    // retry-after header.
    void failNext(int status, int count = 1, int retryAfterSeconds = -1, const QString &message = {});
    // Stream `afterEvents` events, then the dialect's in-stream error, then end the body.
    // A non-streaming request gets errorReply(500) instead.
    void errorMidStreamNext(int afterEvents = 1, const QString &message = {});
    void cutNextStreamAfter(int chunks);       // body writes, then the socket closes
    void slowFirstByte(int ms, int count = 1); // count -1: until reset with ms 0
    void hangNext(int count = 1);
    void closeNextWithoutResponse(int count = 1);
    void refuse();  // stop listening, drop connections: the next connect is refused
    bool restart(); // listen again on the same port

    // Extra endpoints (another file can add /api/pull, /api/show, ... this way).
    void addRoute(const QByteArray &method, const QByteArray &path, FakeHttpServer::Handler handler);

    QByteArray turnPath() const;
    QList<RecordedRequest> turnRequests() const; // requests to the turn endpoint
    int turnCount() const;                       // counted even with recording off

    // --- rendering, public so the benchmark server can precompute its replies ---
    virtual bool wantsStream(const RecordedRequest &request) const;
    FakeReply renderTurn(const RecordedRequest &request, const FakeTurn &turn) const;
    virtual FakeReply errorReply(int status, const QString &message = {}) const = 0;

protected:
    FakeUpstream(const QByteArray &turnPath, QObject *parent);

    virtual QList<QByteArray> streamEvents(const RecordedRequest &request, const FakeTurn &turn) const = 0;
    virtual QByteArray streamContentType() const = 0;
    virtual FakeReply wholeReply(const RecordedRequest &request, const FakeTurn &turn) const = 0;
    virtual QByteArray midStreamError(const QString &message) const = 0;
    // Auth or model checks before the turn; return true with *reply set to answer instead.
    virtual bool rejectTurn(const RecordedRequest &request, FakeReply *reply) const;

    int nextSerial() const; // 1, 2, 3, ... for ids

private:
    FakeReply handleTurn(const RecordedRequest &request);
    FakeTurn pickTurn(const RecordedRequest &request);

    FakeHttpServer *m_server;
    QByteArray m_turnPath;
    FakeTurn m_turn;
    QList<FakeTurn> m_turnQueue;
    TurnHandler m_turnHandler;
    FakeWireSplit m_split = FakeWireSplit::PerEvent;
    int m_chunkDelayMs = 0;
    int m_turnCount = 0;
    mutable int m_serial = 0;

    struct Failure
    {
        int status;
        int retryAfter;
        QString message;
    };
    QList<Failure> m_failures;
    int m_hangCount = 0;
    int m_closeCount = 0;
    int m_cutAfter = -1;
    int m_slowMs = 0;
    int m_slowCount = 0;
    int m_midStreamAfter = -1;
    QString m_midStreamMessage;
};

} // namespace sb::test
