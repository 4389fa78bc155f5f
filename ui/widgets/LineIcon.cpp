#include "LineIcon.h"

#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace sb {

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QIcon lineIcon(const QString &path, const QPalette &palette)
{
    QIcon drawn(path);
    if (!isDarkPalette(palette))
        return drawn;
    QColor ink = palette.color(QPalette::WindowText);
    ink.setAlphaF(0.85);
    QIcon tinted;
    for (const int side : {16, 20, 24, 32, 40, 48}) {
        QPixmap pixmap = drawn.pixmap(QSize(side, side));
        if (pixmap.isNull())
            return drawn;
        QPainter painter(&pixmap);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(pixmap.rect(), ink);
        painter.end();
        tinted.addPixmap(pixmap);
    }
    return tinted;
}

} // namespace sb
