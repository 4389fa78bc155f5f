#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QSocketNotifier;
class QTimer;
struct redisAsyncContext;

namespace sb {

// Redis through hiredis's async API, driven by the Qt event loop (QSocketNotifiers on the
// hiredis fd — a small adapter of our own, hiredis 0.14 ships none for Qt 6). Nothing blocks:
// while Redis is unreachable lookups answer `failed` at once and stores are dropped; one
// warning is logged per outage and the backend reconnects by itself with an exponential
// backoff. Keys are `<namespace>:<key>`; values are written with SET ... EX ttl.
class RedisCacheBackend final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        int port = 6379;
        QString keyNamespace = QStringLiteral("switchboard");
        int connectTimeoutMs = 2000;
        int commandTimeoutMs = 1000; // a command unanswered this long counts as failed
        int minBackoffMs = 250;
        int maxBackoffMs = 30000;
    };

    struct LookupResult
    {
        std::optional<QByteArray> value;
        bool failed = false; // Redis down, timed out or answered an error
    };
    using LookupCallback = std::function<void(const LookupResult &)>;
    using StoreCallback = std::function<void(bool stored)>;

    explicit RedisCacheBackend(Options options, QObject *parent = nullptr);
    ~RedisCacheBackend() override;

    // Starts connecting; the constructor does not, so the owner can connect signals first.
    void start();
    bool isConnected() const;
    QString fullKey(const QString &key) const;

    // Callbacks run later on this thread, never inside the call. Pending callbacks are
    // dropped unanswered when the backend is destroyed.
    void get(const QString &key, LookupCallback callback);
    void set(const QString &key, const QByteArray &value, int ttlSeconds, StoreCallback callback = {});

Q_SIGNALS:
    void connectedChanged(bool connected);

private:
    struct Pending
    {
        LookupCallback lookup;
        StoreCallback store;
        qint64 deadlineMs = 0;
    };

    // hiredis callbacks (C linkage style, static trampolines).
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void addRead(void *data);
    static void delRead(void *data);
    static void addWrite(void *data);
    static void delWrite(void *data);
    static void cleanup(void *data);

    void connectNow();
    void handleConnected();
    void handleAnswered();
    void handleLost(const QString &reason);
    void scheduleReconnect();
    void dropContext();
    void checkDeadlines();
    void finish(quint64 id, const LookupResult &result, bool stored);
    bool sendCommand(quint64 id, const QByteArray &command, const QByteArray &key, const QByteArray *value,
                     int ttlSeconds);
    void deferLookup(LookupCallback callback, const LookupResult &result);
    void deferStore(StoreCallback callback, bool stored);

    Options m_options;
    redisAsyncContext *m_context = nullptr;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_connectTimer = nullptr;
    QTimer *m_deadlineTimer = nullptr;
    bool m_connected = false;
    bool m_warned = false;
    bool m_started = false;
    int m_backoffMs = 0;
    quint64 m_nextId = 1;
    QHash<quint64, Pending> m_pending;
    QElapsedTimer m_clock;
};

} // namespace sb
