#include "FakeHttpServer.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace sb::test {

namespace {

constexpr qsizetype MaxHeadBytes = 64 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Overloaded";
    default: return "Status";
    }
}

QByteArray frameChunk(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return {}; // an empty chunk would end the body early
    return QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
}

bool hasHeaderIn(const FakeHeaders &headers, const QByteArray &name)
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray stripQuery(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

// Tests open a thousand sockets from one process (client and server ends): make sure the
// descriptor limit is not the thing that fails.
void raiseFileLimitOnce()
{
#ifdef Q_OS_UNIX
    static bool done = false;
    if (done)
        return;
    done = true;
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
#endif
}

} // namespace

// ---------------------------------------------------------------------------------------
// RecordedRequest, FakeReply

QByteArray RecordedRequest::pathWithoutQuery() const
{
    return stripQuery(path);
}

QJsonObject RecordedRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray RecordedRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool RecordedRequest::hasHeader(const QByteArray &name) const
{
    return hasHeaderIn(headers, name);
}

FakeReply FakeReply::json(int status, const QByteArray &body)
{
    FakeReply r;
    r.status = status;
    r.withHeader(QByteArray("Content-Type"), QByteArray("application/json"));
    r.chunks.append(qMakePair(0, body));
    return r;
}

FakeReply FakeReply::text(int status, const QByteArray &body, const QByteArray &contentType)
{
    FakeReply r;
    r.status = status;
    r.withHeader("Content-Type", contentType);
    r.chunks.append(qMakePair(0, body));
    return r;
}

FakeReply FakeReply::stream(const QByteArray &contentType, const QList<QByteArray> &chunks, int delayMs)
{
    FakeReply r;
    r.withHeader("Content-Type", contentType);
    r.chunkedEncoding = true;
    for (qsizetype i = 0; i < chunks.size(); ++i)
        r.chunks.append(qMakePair(i == 0 ? 0 : delayMs, chunks.at(i)));
    return r;
}

FakeReply FakeReply::endlessLine(const QByteArray &contentType, const QByteArray &prefix, qsizetype bytes)
{
    constexpr qsizetype kChunk = 64 * 1024;
    QList<QByteArray> chunks{prefix};
    for (qsizetype sent = 0; sent < bytes; sent += kChunk)
        chunks.append(QByteArray(qMin(kChunk, bytes - sent), 'x'));
    return stream(contentType, chunks);
}

FakeReply &FakeReply::withHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append({name, value});
    return *this;
}

QByteArray FakeReply::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QByteArray FakeReply::body() const
{
    QByteArray out;
    for (const auto &c : chunks)
        out += c.second;
    return out;
}

namespace {

QByteArray serializeHead(const FakeReply &reply)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
    for (const auto &h : reply.headers)
        head += h.first + ": " + h.second + "\r\n";
    if (reply.chunkedEncoding) {
        head += "Transfer-Encoding: chunked\r\n";
    } else {
        qsizetype length = 0;
        for (const auto &c : reply.chunks)
            length += c.second.size();
        head += "Content-Length: " + QByteArray::number(length) + "\r\n";
    }
    head += "\r\n";
    return head;
}

QByteArray serializeChunk(const FakeReply &reply, const QByteArray &bytes)
{
    return reply.chunkedEncoding ? frameChunk(bytes) : bytes;
}

} // namespace

QByteArray FakeReply::serialize(bool headRequest) const
{
    if (!raw.isEmpty())
        return raw;
    QByteArray out = serializeHead(*this);
    if (headRequest)
        return out;
    for (const auto &c : chunks)
        out += serializeChunk(*this, c.second);
    if (chunkedEncoding)
        out += "0\r\n\r\n";
    return out;
}

// ---------------------------------------------------------------------------------------
// One accepted TCP connection: parses requests in order and plays each reply.

