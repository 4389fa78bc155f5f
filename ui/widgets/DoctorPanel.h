#pragma once

#include "doctor/DoctorCheck.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace sb {

// The doctor's checks as the window shows them: each check with its state, what was seen and
// what to do, failures first. The checks come from core's Doctor (run off the GUI thread).
class DoctorPanel final : public QDialog
{
    Q_OBJECT
public:
    explicit DoctorPanel(QWidget *parent = nullptr);

    void showRunning();
    void showChecks(const QList<DoctorCheck> &checks);

private:
    QLabel *m_summary;
    QTreeWidget *m_checks;
    QLabel *m_details; // the selected check in full: long fixes do not fit a row
};

} // namespace sb
