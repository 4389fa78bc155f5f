#include "TokenEstimator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cmath>

namespace sb {

namespace {

// Keys whose string values are structure, not text the model reads.
bool isStructuralKey(const QString &key)
{
    static const QStringList keys = {
        QStringLiteral("type"),        QStringLiteral("role"),         QStringLiteral("id"),
        QStringLiteral("tool_use_id"), QStringLiteral("tool_call_id"), QStringLiteral("model"),
        QStringLiteral("media_type"),  QStringLiteral("data"),         QStringLiteral("cache_control"),
        QStringLiteral("signature"),   QStringLiteral("url")};
    return keys.contains(key);
}

qint64 utf8Bytes(const QString &text)
{
    // UTF-8 length without building the bytes.
    qint64 bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c < 0x80)
            bytes += 1;
        else if (c < 0x800)
            bytes += 2;
        else if (QChar::isHighSurrogate(c) && i + 1 < text.size() && QChar::isLowSurrogate(text.at(i + 1).unicode())) {
            bytes += 4;
            ++i;
        } else
            bytes += 3;
    }
    return bytes;
}

// Tool inputs and schemas are read as JSON: their keys count as text too.
qint64 valueBytes(const QJsonValue &value, bool keysAreText)
{
    switch (value.type()) {
    case QJsonValue::String: return utf8Bytes(value.toString());
    case QJsonValue::Double: return keysAreText ? utf8Bytes(QString::number(value.toDouble())) : 0;
    case QJsonValue::Array: {
        qint64 bytes = 0;
        for (const QJsonValue &item : value.toArray())
            bytes += valueBytes(item, keysAreText);
        return bytes;
    }
    case QJsonValue::Object: {
        qint64 bytes = 0;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString &key = it.key();
            if (keysAreText) {
                bytes += utf8Bytes(key) + valueBytes(it.value(), true);
                continue;
            }
            if (isStructuralKey(key))
                continue;
            const bool json = key == QLatin1String("input") || key == QLatin1String("input_schema") ||
                              key == QLatin1String("parameters") || key == QLatin1String("arguments");
            bytes += valueBytes(it.value(), json);
        }
        return bytes;
    }
    default: return 0;
    }
}

} // namespace

TokenEstimator::TokenEstimator(double smoothing) : m_smoothing(qBound(0.01, smoothing, 1.0)) {}

qint64 TokenEstimator::textBytes(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return body.size();
    return textBytes(document.object());
}

qint64 TokenEstimator::textBytes(const QJsonObject &object)
{
    qint64 bytes = 0;
    for (const char *key : {"system", "messages", "tools", "prompt"}) {
        const auto it = object.constFind(QLatin1String(key));
        if (it != object.constEnd())
            bytes += valueBytes(it.value(), false);
    }
    return bytes;
}

qint64 TokenEstimator::estimate(const QString &deploymentId, const QByteArray &body) const
{
    return estimateFromTextBytes(deploymentId, textBytes(body));
}

qint64 TokenEstimator::estimateFromTextBytes(const QString &deploymentId, qint64 textBytes) const
{
    if (textBytes <= 0)
        return 0;
    return qMax<qint64>(1, qint64(std::llround(double(textBytes) * tokensPerByte(deploymentId))));
}

void TokenEstimator::observe(const QString &deploymentId, qint64 textBytes, qint64 reportedPromptTokens)
{
    if (textBytes < kMinSampleBytes || reportedPromptTokens <= 0)
        return;
    Calibration &calibration = m_calibrations[deploymentId];
    ++calibration.observations;
    // The plain mean while it has fewer samples than the smoothing window, so the first
    // reports replace the generic starting rate quickly; then a moving average that follows
    // a deployment whose prompts change in kind.
    const double weight = qMax(m_smoothing, 1.0 / calibration.observations);
    const double observed =
        qBound(kMinTokensPerByte, double(reportedPromptTokens) / double(textBytes), kMaxTokensPerByte);
    calibration.tokensPerByte += weight * (observed - calibration.tokensPerByte);
}

double TokenEstimator::tokensPerByte(const QString &deploymentId) const
{
    const auto it = m_calibrations.constFind(deploymentId);
    return it == m_calibrations.constEnd() ? kInitialTokensPerByte : it->tokensPerByte;
}

int TokenEstimator::observationCount(const QString &deploymentId) const
{
    const auto it = m_calibrations.constFind(deploymentId);
    return it == m_calibrations.constEnd() ? 0 : it->observations;
}

} // namespace sb
