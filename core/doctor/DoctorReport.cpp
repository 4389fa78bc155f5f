#include "DoctorReport.h"

#include <QJsonArray>

#include <algorithm>

namespace sb {

namespace {

QString mark(DoctorCheck::Status status)
{
    switch (status) {
    case DoctorCheck::Status::Ok: return QStringLiteral("[ ok ] ");
    case DoctorCheck::Status::Warning: return QStringLiteral("[warn] ");
    case DoctorCheck::Status::Failure: break;
    }
    return QStringLiteral("[FAIL] ");
}

} // namespace

QString DoctorReport::text(const QList<DoctorCheck> &checks)
{
    QString text;
    for (const DoctorCheck &c : checks) {
        text += mark(c.status) + c.title;
        if (!c.detail.isEmpty())
            text += QStringLiteral(" — ") + c.detail;
        text += QLatin1Char('\n');
        if (!c.ok() && !c.fix.isEmpty())
            text += QStringLiteral("       fix: ") + c.fix + QLatin1Char('\n');
    }
    const bool warned = std::any_of(checks.begin(), checks.end(),
                                    [](const DoctorCheck &c) { return c.status == DoctorCheck::Status::Warning; });
    if (!doctorPassed(checks))
        text += QStringLiteral("Some checks failed.\n");
    else if (warned)
        text += QStringLiteral("No check failed; read the warnings above.\n");
    else
        text += QStringLiteral("All checks passed.\n");
    return text;
}

QJsonObject DoctorReport::json(const QList<DoctorCheck> &checks)
{
    QJsonArray array;
    for (const DoctorCheck &c : checks) {
        array.append(QJsonObject{{QStringLiteral("check"), c.title},
                                 {QStringLiteral("ok"), c.ok()},
                                 {QStringLiteral("detail"), c.detail},
                                 {QStringLiteral("fix"), c.ok() ? QString() : c.fix}});
    }
    return QJsonObject{{QStringLiteral("ok"), doctorPassed(checks)}, {QStringLiteral("checks"), array}};
}

} // namespace sb
