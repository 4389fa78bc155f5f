#include "OllamaErrorCodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace sb {

ApiError OllamaErrorCodec::decode(int httpStatus, const QByteArray &body)
{
    QString message;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject())
        message = document.object().value(QLatin1String("error")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(body.trimmed()).left(1000);
    if (message.isEmpty())
        message = QStringLiteral("Ollama answered HTTP %1 with an empty body").arg(httpStatus);

    // "model 'x' not found" / "model \"x\" not found, try pulling it first"
    static const QRegularExpression notFound(QStringLiteral("model ['\"]([^'\"]+)['\"] not found"));
    const QRegularExpressionMatch match = notFound.match(message);
    if (match.hasMatch()) {
        if (!message.contains(QLatin1String("pull")))
            message += QStringLiteral(" — run `ollama pull %1`").arg(match.captured(1));
        return ApiError::notFound(message);
    }
    ApiError error = ApiError::upstream(httpStatus, message);
    error.contextOverflow = ApiError::parseContextOverflow(message);
    return error;
}

} // namespace sb
