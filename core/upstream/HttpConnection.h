#pragma once

#include "HttpClientPool.h"
#include "HttpResponseParser.h"

#include <QAbstractSocket>
#include <QPointer>

class QTcpSocket;

namespace sb {

// One keep-alive connection of the pool: writes a request, feeds the response's bytes to an
// HttpResponseParser and hands what it finds to the handler, the body without copying. One
// request at a time.
class HttpConnection final : public QObject, private HttpResponseParser::Sink
{
    Q_OBJECT
public:
    HttpConnection(HttpClientPool *pool, const QUrl &url);
    ~HttpConnection() override;

    static QString keyFor(const QUrl &url);
    const QString &key() const { return m_key; }

    void start(quint64 id, const HttpRequest &request, HttpResponseHandler *handler, bool reused);
    void abort(); // closes the socket; the handler is not called again
    void setPaused(bool paused);
    bool isBusy() const { return m_handler != nullptr; }
    quint64 requestId() const { return m_id; }
    qint64 deadline() const { return m_deadline; }
    void deadlinePassed();

private:
    bool responseHead(int status, const HttpHeaders &headers) override;
    bool responseBody(const char *data, qsizetype size) override;
    void responseEnd() override;
    void responseError(const QString &detail) override;

    void connectSocket();
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onError(QAbstractSocket::SocketError error);
    void writeRequest();
    void finishResponse();
    void fail(HttpFailure::Kind kind, const QString &detail);
    void armDeadline();
    void close();

    HttpClientPool *m_pool;
    QString m_key;
    QUrl m_url;
    QTcpSocket *m_socket = nullptr;
    bool m_connected = false;
    bool m_triedIpv6 = false;
    bool m_paused = false;

    quint64 m_id = 0;
    HttpRequest m_request;
    HttpResponseHandler *m_handler = nullptr;
    bool m_reused = false;
    bool m_gotBytes = false;
    HttpResponseParser m_parser;
    qint64 m_startedMs = 0;
    qint64 m_lastByteMs = 0;
    qint64 m_deadline = 0; // 0: none
};

} // namespace sb
