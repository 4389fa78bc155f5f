#pragma once

#include <QString>

class QAbstractItemModel;
class QLabel;
class QTableView;
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
    // Text that wraps, may hold rich text, and can be selected (to copy a path or an error).
    static QLabel *textLabel(const QString &objectName, QWidget *parent);
    // A section's bold heading.
    static QLabel *sectionTitle(const QString &text, QWidget *parent);
    // A read-only table of whole rows: no row numbers, alternating rows, columns sized to
    // their contents with the last one stretched.
    static QTableView *table(const QString &objectName, QAbstractItemModel *model, QWidget *parent);
};

} // namespace sb
