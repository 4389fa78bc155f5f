#include "ProblemsPanel.h"

#include "LineIcon.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sb {

ProblemsPanel::ProblemsPanel(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("problemsPanel"));
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    auto *top = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("problemsTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_open = new QPushButton(lineIcon(QStringLiteral(":/switchboard/icons/open-file.svg"), palette()),
                             tr("Open config"), this);
    m_open->setObjectName(QStringLiteral("openConfigButton"));
    m_open->setToolTip(tr("Open the config file in your editor; saving it reloads the gateway"));
    m_reload =
        new QPushButton(lineIcon(QStringLiteral(":/switchboard/icons/reload.svg"), palette()), tr("Reload"), this);
    m_reload->setObjectName(QStringLiteral("reloadConfigButton"));
    m_reload->setToolTip(tr("Read the config file again now"));
    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/switchboard/icons/problem.svg")).pixmap(18, 18));
    top->addWidget(icon);
    top->addWidget(m_title, 1);
    top->addWidget(m_open);
    top->addWidget(m_reload);
    layout->addLayout(top);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("problemsList"));
    m_list->setRootIsDecorated(false);
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("Severity"), tr("Where"), tr("Key"), tr("Problem")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    m_list->setWordWrap(true);
    layout->addWidget(m_list);
    connect(m_open, &QPushButton::clicked, this, &ProblemsPanel::openConfigRequested);
    connect(m_reload, &QPushButton::clicked, this, &ProblemsPanel::reloadRequested);
    setProblems({});
}

void ProblemsPanel::setProblems(const QList<ConfigIssue> &problems)
{
    m_list->clear();
    int errors = 0;
    for (const ConfigIssue &issue : problems) {
        const bool error = issue.severity == ConfigIssue::Severity::Error;
        errors += error ? 1 : 0;
        const QString where = issue.line > 0
                                  ? QStringLiteral("%1:%2").arg(QFileInfo(issue.file).fileName()).arg(issue.line)
                                  : QFileInfo(issue.file).fileName();
        auto *item =
            new QTreeWidgetItem(m_list, {error ? tr("error") : tr("warning"), where, issue.key, issue.message});
        item->setToolTip(1, issue.file);
        item->setToolTip(3, issue.toString());
        item->setForeground(0, error ? QColor(0xc0, 0x39, 0x2b) : QColor(0xb9, 0x77, 0x0e));
    }
    const int warnings = int(problems.size()) - errors;
    if (errors > 0)
        m_title->setText(tr("The config has %n error(s)", nullptr, errors) +
                         (warnings > 0 ? tr(" and %n warning(s)", nullptr, warnings) : QString()) +
                         tr(": fix and save, the gateway reloads it"));
    else
        m_title->setText(tr("The config has %n warning(s)", nullptr, warnings));
    // As tall as its rows, up to five; more scroll.
    const int rows = qBound(1, int(problems.size()), 5);
    const int rowHeight = m_list->fontMetrics().height() + 8;
    m_list->setFixedHeight(m_list->header()->sizeHint().height() + rows * rowHeight + 2 * m_list->frameWidth() + 2);
    setVisible(!problems.isEmpty());
}

int ProblemsPanel::problemCount() const
{
    return m_list->topLevelItemCount();
}

} // namespace sb
