#pragma once

#include <QMainWindow>

namespace sb {

// The main window. Small until the GUI issue: it shows the gateway's address and state.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace sb
