#include "JsonFieldReader.h"

#include <cmath>
#include <limits>

namespace sb {

std::optional<ApiError> JsonFieldReader::requiredString(const QJsonObject &body, const char *key, const FieldPath &root,
                                                        QString &out)
{
    const QJsonValue value = body.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return FieldPath(root, key).missing();
    if (!value.isString())
        return FieldPath(root, key).wrongType("a string");
    out = value.toString();
    return std::nullopt;
}

std::optional<ApiError> JsonFieldReader::integer(const QJsonValue &value, const FieldPath &path, int &out)
{
    const double number = value.toDouble();
    if (!value.isDouble() || std::floor(number) != number || number < std::numeric_limits<int>::min() ||
        number > std::numeric_limits<int>::max())
        return path.wrongType("an integer");
    out = int(number);
    return std::nullopt;
}

std::optional<ApiError> JsonFieldReader::positiveInteger(const QJsonValue &value, const FieldPath &path, int &out)
{
    int number = 0;
    if (integer(value, path, number) || number <= 0)
        return path.error(QStringLiteral("must be a positive integer"));
    out = number;
    return std::nullopt;
}

std::optional<ApiError> JsonFieldReader::optionalNumber(const QJsonObject &body, const char *key, const FieldPath &root,
                                                        std::optional<double> &out)
{
    const QJsonValue value = body.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isDouble())
        return FieldPath(root, key).wrongType("a number");
    out = value.toDouble();
    return std::nullopt;
}

} // namespace sb
