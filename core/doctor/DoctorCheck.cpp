#include "DoctorCheck.h"

#include <algorithm>

namespace sb {

QString DoctorCheck::statusName(Status status)
{
    switch (status) {
    case Status::Ok: return QStringLiteral("ok");
    case Status::Warning: return QStringLiteral("warning");
    case Status::Failure: break;
    }
    return QStringLiteral("failure");
}

bool doctorPassed(const QList<DoctorCheck> &checks)
{
    return std::none_of(checks.begin(), checks.end(),
                        [](const DoctorCheck &check) { return check.status == DoctorCheck::Status::Failure; });
}

} // namespace sb
