// `switchboard doctor`'s two outputs, from a list of checks.
#include "DoctorTestSupport.h"

#include "doctor/DoctorReport.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace sb;

namespace {

DoctorCheck make(const QString &title, DoctorCheck::Status status, const QString &detail, const QString &fix)
{
    return DoctorCheck{QStringLiteral("id-") + title, title, status, detail, fix};
}

} // namespace

TEST_CASE("the text report marks each check, shows a failure's fix and ends with the verdict", "[doctor]")
{
    const QList<DoctorCheck> checks{
        make(QStringLiteral("gateway answers at http://127.0.0.1:4000"), DoctorCheck::Status::Ok,
             QStringLiteral("HTTP 200"), QStringLiteral("never shown")),
        make(QStringLiteral("model m supports tools"), DoctorCheck::Status::Failure, QStringLiteral("completion"),
             QStringLiteral("map it")),
        make(QStringLiteral("no detail, no fix"), DoctorCheck::Status::Failure, {}, {}),
    };
    CHECK(DoctorReport::text(checks) == QStringLiteral("[ ok ] gateway answers at http://127.0.0.1:4000 — HTTP 200\n"
                                                       "[FAIL] model m supports tools — completion\n"
                                                       "       fix: map it\n"
                                                       "[FAIL] no detail, no fix\n"
                                                       "Some checks failed.\n"));
    CHECK(DoctorReport::text({checks.first()}) ==
          QStringLiteral("[ ok ] gateway answers at http://127.0.0.1:4000 — HTTP 200\nAll checks passed.\n"));
}

TEST_CASE("a warning is shown with its fix but does not fail the report", "[doctor]")
{
    const QList<DoctorCheck> checks{
        make(QStringLiteral("a"), DoctorCheck::Status::Ok, {}, {}),
        make(QStringLiteral("b"), DoctorCheck::Status::Warning, QStringLiteral("slow"), QStringLiteral("wait")),
    };
    CHECK(doctorPassed(checks));
    CHECK(DoctorReport::text(checks) == QStringLiteral("[ ok ] a\n"
                                                       "[warn] b — slow\n"
                                                       "       fix: wait\n"
                                                       "No check failed; read the warnings above.\n"));
    CHECK(DoctorReport::json(checks).value(QStringLiteral("ok")) == QJsonValue(true));
    CHECK(DoctorCheck::statusName(DoctorCheck::Status::Warning) == QStringLiteral("warning"));
    CHECK(DoctorCheck::statusName(DoctorCheck::Status::Failure) == QStringLiteral("failure"));
    CHECK(DoctorCheck::statusName(DoctorCheck::Status::Ok) == QStringLiteral("ok"));
}

TEST_CASE("the JSON report has ok and one object per check, the fix only where it failed", "[doctor]")
{
    const QList<DoctorCheck> checks{
        make(QStringLiteral("passes"), DoctorCheck::Status::Ok, QStringLiteral("HTTP 200"), QStringLiteral("hidden")),
        make(QStringLiteral("fails"), DoctorCheck::Status::Failure, QStringLiteral("why"), QStringLiteral("do this")),
    };
    const QByteArray json = QJsonDocument(DoctorReport::json(checks)).toJson(QJsonDocument::Compact);
    CHECK(json == QByteArray(R"({"checks":[{"check":"passes","detail":"HTTP 200","fix":"","ok":true},)"
                             R"({"check":"fails","detail":"why","fix":"do this","ok":false}],"ok":false})"));
}
