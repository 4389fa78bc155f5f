#include "OllamaPullJob.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace sb {

namespace {
constexpr qint64 kSpeedWindowMs = 3000;
}

OllamaPullJob::OllamaPullJob(QNetworkAccessManager *network, const QUrl &baseUrl, const QString &model, QObject *parent)
    : QObject(parent), m_network(network), m_baseUrl(baseUrl), m_model(model)
{
    m_clock.start();
}

OllamaPullJob::~OllamaPullJob()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

QString OllamaPullJob::model() const
{
    return m_model;
}
OllamaPullJob::State OllamaPullJob::state() const
{
    return m_state;
}
QString OllamaPullJob::status() const
{
    return m_status;
}
QString OllamaPullJob::error() const
{
    return m_error;
}

bool OllamaPullJob::isFinished() const
{
    return m_state == State::Succeeded || m_state == State::Failed || m_state == State::Cancelled;
}

bool OllamaPullJob::canResume() const
{
    return m_state == State::Paused || m_state == State::Interrupted || m_state == State::Failed;
}

QList<OllamaPullJob::Layer> OllamaPullJob::layers() const
{
    QList<Layer> result;
    for (const QString &digest : m_layerOrder)
        result.append(m_layers.value(digest));
    return result;
}

qint64 OllamaPullJob::completedBytes() const
{
    qint64 sum = 0;
    for (const Layer &layer : m_layers)
        sum += layer.completed;
    return sum;
}

qint64 OllamaPullJob::totalBytes() const
{
    qint64 sum = 0;
    for (const Layer &layer : m_layers)
        sum += layer.total;
    return sum;
}

double OllamaPullJob::fraction() const
{
    if (m_state == State::Succeeded)
        return 1.0;
    const qint64 total = totalBytes();
    return total > 0 ? double(completedBytes()) / double(total) : -1.0;
}

double OllamaPullJob::bytesPerSecond() const
{
    if (m_samples.size() < 2)
        return 0;
    const auto &first = m_samples.first();
    const auto &last = m_samples.last();
    const qint64 ms = last.first - first.first;
    return ms > 0 ? double(last.second - first.second) * 1000.0 / double(ms) : 0;
}

qint64 OllamaPullJob::etaSeconds() const
{
    const double speed = bytesPerSecond();
    const qint64 left = totalBytes() - completedBytes();
    if (speed <= 0 || left < 0)
        return -1;
    return qint64(double(left) / speed + 0.5);
}

void OllamaPullJob::start()
{
    if (m_state == State::Running)
        return;
    m_error.clear();
    m_sawSuccess = false;
    m_sawError = false;
    m_buffer.clear();
    m_samples.clear();
    setState(State::Running);
    post();
}

void OllamaPullJob::resume()
{
    if (canResume())
        start();
}

void OllamaPullJob::pause()
{
    if (m_state != State::Running)
        return;
    setState(State::Paused);
    if (m_reply)
        m_reply->abort();
}

void OllamaPullJob::cancel()
{
    if (isFinished())
        return;
    const bool wasRunning = m_state == State::Running;
    setState(State::Cancelled);
    if (wasRunning && m_reply)
        m_reply->abort();
    Q_EMIT finished(m_state);
}

void OllamaPullJob::post()
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QStringLiteral("/api/pull"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(0); // pulls take hours; a stall shows as zero speed
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("model"), m_model}, {QStringLiteral("stream"), true}})
            .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network->post(request, body);
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        if (reply != m_reply || m_state != State::Running)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200)
            return; // an error body is read whole in finished
        feed(reply->readAll());
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (reply != m_reply)
            return;
        m_reply = nullptr;
        if (m_state != State::Running)
            return; // paused or cancelled: the abort is ours
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 0 && status != 200) {
            m_error = ollama::errorMessage(status, reply->readAll());
            setState(State::Failed);
            Q_EMIT finished(m_state);
            return;
        }
        feed(reply->readAll());
        const bool networkError = reply->error() != QNetworkReply::NoError;
        QString text = reply->errorString();
        if (status == 0 && reply->error() == QNetworkReply::ConnectionRefusedError)
            text = QStringLiteral("Ollama at %1 refused the connection — is `ollama serve` running?")
                       .arg(m_baseUrl.toString());
        streamEnded(networkError, text);
    });
}

void OllamaPullJob::feed(const QByteArray &bytes)
{
    m_buffer.append(bytes);
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (!line.trimmed().isEmpty())
            handleLine(line);
    }
}

void OllamaPullJob::handleLine(const QByteArray &line)
{
    if (m_sawError || m_state != State::Running)
        return;
    const OllamaPullLine parsed = ollama::parsePullLine(line);
    if (!parsed.valid)
        return;
    if (!parsed.error.isEmpty()) {
        m_sawError = true;
        m_error = ollama::explainError(parsed.error);
        return;
    }
    if (!parsed.digest.isEmpty()) {
        Layer &layer = m_layers[parsed.digest];
        if (layer.digest.isEmpty()) {
            layer.digest = parsed.digest;
            m_layerOrder.append(parsed.digest);
        }
        if (parsed.total > 0)
            layer.total = parsed.total;
        layer.completed = std::max(layer.completed, parsed.completed);
        sample();
        Q_EMIT progressChanged();
    }
    if (parsed.status != m_status) {
        m_status = parsed.status;
        Q_EMIT statusChanged(m_status);
    }
    if (parsed.status == QLatin1String("success"))
        m_sawSuccess = true;
}

void OllamaPullJob::streamEnded(bool networkError, const QString &networkErrorText)
{
    if (m_state != State::Running)
        return;
    if (!m_buffer.trimmed().isEmpty()) {
        const QByteArray rest = m_buffer;
        m_buffer.clear();
        handleLine(rest);
    }
    if (m_sawError) {
        setState(State::Failed);
    } else if (m_sawSuccess) {
        for (Layer &layer : m_layers)
            layer.completed = layer.total;
        setState(State::Succeeded);
        Q_EMIT progressChanged();
    } else {
        m_error = networkError
                      ? networkErrorText
                      : QStringLiteral(
                            "the download stopped before Ollama reported success; resume continues where it left off");
        setState(State::Interrupted);
    }
    Q_EMIT finished(m_state);
}

void OllamaPullJob::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void OllamaPullJob::sample()
{
    const qint64 now = m_clock.elapsed();
    const qint64 done = completedBytes();
    if (!m_samples.isEmpty() && m_samples.last().first == now)
        m_samples.last().second = done;
    else
        m_samples.append({now, done});
    while (m_samples.size() > 2 && now - m_samples.first().first > kSpeedWindowMs)
        m_samples.removeFirst();
}

} // namespace sb
