#pragma once

#include <QByteArray>
#include <QLatin1String>
#include <QString>

#include <optional>

namespace sb {

// `object` (the text of a JSON object, already known to be valid JSON) with the value of its
// top-level member `key` replaced by the string `value`, every other byte kept as it was. For
// a pass-through that changes one field of a large body without parsing and re-serializing
// all of it. Empty when the text is not what the scan expects (no such member, a key written
// with escapes, a repeated top-level key, not an object): the caller then takes the general
// path.
std::optional<QByteArray> withTopLevelString(const QByteArray &object, QLatin1String key, const QString &value);

} // namespace sb
