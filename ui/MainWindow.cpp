#include "MainWindow.h"

#include <QLabel>

namespace sb {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Switchboard"));
    auto *label = new QLabel(tr("Switchboard"), this);
    label->setObjectName(QStringLiteral("statusLabel"));
    setCentralWidget(label);
}

} // namespace sb
