#include "JsonFieldReader.h"

#include <cmath>
#include <limits>

namespace sb {

Expected<void, ApiError> JsonFieldReader::requiredString(const QJsonObject &body, const char *key,
                                                         const FieldPath &root, QString &out)
{
    const QJsonValue value = body.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return unexpected(FieldPath(root, key).missing());
    if (!value.isString())
        return unexpected(FieldPath(root, key).wrongType("a string"));
    out = value.toString();
    return {};
}

Expected<void, ApiError> JsonFieldReader::integer(const QJsonValue &value, const FieldPath &path, int &out)
{
    const double number = value.toDouble();
    if (!value.isDouble() || std::floor(number) != number || number < std::numeric_limits<int>::min() ||
        number > std::numeric_limits<int>::max())
        return unexpected(path.wrongType("an integer"));
    out = int(number);
    return {};
}

Expected<void, ApiError> JsonFieldReader::positiveInteger(const QJsonValue &value, const FieldPath &path, int &out)
{
    int number = 0;
    if (!integer(value, path, number).hasValue() || number <= 0)
        return unexpected(path.error(QStringLiteral("must be a positive integer")));
    out = number;
    return {};
}

Expected<void, ApiError> JsonFieldReader::optionalNumber(const QJsonObject &body, const char *key,
                                                         const FieldPath &root, std::optional<double> &out)
{
    const QJsonValue value = body.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isDouble())
        return unexpected(FieldPath(root, key).wrongType("a number"));
    out = value.toDouble();
    return {};
}

} // namespace sb
