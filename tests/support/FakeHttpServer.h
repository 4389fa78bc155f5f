#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QSet>
#include <QString>

#include <functional>

class QTcpServer;

namespace sb::test {

class FakeHttpConnection;

using FakeHeaders = QList<QPair<QByteArray, QByteArray>>;

// One request as the fake server received it, body already de-chunked.
struct RecordedRequest
{
    QByteArray method;
    QByteArray path;     // the request target as sent, query string included
    FakeHeaders headers; // in arrival order, names as sent
    QByteArray body;
    int connectionId = 0;    // which TCP connection carried it: keep-alive reuse is visible
    qint64 receivedAtMs = 0; // FakeHttpServer::monotonicMs() when the request was complete

    QByteArray pathWithoutQuery() const;
    QJsonObject json() const;                        // the body parsed; empty when not an object
    QByteArray header(const QByteArray &name) const; // case-insensitive; empty when absent
    bool hasHeader(const QByteArray &name) const;
};

// What the fake answers. Body chunks are written one by one, each after its delay, so a
// test controls exactly how a stream arrives.
struct FakeReply
{
    int status = 200;
    FakeHeaders headers;
    QList<QPair<int, QByteArray>> chunks; // (delay in ms before the chunk, bytes)
    bool chunkedEncoding = false;         // false: Content-Length of the whole body
    int firstByteDelayMs = 0;             // delay before the status line
    int cutAfterChunks = -1;              // >= 0: send that many chunks, then close abruptly
    bool hang = false;                    // never answer; keep the connection open
    bool closeWithoutResponse = false;    // close the connection, no status line
    QByteArray raw;                       // non-empty: written verbatim instead of the above

    static FakeReply json(int status, const QByteArray &body);
    static FakeReply text(int status, const QByteArray &body,
                          const QByteArray &contentType = "text/plain; charset=utf-8");
    // A body split into chunks written `delayMs` apart, Transfer-Encoding: chunked.
    static FakeReply stream(const QByteArray &contentType, const QList<QByteArray> &chunks, int delayMs = 0);
    // A stream whose body is `prefix` then `bytes` of 'x' that never reach a line break, in
    // 64 KiB chunks: an upstream stuck inside one SSE/NDJSON line.
    static FakeReply endlessLine(const QByteArray &contentType, const QByteArray &prefix, qsizetype bytes);

    FakeReply &withHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(const QByteArray &name) const;
    QByteArray body() const; // all chunks joined

    // The exact bytes this reply puts on the wire when written in one go (ignores delays,
    // cuts, hang): status line, headers, framed body. `headRequest` omits the body.
    QByteArray serialize(bool headRequest = false) const;
};

// Recorded when a client hung up while a response was pending (delayed, hanging, or
// streaming). Times are FakeHttpServer::monotonicMs().
struct AbortRecord
{
    QByteArray method;
    QByteArray path;
    qint64 requestAtMs = 0; // the request was complete
    qint64 seenAtMs = 0;    // the fake saw the hang-up
    int chunksSent = 0;     // body chunks already written
    bool headersSent = false;
};

// A small HTTP/1.1 server on raw sockets: keep-alive, pipelining, Content-Length and chunked
// request bodies, Expect: 100-continue, and replies that can be delayed, cut, or never sent.
// Lives in the thread that creates it.
class FakeHttpServer final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<FakeReply(const RecordedRequest &)>;

    // Listens at once on 127.0.0.1:port (0 picks a free port). Check isListening().
    explicit FakeHttpServer(quint16 port = 0, QObject *parent = nullptr);
    ~FakeHttpServer() override;

    bool isListening() const;
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:PORT"

    // Stops listening (the next connect is refused) and drops every open connection.
    void close();
    // Listens again on the same port after close().
    bool listen();
    // Moves to another port (0: any free one); false when it is taken.
    bool listenOn(quint16 port);

    // Routes. The path is matched without its query string; HEAD falls back to GET with the
    // body left out. A queued reply for the path wins over the handler.
    void setHandler(const QByteArray &method, const QByteArray &path, Handler handler);
    void removeHandler(const QByteArray &method, const QByteArray &path);
    void setFallbackHandler(Handler handler); // unknown paths; default: plain 404
    void enqueue(const QByteArray &path, const FakeReply &reply);
    int queuedReplies(const QByteArray &path) const;

    // Recording is on by default; the benchmark server turns it off.
    void setRecording(bool on);
    QList<RecordedRequest> requests() const;
    QList<RecordedRequest> requests(const QByteArray &pathWithoutQuery) const;
    int requestCount() const; // counts every request, recorded or not
    void clearRequests();

    int openConnections() const;
    // Bytes written by the fake but not yet taken by the kernel: grows when the peer stops
    // reading (backpressure).
    qint64 unsentBytes() const;
    int acceptedConnections() const;
    int completedResponses() const;
    int abortedStreams() const;
    QList<AbortRecord> abortRecords() const;

    // Milliseconds of a steady clock shared with the records above, for latency asserts.
    static qint64 monotonicMs();

Q_SIGNALS:
    void requestReceived(const sb::test::RecordedRequest &request);
    void streamAborted(const sb::test::AbortRecord &record);

private:
    friend class FakeHttpConnection;

    void onNewConnection();
    FakeReply dispatch(const RecordedRequest &request);
    void noteRequest(const RecordedRequest &request);
    void noteAbort(const AbortRecord &record);
    void noteCompleted();
    void noteGone(FakeHttpConnection *connection);

    QTcpServer *m_tcp = nullptr;
    quint16 m_port = 0;
    QHash<QByteArray, Handler> m_handlers; // "METHOD path"
    Handler m_fallback;
    QHash<QByteArray, QList<FakeReply>> m_queues;
    bool m_recording = true;
    QList<RecordedRequest> m_requests;
    int m_requestCount = 0;
    QSet<FakeHttpConnection *> m_connections;
    int m_accepted = 0;
    int m_completed = 0;
    QList<AbortRecord> m_aborts;
    int m_nextConnectionId = 1;
};

} // namespace sb::test

Q_DECLARE_METATYPE(sb::test::RecordedRequest)
Q_DECLARE_METATYPE(sb::test::AbortRecord)
