#pragma once

#include <QCoreApplication>
#include <QString>
#include <QWidget>

namespace sb::test {

// SB_SHOT_DIR=folder: `page` is also saved there as NAME.png, at 1100×height, to be looked at
// (pages in states the app's --screenshot cannot reach: a fake Ollama's models, a pull paused).
inline void lookAt(QWidget &page, const char *name, int height = 760)
{
    const QString dir = qEnvironmentVariable("SB_SHOT_DIR");
    if (dir.isEmpty())
        return;
    page.resize(1100, height);
    QCoreApplication::processEvents();
    page.grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}

} // namespace sb::test
