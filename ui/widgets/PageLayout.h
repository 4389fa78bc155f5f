#pragma once

#include <QString>

class QLabel;
class QVBoxLayout;
class QWidget;

namespace sb {

// What every page is made on: its content inside a frameless scroll area (so 800x500 cuts
// nothing off), and its title.
class PageLayout final
{
public:
    // The layout to add the page's sections to; `topBottom` is the content's vertical margin.
    static QVBoxLayout *scrolling(QWidget *page, int topBottom = 12);
    static QLabel *title(const QString &text, QWidget *parent);
};

} // namespace sb
