#pragma once

#include "config/GatewayConfig.h"

#include <QFrame>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace sb {

// The config's problems, every one (file:line, key, message), with Open config and Reload.
// Hidden while there is nothing to show.
class ProblemsPanel final : public QFrame
{
    Q_OBJECT
public:
    explicit ProblemsPanel(QWidget *parent = nullptr);

    void setProblems(const QList<sb::ConfigIssue> &problems);
    int problemCount() const;

Q_SIGNALS:
    void openConfigRequested();
    void reloadRequested();

private:
    QLabel *m_title;
    QTreeWidget *m_list;
    QPushButton *m_open;
    QPushButton *m_reload;
};

} // namespace sb
