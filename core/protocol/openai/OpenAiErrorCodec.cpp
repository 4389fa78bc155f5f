#include "OpenAiErrorCodec.h"

#include "protocol/JsonStringWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <iterator>

namespace sb {

namespace {
constexpr qsizetype kMaxPlainMessage = 1000;

struct TypeNames
{
    const char *canonical;
    const char *type;
    const char *code; // nullptr: JSON null
};
constexpr TypeNames kNames[] = {
    {"invalid_request_error", "invalid_request_error", nullptr},
    {"authentication_error", "authentication_error", "invalid_api_key"},
    {"permission_error", "permission_error", "insufficient_permissions"},
    {"not_found_error", "not_found_error", "model_not_found"},
    {"request_too_large", "invalid_request_error", "request_too_large"},
    {"rate_limit_error", "rate_limit_exceeded", "rate_limit_exceeded"},
    {"overloaded_error", "server_error", "overloaded"},
    {"timeout_error", "timeout_error", "timeout"},
    {"api_error", "server_error", nullptr},
};

const TypeNames &namesFor(const QString &canonicalType)
{
    for (const TypeNames &names : kNames) {
        if (canonicalType == QLatin1String(names.canonical))
            return names;
    }
    return kNames[std::size(kNames) - 1];
}

QString messageOf(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isObject() || value.isArray())
        return QString::fromUtf8(value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                                                  : QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return {};
}
} // namespace

QString OpenAiErrorCodec::openAiType(const QString &canonicalType)
{
    return QLatin1String(namesFor(canonicalType).type);
}

QString OpenAiErrorCodec::openAiCode(const QString &canonicalType)
{
    const char *code = namesFor(canonicalType).code;
    return code ? QString(QLatin1String(code)) : QString();
}

QByteArray OpenAiErrorCodec::encode(const ApiError &error)
{
    const TypeNames &names = namesFor(error.type);
    QString message = error.message;
    const char *param = nullptr;
    const char *code = names.code;
    if (error.contextOverflow) {
        // OpenAI's own answer to an over-long prompt, which its clients recognise.
        const ContextOverflow &overflow = *error.contextOverflow;
        if (overflow.promptTokens >= 0 && overflow.contextLimit >= 0)
            message = QStringLiteral("This model's maximum context length is %1 tokens. However, your messages "
                                     "resulted in %2 tokens. Please reduce the length of the messages.")
                          .arg(overflow.contextLimit)
                          .arg(overflow.promptTokens);
        param = "messages";
        code = "context_length_exceeded";
    }
    QByteArray out;
    out.reserve(96 + message.size());
    out.append(R"({"error":{"message":)");
    JsonStringWriter::append(out, message);
    out.append(R"(,"type":")");
    out.append(names.type);
    const auto appendNullable = [&out](const char *value) {
        if (!value) {
            out.append("null");
            return;
        }
        out.append('"');
        out.append(value);
        out.append('"');
    };
    out.append(R"(","param":)");
    appendNullable(param);
    out.append(R"(,"code":)");
    appendNullable(code);
    out.append("}}");
    return out;
}

ApiError OpenAiErrorCodec::decode(int httpStatus, const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue error = object.value(QLatin1String("error"));
        QString message;
        if (error.isObject())
            message = error.toObject().value(QLatin1String("message")).toString();
        else if (error.isString())
            message = error.toString();
        if (message.isEmpty())
            message = object.value(QLatin1String("message")).toString(); // vLLM
        if (message.isEmpty())
            message = messageOf(object.value(QLatin1String("detail"))); // FastAPI servers
        if (!message.isEmpty()) {
            ApiError result = ApiError::upstream(httpStatus, message);
            result.contextOverflow = ApiError::parseContextOverflow(message);
            const QJsonObject details = error.toObject();
            const QString code = details.value(QLatin1String("code")).toString();
            const QString type = details.value(QLatin1String("type")).toString();
            if (!result.contextOverflow && (code == QLatin1String("context_length_exceeded") ||
                                            type == QLatin1String("exceed_context_size_error")))
                result.contextOverflow = ContextOverflow{};
            if (result.contextOverflow) {
                // llama.cpp's server gives the numbers as fields of its error.
                ContextOverflow &overflow = *result.contextOverflow;
                if (overflow.promptTokens < 0 && details.value(QLatin1String("n_prompt_tokens")).isDouble())
                    overflow.promptTokens = qint64(details.value(QLatin1String("n_prompt_tokens")).toDouble());
                if (overflow.contextLimit < 0 && details.value(QLatin1String("n_ctx")).isDouble())
                    overflow.contextLimit = qint64(details.value(QLatin1String("n_ctx")).toDouble());
            }
            return result;
        }
    }
    const QString text = QString::fromUtf8(body.trimmed()).left(kMaxPlainMessage);
    return ApiError::upstream(
        httpStatus,
        text.isEmpty() ? QStringLiteral("upstream answered HTTP %1 with an empty body").arg(httpStatus) : text);
}

} // namespace sb