class FakeHttpConnection final : public QObject
{
public:
    FakeHttpConnection(QTcpSocket *socket, int id, FakeHttpServer *server)
        : QObject(server), m_socket(socket), m_server(server), m_id(id)
    {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, &FakeHttpConnection::onReadyRead);
        connect(socket, &QTcpSocket::disconnected, this, &FakeHttpConnection::onDisconnected);
    }

    qint64 unsentBytes() const { return m_socket->bytesToWrite(); }

    // Our side closes (server shut down): not a client abort.
    void drop()
    {
        m_state = State::Closed;
        m_socket->abort();
        finishOff();
    }

private:
    enum class State { Reading, Responding, Closed };
    enum class BodyMode { None, Length, Chunked };

    void onReadyRead()
    {
        m_buffer += m_socket->readAll();
        if (m_state == State::Reading)
            processBuffer();
    }

    void processBuffer()
    {
        while (m_state == State::Reading && parseOne()) {
        }
    }

    // Returns true when a complete request was taken from the buffer and dispatched.
    bool parseOne()
    {
        if (!m_haveHead) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_buffer.size() > MaxHeadBytes)
                    badRequest();
                return false;
            }
            if (!parseHead(m_buffer.left(end))) {
                badRequest();
                return false;
            }
            m_buffer.remove(0, end + 4);
            m_haveHead = true;
            if (m_expectContinue && m_bodyMode != BodyMode::None &&
                (m_bodyMode == BodyMode::Chunked || m_buffer.size() < m_contentLength)) {
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }
        }
        if (!readBody())
            return false;
        m_haveHead = false;
        dispatch();
        return true;
    }

    bool parseHead(const QByteArray &head)
    {
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
            return false;
        m_request = RecordedRequest{};
        m_request.method = requestLine.at(0);
        m_request.path = requestLine.at(1);
        m_request.connectionId = m_id;
        m_http10 = requestLine.at(2) == "HTTP/1.0";
        m_bodyMode = BodyMode::None;
        m_contentLength = 0;
        m_expectContinue = false;
        m_closeAfter = m_http10;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray &line = lines.at(i);
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            QByteArray name = line.left(colon).trimmed();
            QByteArray value = line.mid(colon + 1).trimmed();
            if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
                bool ok = false;
                m_contentLength = value.toLongLong(&ok);
                if (!ok || m_contentLength < 0)
                    return false;
                if (m_bodyMode != BodyMode::Chunked)
                    m_bodyMode = m_contentLength > 0 ? BodyMode::Length : BodyMode::None;
            } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
                if (value.toLower().contains("chunked"))
                    m_bodyMode = BodyMode::Chunked;
            } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
                m_expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
            } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
                const QByteArray v = value.toLower();
                if (v.contains("close"))
                    m_closeAfter = true;
                else if (v.contains("keep-alive"))
                    m_closeAfter = false;
            }
            m_request.headers.append({std::move(name), std::move(value)});
        }
        m_chunkPhase = ChunkPhase::Size;
        return true;
    }

    // Moves body bytes from the buffer into the request; true when the body is complete.
    bool readBody()
    {
        switch (m_bodyMode) {
        case BodyMode::None: return true;
        case BodyMode::Length:
            if (m_buffer.size() < m_contentLength)
                return false;
            if (m_buffer.size() == m_contentLength) { // the usual case: no copy
                m_request.body = std::move(m_buffer);
                m_buffer = QByteArray();
            } else {
                m_request.body = m_buffer.left(m_contentLength);
                m_buffer.remove(0, m_contentLength);
            }
            return true;
        case BodyMode::Chunked: return readChunked();
        }
        return false;
    }

    enum class ChunkPhase { Size, Data, DataEnd, Trailers };

    bool readChunked()
    {
        for (;;) {
            switch (m_chunkPhase) {
            case ChunkPhase::Size: {
                const qsizetype eol = m_buffer.indexOf("\r\n");
                if (eol < 0)
                    return false;
                QByteArray sizeField = m_buffer.left(eol);
                const qsizetype semi = sizeField.indexOf(';');
                if (semi >= 0)
                    sizeField.truncate(semi);
                bool ok = false;
                m_chunkRemaining = sizeField.trimmed().toLongLong(&ok, 16);
                if (!ok || m_chunkRemaining < 0) {
                    badRequest();
                    return false;
                }
                m_buffer.remove(0, eol + 2);
                m_chunkPhase = m_chunkRemaining == 0 ? ChunkPhase::Trailers : ChunkPhase::Data;
                break;
            }
            case ChunkPhase::Data: {
                const qsizetype take = qMin<qsizetype>(m_chunkRemaining, m_buffer.size());
                m_request.body += m_buffer.left(take);
                m_buffer.remove(0, take);
                m_chunkRemaining -= take;
                if (m_chunkRemaining > 0)
                    return false;
                m_chunkPhase = ChunkPhase::DataEnd;
                break;
            }
            case ChunkPhase::DataEnd:
                if (m_buffer.size() < 2)
                    return false;
                m_buffer.remove(0, 2);
                m_chunkPhase = ChunkPhase::Size;
                break;
            case ChunkPhase::Trailers: {
                const qsizetype eol = m_buffer.indexOf("\r\n");
                if (eol < 0)
                    return false;
                m_buffer.remove(0, eol + 2);
                if (eol == 0)
                    return true; // the empty line after the last chunk (and any trailers)
                break;
            }
            }
        }
    }

    void badRequest()
    {
        m_state = State::Closed;
        m_socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        m_socket->disconnectFromHost();
    }

    void dispatch()
    {
        m_request.receivedAtMs = FakeHttpServer::monotonicMs();
        m_state = State::Responding;
        m_server->noteRequest(m_request);
        m_head = m_request.method == "HEAD";
        m_reply = m_server->dispatch(m_request);
        m_requestAtMs = m_request.receivedAtMs;
        m_method = m_request.method;
        m_path = m_request.path;
        m_request = RecordedRequest{};
        m_chunksSent = 0;
        m_headersSent = false;
        startReply();
    }

    void startReply()
    {
        if (m_state != State::Responding)
            return; // the handler closed the server (refuse() from inside a handler)
        if (m_reply.closeWithoutResponse) {
            m_state = State::Closed;
            m_socket->disconnectFromHost();
            return;
        }
        if (m_reply.hang)
            return; // stays Responding: a hang-up now counts as an abort
        if (!m_reply.raw.isEmpty() && m_reply.firstByteDelayMs <= 0) {
            m_socket->write(m_reply.raw);
            m_headersSent = true;
            finishReply();
            return;
        }
        if (m_reply.firstByteDelayMs > 0) {
            QTimer::singleShot(m_reply.firstByteDelayMs, this, [this] { sendHead(); });
            return;
        }
        sendHead();
    }

    bool hasDelays() const
    {
        for (const auto &c : m_reply.chunks) {
            if (c.first > 0)
                return true;
        }
        return false;
    }

    void sendHead()
    {
        if (m_state != State::Responding)
            return;
        if (!m_reply.raw.isEmpty()) {
            m_socket->write(m_reply.raw);
            m_headersSent = true;
            finishReply();
            return;
        }
        if (m_reply.cutAfterChunks < 0 && !hasDelays()) {
            // The common case: everything at once, one write.
            m_socket->write(m_reply.serialize(m_head));
            m_headersSent = true;
            m_chunksSent = int(m_reply.chunks.size());
            finishReply();
            return;
        }
        m_socket->write(serializeHead(m_reply));
        m_headersSent = true;
        if (m_head) {
            finishReply();
            return;
        }
        sendFrom(0);
    }

    void sendFrom(int index)
    {
        while (m_state == State::Responding) {
            if (m_reply.cutAfterChunks >= 0 && index >= m_reply.cutAfterChunks) {
                cut();
                return;
            }
            if (index >= m_reply.chunks.size()) {
                if (m_reply.chunkedEncoding)
                    m_socket->write("0\r\n\r\n");
                finishReply();
                return;
            }
            const int delay = m_reply.chunks.at(index).first;
            if (delay > 0 && index != m_delayedIndex) {
                m_delayedIndex = index;
                QTimer::singleShot(delay, this, [this, index] { sendFrom(index); });
                return;
            }
            m_socket->write(serializeChunk(m_reply, m_reply.chunks.at(index).second));
            m_socket->flush();
            ++m_chunksSent;
            ++index;
        }
    }

    // Close mid-body: the client sees the stream end without its terminating chunk.
    void cut()
    {
        m_state = State::Closed;
        m_socket->disconnectFromHost(); // after the bytes already written
    }

    void finishReply()
    {
        m_reply = FakeReply{};
        m_delayedIndex = -1;
        m_server->noteCompleted();
        if (m_closeAfter) {
            m_state = State::Closed;
            m_socket->disconnectFromHost();
            return;
        }
        m_state = State::Reading;
        if (!m_buffer.isEmpty())
            QTimer::singleShot(0, this, [this] { processBuffer(); });
    }

    void onDisconnected()
    {
        if (m_state == State::Responding) {
            AbortRecord record;
            record.method = m_method;
            record.path = m_path;
            record.requestAtMs = m_requestAtMs;
            record.seenAtMs = FakeHttpServer::monotonicMs();
            record.chunksSent = m_chunksSent;
            record.headersSent = m_headersSent;
            m_state = State::Closed;
            m_server->noteAbort(record);
        }
        m_state = State::Closed;
        finishOff();
    }

    void finishOff()
    {
        if (m_gone)
            return;
        m_gone = true;
        m_server->noteGone(this);
        deleteLater();
    }

    QTcpSocket *m_socket;
    FakeHttpServer *m_server;
    int m_id;
    State m_state = State::Reading;
    bool m_gone = false;
    QByteArray m_buffer;

    bool m_haveHead = false;
    RecordedRequest m_request;
    BodyMode m_bodyMode = BodyMode::None;
    qint64 m_contentLength = 0;
    ChunkPhase m_chunkPhase = ChunkPhase::Size;
    qint64 m_chunkRemaining = 0;
    bool m_expectContinue = false;
    bool m_http10 = false;
    bool m_closeAfter = false;

    FakeReply m_reply;
    bool m_head = false;
    QByteArray m_method;
    QByteArray m_path;
    qint64 m_requestAtMs = 0;
    int m_chunksSent = 0;
    int m_delayedIndex = -1;
    bool m_headersSent = false;
};

