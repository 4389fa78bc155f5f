#pragma once

#include <QIcon>

class QPalette;

namespace sb {

// Our line icons are drawn in one mid grey (resources/icons), which fades on a dark palette.
// On a dark palette the icon is redrawn in the palette's text colour; on a light one it is
// returned as drawn. Only for the grey line icons: coloured ones (start, stop) stay as they are.
QIcon lineIcon(const QString &path, const QPalette &palette);

// True when the palette's window colour is dark (a dark desktop theme).
bool isDarkPalette(const QPalette &palette);

} // namespace sb
