#include "DoctorPanel.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace sb {

namespace {
int rank(DoctorCheck::Status status)
{
    return status == DoctorCheck::Status::Failure ? 0 : status == DoctorCheck::Status::Warning ? 1 : 2;
}

QString mark(DoctorCheck::Status status)
{
    switch (status) {
    case DoctorCheck::Status::Ok: return DoctorPanel::tr("ok");
    case DoctorCheck::Status::Warning: return DoctorPanel::tr("warning");
    case DoctorCheck::Status::Failure: return DoctorPanel::tr("failed");
    }
    return {};
}
} // namespace

DoctorPanel::DoctorPanel(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("doctorPanel"));
    setWindowTitle(tr("Doctor"));
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("doctorSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_checks = new QTreeWidget(this);
    m_checks->setObjectName(QStringLiteral("doctorChecks"));
    m_checks->setColumnCount(3);
    m_checks->setHeaderLabels({tr("State"), tr("Check"), tr("Seen / what to do")});
    m_checks->setRootIsDecorated(false);
    m_checks->setWordWrap(true);
    m_checks->setTextElideMode(Qt::ElideNone);
    m_checks->setUniformRowHeights(false);
    m_checks->setAlternatingRowColors(true);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->header()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_checks->header()->setStretchLastSection(true);
    m_checks->setColumnWidth(1, 280);
    layout->addWidget(m_checks, 1);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("doctorDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setFrameShape(QFrame::StyledPanel);
    m_details->setMargin(6);
    m_details->setMinimumHeight(m_details->fontMetrics().lineSpacing() * 4);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_details);
    connect(m_checks, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        m_details->setText(
            item ? QStringLiteral("<b>%1</b><br>%2")
                       .arg(item->text(1).toHtmlEscaped(),
                            item->text(2).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")))
                 : QString());
    });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 420);
}

void DoctorPanel::showRunning()
{
    m_summary->setText(tr("Checking the gateway, Ollama and Claude Code…"));
    m_checks->clear();
    m_details->clear();
}

void DoctorPanel::showChecks(const QList<DoctorCheck> &checks)
{
    QList<DoctorCheck> sorted = checks;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const DoctorCheck &a, const DoctorCheck &b) { return rank(a.status) < rank(b.status); });
    m_checks->clear();
    int failed = 0;
    int warned = 0;
    for (const DoctorCheck &check : sorted) {
        failed += check.status == DoctorCheck::Status::Failure;
        warned += check.status == DoctorCheck::Status::Warning;
        QString seen = check.detail;
        if (!check.ok() && !check.fix.isEmpty())
            seen += (seen.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Fix: %1").arg(check.fix);
        auto *item = new QTreeWidgetItem(m_checks, {mark(check.status), check.title, seen});
        item->setData(0, Qt::UserRole, check.id);
        item->setToolTip(1, check.title);
        item->setToolTip(2, seen);
        const QColor colour = check.status == DoctorCheck::Status::Failure   ? QColor(0xc0, 0x39, 0x2b)
                              : check.status == DoctorCheck::Status::Warning ? QColor(0xb9, 0x77, 0x0e)
                                                                             : QColor(0x1e, 0x84, 0x49);
        item->setForeground(0, colour);
    }
    if (m_checks->topLevelItemCount() > 0)
        m_checks->setCurrentItem(m_checks->topLevelItem(0));
    if (failed > 0)
        m_summary->setText(tr("%n check(s) failed; each says what to do.", nullptr, failed));
    else if (warned > 0)
        m_summary->setText(tr("Nothing failed; %n warning(s) worth reading.", nullptr, warned));
    else
        m_summary->setText(tr("All %n checks passed.", nullptr, int(checks.size())));
}

} // namespace sb
