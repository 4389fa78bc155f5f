#pragma once

#include "DoctorCheck.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace sb {

// The doctor's checks as `switchboard doctor` prints them, as text or as JSON.
class DoctorReport final
{
public:
    DoctorReport() = delete;

    // "[ ok ] title — detail", "[FAIL] …" (and "[warn] …") lines, each failure followed by
    // its "fix:", then a one-line verdict.
    static QString text(const QList<DoctorCheck> &checks);
    // {"ok": passed, "checks": [{"check": title, "ok", "detail", "fix" (empty when ok)}]}
    static QJsonObject json(const QList<DoctorCheck> &checks);
};

} // namespace sb
