#include "FieldPath.h"

#include <QVarLengthArray>

namespace sb {

FieldPath::FieldPath(const FieldPath &parent, const char *key) : m_parent(&parent), m_key(key) {}

FieldPath::FieldPath(const FieldPath &parent, qsizetype index) : m_parent(&parent), m_index(index) {}

FieldPath::FieldPath(const FieldPath &parent, int index) : m_parent(&parent), m_index(index) {}

QString FieldPath::toString() const
{
    QVarLengthArray<const FieldPath *, 8> chain;
    for (const FieldPath *node = this; node && (node->m_key || node->m_index >= 0); node = node->m_parent)
        chain.append(node);
    QString text;
    for (qsizetype i = chain.size() - 1; i >= 0; --i) {
        if (!text.isEmpty())
            text += QLatin1Char('.');
        if (chain[i]->m_key)
            text += QLatin1String(chain[i]->m_key);
        else
            text += QString::number(chain[i]->m_index);
    }
    return text;
}

ApiError FieldPath::error(const QString &problem) const
{
    const QString path = toString();
    return ApiError::invalidRequest(path.isEmpty() ? problem : path + QStringLiteral(": ") + problem);
}

ApiError FieldPath::missing() const
{
    return error(QStringLiteral("field required"));
}

ApiError FieldPath::wrongType(const char *expected) const
{
    return error(QStringLiteral("must be ") + QLatin1String(expected));
}

} // namespace sb
