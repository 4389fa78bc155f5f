#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace sb {

// One finding of the doctor: what was checked, how it went, and what to do about it. A value,
// so it travels through queued signals to the GUI and prints the same in the CLI.
struct DoctorCheck
{
    enum class Status { Ok, Warning, Failure };

    QString id;    // stable across runs and wordings: "gateway", "model-tools:qwen2.5-coder:7b", ...
    QString title; // "gateway answers at http://127.0.0.1:4000"
    Status status = Status::Failure;
    QString detail; // what was seen: "HTTP 200", "8192 tokens (configured 8192, ...)"
    QString fix;    // what to do when it is not ok; may be empty

    bool ok() const { return status == Status::Ok; }
    static QString statusName(Status status); // "ok", "warning", "failure"
};

// A report passes when nothing failed; warnings are worth reading, not fatal.
bool doctorPassed(const QList<DoctorCheck> &checks);

} // namespace sb

Q_DECLARE_METATYPE(sb::DoctorCheck)
Q_DECLARE_METATYPE(QList<sb::DoctorCheck>)
