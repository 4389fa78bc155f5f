#include "OllamaTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace sb {

bool OllamaModelDetails::supportsTools() const
{
    return capabilities.contains(QStringLiteral("tools"));
}

namespace ollama {

namespace {

Expected<QJsonObject, QString> objectOf(const QByteArray &json)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return unexpected(
            QStringLiteral("Ollama sent something that is not a JSON object: %1").arg(parseError.errorString()));
    return doc.object();
}

qint64 integer(const QJsonValue &value)
{
    return value.isDouble() ? value.toInteger() : 0;
}

} // namespace

Expected<QList<OllamaModel>, QString> parseTags(const QByteArray &json)
{
    const Expected<QJsonObject, QString> root = objectOf(json);
    if (!root)
        return unexpected(root.error());
    QList<OllamaModel> models;
    for (const QJsonValue &entry : root->value(QLatin1String("models")).toArray()) {
        const QJsonObject o = entry.toObject();
        OllamaModel model;
        model.name = o.value(QLatin1String("name")).toString(o.value(QLatin1String("model")).toString());
        model.sizeBytes = integer(o.value(QLatin1String("size")));
        model.digest = o.value(QLatin1String("digest")).toString();
        model.modifiedAt = QDateTime::fromString(o.value(QLatin1String("modified_at")).toString(), Qt::ISODateWithMs);
        const QJsonObject details = o.value(QLatin1String("details")).toObject();
        model.family = details.value(QLatin1String("family")).toString();
        model.parameterSize = details.value(QLatin1String("parameter_size")).toString();
        model.quantization = details.value(QLatin1String("quantization_level")).toString();
        models.append(model);
    }
    return models;
}

Expected<QList<OllamaRunningModel>, QString> parsePs(const QByteArray &json)
{
    const Expected<QJsonObject, QString> parsed = objectOf(json);
    if (!parsed)
        return unexpected(parsed.error());
    QList<OllamaRunningModel> models;
    for (const QJsonValue &entry : parsed->value(QLatin1String("models")).toArray()) {
        const QJsonObject o = entry.toObject();
        OllamaRunningModel model;
        model.name = o.value(QLatin1String("name")).toString(o.value(QLatin1String("model")).toString());
        model.sizeBytes = integer(o.value(QLatin1String("size")));
        model.vramBytes = integer(o.value(QLatin1String("size_vram")));
        model.contextLength = int(integer(o.value(QLatin1String("context_length"))));
        model.expiresAt = QDateTime::fromString(o.value(QLatin1String("expires_at")).toString(), Qt::ISODateWithMs);
        models.append(model);
    }
    return models;
}

Expected<OllamaModelDetails, QString> parseShow(const QString &name, const QByteArray &json)
{
    const Expected<QJsonObject, QString> parsed = objectOf(json);
    if (!parsed)
        return unexpected(parsed.error());
    const QJsonObject &root = *parsed;
    OllamaModelDetails details;
    details.name = name;
    const QJsonObject d = root.value(QLatin1String("details")).toObject();
    details.family = d.value(QLatin1String("family")).toString();
    details.parameterSize = d.value(QLatin1String("parameter_size")).toString();
    details.quantization = d.value(QLatin1String("quantization_level")).toString();
    for (const QJsonValue &c : root.value(QLatin1String("capabilities")).toArray())
        details.capabilities.append(c.toString());
    // model_info keys are prefixed by the architecture: "qwen2.context_length", "llama.context_length".
    const QJsonObject info = root.value(QLatin1String("model_info")).toObject();
    const QString arch = info.value(QLatin1String("general.architecture")).toString();
    if (!arch.isEmpty())
        details.contextLength = int(integer(info.value(arch + QStringLiteral(".context_length"))));
    if (details.contextLength == 0) {
        for (auto it = info.begin(); it != info.end(); ++it) {
            if (it.key().endsWith(QLatin1String(".context_length")))
                details.contextLength = int(integer(it.value()));
        }
    }
    // "parameters" is Modelfile text: "num_ctx 32768\nstop ..."
    static const QRegularExpression numCtx(QStringLiteral("(?:^|\\n)\\s*num_ctx\\s+(\\d+)"));
    const QRegularExpressionMatch m = numCtx.match(root.value(QLatin1String("parameters")).toString());
    if (m.hasMatch())
        details.configuredContext = m.captured(1).toInt();
    return details;
}

OllamaPullLine parsePullLine(const QByteArray &line)
{
    OllamaPullLine result;
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed());
    if (!doc.isObject())
        return result;
    const QJsonObject o = doc.object();
    result.valid = true;
    result.status = o.value(QLatin1String("status")).toString();
    result.digest = o.value(QLatin1String("digest")).toString();
    result.total = integer(o.value(QLatin1String("total")));
    result.completed = integer(o.value(QLatin1String("completed")));
    if (o.contains(QLatin1String("error")))
        result.error = o.value(QLatin1String("error")).toString(QStringLiteral("unknown error"));
    return result;
}

Expected<QString, QString> parseVersion(const QByteArray &json)
{
    const Expected<QJsonObject, QString> root = objectOf(json);
    if (!root)
        return unexpected(root.error());
    return root->value(QLatin1String("version")).toString();
}

QString explainError(const QString &ollamaError)
{
    if (ollamaError.contains(QLatin1String("file does not exist")) && ollamaError.contains(QLatin1String("manifest")))
        return QStringLiteral("the Ollama library has no such model: check the name and tag (%1)").arg(ollamaError);
    if (ollamaError.contains(QLatin1String("max retries exceeded")))
        return QStringLiteral("the download kept failing (%1): check the network and pull again, it resumes")
            .arg(ollamaError);
    if (ollamaError.contains(QLatin1String("digest mismatch")))
        return QStringLiteral("a downloaded layer was corrupt and was deleted (%1): pull again").arg(ollamaError);
    return ollamaError;
}

QString errorMessage(int httpStatus, const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString text = o.value(QLatin1String("error")).toString();
    if (!text.isEmpty())
        return explainError(text);
    const QString plain = QString::fromUtf8(body.trimmed().left(200));
    return plain.isEmpty() ? QStringLiteral("HTTP %1").arg(httpStatus)
                           : QStringLiteral("HTTP %1: %2").arg(httpStatus).arg(plain);
}

} // namespace ollama
} // namespace sb
