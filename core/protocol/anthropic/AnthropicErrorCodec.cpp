#include "AnthropicErrorCodec.h"

#include "protocol/JsonStringWriter.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sb {

namespace {
// Long enough for any real error message, short enough to keep an HTML page out of a log line.
constexpr qsizetype kMaxPlainMessage = 1000;

QString plainMessage(int httpStatus, const QByteArray &body)
{
    const QString text = QString::fromUtf8(body.trimmed()).left(kMaxPlainMessage);
    if (text.isEmpty())
        return QStringLiteral("upstream answered HTTP %1 with an empty body").arg(httpStatus);
    return text;
}

ApiError decodeBody(int httpStatus, const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue errorValue = object.value(QLatin1String("error"));
        if (errorValue.isObject()) {
            const QJsonObject error = errorValue.toObject();
            const QString message = error.value(QLatin1String("message")).toString();
            const QString type = error.value(QLatin1String("type")).toString();
            ApiError result =
                ApiError::upstream(httpStatus, message.isEmpty() ? plainMessage(httpStatus, body) : message);
            if (!type.isEmpty())
                result.type = type;
            return result;
        }
        if (errorValue.isString())
            return ApiError::upstream(httpStatus, errorValue.toString());
        const QString message = object.value(QLatin1String("message")).toString();
        if (!message.isEmpty())
            return ApiError::upstream(httpStatus, message);
    }
    return ApiError::upstream(httpStatus, plainMessage(httpStatus, body));
}
} // namespace

QByteArray AnthropicErrorCodec::encode(const ApiError &error, const QString &requestId)
{
    QByteArray out;
    out.reserve(96 + error.message.size() + requestId.size());
    out.append(R"({"type":"error","error":{"type":)");
    JsonStringWriter::append(out, error.type);
    out.append(R"(,"message":)");
    JsonStringWriter::append(out, error.message);
    out.append("}");
    if (!requestId.isEmpty()) {
        out.append(R"(,"request_id":)");
        JsonStringWriter::append(out, requestId);
    }
    out.append("}");
    return out;
}

ApiError AnthropicErrorCodec::decode(int httpStatus, const QByteArray &body)
{
    ApiError error = decodeBody(httpStatus, body);
    error.contextOverflow = ApiError::parseContextOverflow(error.message);
    return error;
}

} // namespace sb
