#pragma once

#include "ApiError.h"

#include <QString>

namespace sb {

// The location of a JSON field in a request body, e.g. "messages.2.content.0", for 400
// messages that say exactly what is wrong. Built as a chain of stack objects while a decoder
// descends, and turned into text only when an error is reported, so valid requests (the
// common case) pay nothing for it. A FieldPath must not outlive its parent.
class FieldPath final
{
public:
    FieldPath() = default;
    FieldPath(const FieldPath &parent, const char *key);
    FieldPath(const FieldPath &parent, qsizetype index);
    // An exact match for literal indices, which would otherwise also convert to const char*.
    FieldPath(const FieldPath &parent, int index);

    QString toString() const;
    // A 400 invalid_request_error "<path>: <problem>".
    ApiError error(const QString &problem) const;
    ApiError missing() const;                       // "<path>: field required"
    ApiError wrongType(const char *expected) const; // "<path>: must be <expected>"

private:
    const FieldPath *m_parent = nullptr;
    const char *m_key = nullptr;
    qsizetype m_index = -1;
};

} // namespace sb