// ---------------------------------------------------------------------------------------
// FakeHttpServer

FakeHttpServer::FakeHttpServer(quint16 port, QObject *parent)
    : QObject(parent), m_tcp(new QTcpServer(this)), m_port(port)
{
    raiseFileLimitOnce();
    qRegisterMetaType<sb::test::RecordedRequest>();
    qRegisterMetaType<sb::test::AbortRecord>();
    m_tcp->setMaxPendingConnections(100000);
    m_tcp->setListenBacklogSize(4096);
    connect(m_tcp, &QTcpServer::newConnection, this, &FakeHttpServer::onNewConnection);
    m_fallback = [](const RecordedRequest &) {
        return FakeReply::text(404, "404 page not found");
    };
    listen();
}

FakeHttpServer::~FakeHttpServer()
{
    const auto connections = m_connections;
    for (FakeHttpConnection *c : connections)
        delete c;
}

bool FakeHttpServer::listen()
{
    if (m_tcp->isListening())
        return true;
    m_tcp->setListenBacklogSize(4096); // 1,000 connections at once must not lose SYNs
    if (!m_tcp->listen(QHostAddress::LocalHost, m_port))
        return false;
    m_port = m_tcp->serverPort();
    return true;
}

bool FakeHttpServer::listenOn(quint16 port)
{
    close();
    m_port = port;
    return listen();
}

