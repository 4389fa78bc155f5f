#pragma once

#include "OllamaTypes.h"

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb {

// One `POST /api/pull` with progress per layer and overall, speed and ETA. Pause aborts
// the request (Ollama keeps the partial blobs); resume posts again and Ollama continues
// where it stopped. A stream that ends without "success" is Interrupted, and resumable.
class OllamaPullJob final : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Succeeded, Failed, Interrupted, Cancelled };
    Q_ENUM(State)

    struct Layer
    {
        QString digest;
        qint64 total = 0;
        qint64 completed = 0;
    };

    OllamaPullJob(QNetworkAccessManager *network, const QUrl &baseUrl, const QString &model, QObject *parent = nullptr);
    ~OllamaPullJob() override;

    QString model() const;
    State state() const;
    bool isFinished() const; // Succeeded, Failed or Cancelled
    bool canResume() const;  // Paused or Interrupted (or Failed with a retryable error)
    QString status() const;  // Ollama's last status line ("pulling 1a2b3c4d5e6f", "verifying sha256 digest")
    QString error() const;
    QList<Layer> layers() const;
    qint64 completedBytes() const;
    qint64 totalBytes() const;     // grows as layers appear
    double fraction() const;       // 0..1, -1 while no size is known
    double bytesPerSecond() const; // over the last few seconds
    qint64 etaSeconds() const;     // -1 when unknown

    void start();
    void pause();
    void resume();
    void cancel();

    // The state machine's input, public so tests can feed NDJSON without a socket.
    void feed(const QByteArray &bytes);
    void streamEnded(bool networkError, const QString &networkErrorText);

Q_SIGNALS:
    void progressChanged();
    void statusChanged(const QString &status);
    void stateChanged(sb::OllamaPullJob::State state);
    void finished(sb::OllamaPullJob::State state);

private:
    void post();
    void handleLine(const QByteArray &line);
    void setState(State state);
    void sample();

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QString m_model;
    State m_state = State::Idle;
    QString m_status;
    QString m_error;
    QByteArray m_buffer;
    QMap<QString, Layer> m_layers;
    QStringList m_layerOrder;
    bool m_sawSuccess = false;
    bool m_sawError = false;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_clock;
    QList<QPair<qint64, qint64>> m_samples; // (ms, completed bytes)
};

} // namespace sb
