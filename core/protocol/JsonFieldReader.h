#pragma once

#include "Expected.h"

#include "FieldPath.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace sb {

// Reads typed fields out of a client's JSON body, with errors that name the field. Shared by
// the request codecs of every dialect, so the same mistake gets the same message.
class JsonFieldReader final
{
public:
    // A non-empty-or-not string that must be present (e.g. "model").
    static Expected<void, ApiError> requiredString(const QJsonObject &body, const char *key, const FieldPath &root,
                                                   QString &out);
    // A whole number that fits an int.
    static Expected<void, ApiError> integer(const QJsonValue &value, const FieldPath &path, int &out);
    // A whole number above zero ("must be a positive integer" otherwise).
    static Expected<void, ApiError> positiveInteger(const QJsonValue &value, const FieldPath &path, int &out);
    // A number when present; absent or null leaves `out` unset.
    static Expected<void, ApiError> optionalNumber(const QJsonObject &body, const char *key, const FieldPath &root,
                                                   std::optional<double> &out);
};

} // namespace sb