bool FakeHttpServer::isListening() const
{
    return m_tcp->isListening();
}

quint16 FakeHttpServer::port() const
{
    return m_port;
}

QString FakeHttpServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

void FakeHttpServer::close()
{
    m_tcp->close();
    const auto connections = m_connections;
    for (FakeHttpConnection *c : connections)
        c->drop();
}

void FakeHttpServer::setHandler(const QByteArray &method, const QByteArray &path, Handler handler)
{
    m_handlers.insert(method.toUpper() + ' ' + path, std::move(handler));
}

void FakeHttpServer::removeHandler(const QByteArray &method, const QByteArray &path)
{
    m_handlers.remove(method.toUpper() + ' ' + path);
}

void FakeHttpServer::setFallbackHandler(Handler handler)
{
    m_fallback = std::move(handler);
}

void FakeHttpServer::enqueue(const QByteArray &path, const FakeReply &reply)
{
    m_queues[stripQuery(path)].append(reply);
}

int FakeHttpServer::queuedReplies(const QByteArray &path) const
{
    return int(m_queues.value(stripQuery(path)).size());
}

void FakeHttpServer::setRecording(bool on)
{
    m_recording = on;
}

QList<RecordedRequest> FakeHttpServer::requests() const
{
    return m_requests;
}

