#include "CacheKey.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace sb {

namespace {

const QString kBillingPrefix = QStringLiteral("x-anthropic-billing-header:");

// Bumped whenever the canonical form changes, so old entries are never served.
constexpr char kKeyVersion[] = "sb-response-cache-v1\n";

QJsonValue stripCacheControl(const QJsonValue &value)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(stripCacheControl(item));
        return out;
    }
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("cache_control"))
                continue;
            out.insert(it.key(), stripCacheControl(it.value()));
        }
        return out;
    }
    return value;
}

// Removes billing-header lines; the rest of the text is kept byte for byte.
QString withoutBillingLines(const QString &text)
{
    if (!text.contains(kBillingPrefix))
        return text;
    QStringList kept;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (!line.trimmed().startsWith(kBillingPrefix))
            kept.append(line);
    }
    return kept.join(QLatin1Char('\n'));
}

// A system prompt as a string or an array of content blocks; text blocks left empty by the
// billing filter are dropped.
QJsonValue cleanSystemContent(const QJsonValue &content)
{
    if (content.isString())
        return withoutBillingLines(content.toString());
    if (!content.isArray())
        return content;
    QJsonArray out;
    for (const QJsonValue &item : content.toArray()) {
        QJsonObject block = item.toObject();
        if (item.isObject() && block.value(QLatin1String("text")).isString()) {
            const QString text = withoutBillingLines(block.value(QLatin1String("text")).toString());
            if (text.trimmed().isEmpty() && block.value(QLatin1String("text")).toString().contains(kBillingPrefix))
                continue;
            block.insert(QStringLiteral("text"), text);
            out.append(block);
        } else {
            out.append(item);
        }
    }
    return out;
}

// OpenAI-style bodies carry the system prompt as messages with role system/developer.
QJsonArray cleanMessages(const QJsonArray &messages)
{
    QJsonArray out;
    for (const QJsonValue &item : messages) {
        QJsonObject message = item.toObject();
        const QString role = message.value(QLatin1String("role")).toString();
        if (item.isObject() && (role == QLatin1String("system") || role == QLatin1String("developer"))) {
            const QJsonValue content = cleanSystemContent(message.value(QLatin1String("content")));
            const bool emptied = (content.isString() && content.toString().trimmed().isEmpty()) ||
                                 (content.isArray() && content.toArray().isEmpty());
            if (emptied)
                continue;
            message.insert(QStringLiteral("content"), content);
            out.append(message);
        } else {
            out.append(item);
        }
    }
    return out;
}

QJsonValue stopSequences(const QJsonObject &body)
{
    QJsonValue stop = body.value(QLatin1String("stop_sequences"));
    if (stop.isUndefined())
        stop = body.value(QLatin1String("stop"));
    if (stop.isString())
        return QJsonArray{stop};
    return stop;
}

} // namespace

QByteArray CacheKey::canonicalJson(const QString &group, const QJsonObject &body)
{
    QJsonObject canonical;
    canonical.insert(QStringLiteral("group"), group);

    if (body.contains(QLatin1String("system")))
        canonical.insert(QStringLiteral("system"),
                         cleanSystemContent(stripCacheControl(body.value(QLatin1String("system")))));
    canonical.insert(QStringLiteral("messages"),
                     cleanMessages(stripCacheControl(body.value(QLatin1String("messages"))).toArray()));

    // Everything else that shapes the answer, by allowlist: unknown fields (metadata, user,
    // session ids, stream, stream_options, ...) never enter the key.
    static const char *const kKept[] = {
        "tools",
        "tool_choice",
        "temperature",
        "top_p",
        "top_k",
        "thinking",
        "response_format",
        "seed",
        "n",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "reasoning_effort",
        "parallel_tool_calls",
        "functions",
        "function_call",
    };
    for (const char *name : kKept) {
        const QString key = QString::fromLatin1(name);
        if (body.contains(key))
            canonical.insert(key, stripCacheControl(body.value(key)));
    }

    QJsonValue maxTokens = body.value(QLatin1String("max_tokens"));
    if (maxTokens.isUndefined())
        maxTokens = body.value(QLatin1String("max_completion_tokens"));
    if (!maxTokens.isUndefined())
        canonical.insert(QStringLiteral("max_tokens"), maxTokens);
    const QJsonValue stop = stopSequences(body);
    if (!stop.isUndefined() && !stop.isNull())
        canonical.insert(QStringLiteral("stop"), stop);

    // QJsonObject keeps keys sorted, so the compact form is canonical.
    return QJsonDocument(canonical).toJson(QJsonDocument::Compact);
}

QString CacheKey::compute(const QString &group, const QJsonObject &body)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView(kKeyVersion));
    hash.addData(canonicalJson(group, body));
    return QString::fromLatin1(hash.result().toHex());
}

bool CacheKey::isDeterministic(const QJsonObject &body)
{
    const QJsonValue temperature = body.value(QLatin1String("temperature"));
    if (temperature.isDouble() && temperature.toDouble() == 0.0)
        return true;
    const QJsonValue topK = body.value(QLatin1String("top_k"));
    return topK.isDouble() && topK.toDouble() == 1.0;
}

} // namespace sb