QList<RecordedRequest> FakeHttpServer::requests(const QByteArray &pathWithoutQuery) const
{
    QList<RecordedRequest> out;
    for (const auto &r : m_requests) {
        if (r.pathWithoutQuery() == pathWithoutQuery)
            out.append(r);
    }
    return out;
}

int FakeHttpServer::requestCount() const
{
    return m_requestCount;
}

void FakeHttpServer::clearRequests()
{
    m_requests.clear();
    m_requestCount = 0;
}

int FakeHttpServer::openConnections() const
{
    return int(m_connections.size());
}

qint64 FakeHttpServer::unsentBytes() const
{
    qint64 total = 0;
    for (const FakeHttpConnection *connection : m_connections)
        total += connection->unsentBytes();
    return total;
}

int FakeHttpServer::acceptedConnections() const
{
    return m_accepted;
}

int FakeHttpServer::completedResponses() const
{
    return m_completed;
}

int FakeHttpServer::abortedStreams() const
{
    return int(m_aborts.size());
}

QList<AbortRecord> FakeHttpServer::abortRecords() const
{
    return m_aborts;
}

qint64 FakeHttpServer::monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void FakeHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto *connection = new FakeHttpConnection(socket, m_nextConnectionId++, this);
        m_connections.insert(connection);
        ++m_accepted;
    }
}

FakeReply FakeHttpServer::dispatch(const RecordedRequest &request)
{
    const QByteArray path = request.pathWithoutQuery();
    auto queue = m_queues.find(path);
    if (queue != m_queues.end() && !queue->isEmpty())
        return queue->takeFirst();
    auto it = m_handlers.constFind(request.method + ' ' + path);
    if (it == m_handlers.constEnd() && request.method == "HEAD")
        it = m_handlers.constFind("GET " + path);
    if (it != m_handlers.constEnd())
        return (*it)(request);
    return m_fallback(request);
}

void FakeHttpServer::noteRequest(const RecordedRequest &request)
{
    ++m_requestCount;
    if (m_recording)
        m_requests.append(request);
    Q_EMIT requestReceived(request);
}

void FakeHttpServer::noteAbort(const AbortRecord &record)
{
    m_aborts.append(record);
    Q_EMIT streamAborted(record);
}

void FakeHttpServer::noteCompleted()
{
    ++m_completed;
}

void FakeHttpServer::noteGone(FakeHttpConnection *connection)
{
    m_connections.remove(connection);
}

} // namespace sb::test
