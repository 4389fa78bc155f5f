#include "SettingsLoginStart.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>

namespace sb {

namespace {

const QString kRunKey = QStringLiteral("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run");
const QString kName = QStringLiteral("Switchboard");

// An argument of an Exec line: quoted when it holds a reserved character, with `"`, `` ` ``,
// `$` and `\` escaped inside the quotes, and `%` doubled (field codes).
QString execArgument(QString argument)
{
    argument.replace(QLatin1Char('%'), QStringLiteral("%%"));
    static const QString reserved = QStringLiteral(" \t\n\"'\\><~|&;$*?#()`");
    bool needsQuotes = argument.isEmpty();
    for (const QChar c : argument)
        needsQuotes = needsQuotes || reserved.contains(c);
    if (!needsQuotes)
        return argument;
    QString quoted;
    for (const QChar c : argument) {
        if (c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('$') || c == QLatin1Char('\\'))
            quoted.append(QLatin1Char('\\'));
        quoted.append(c);
    }
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString xmlEscaped(const QString &text)
{
    return text.toHtmlEscaped();
}

Expected<void, QString> writeAtomically(const QString &path, const QByteArray &bytes)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return unexpected(QStringLiteral("cannot create %1").arg(QFileInfo(path).absolutePath()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return unexpected(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace

LoginStart::LoginStart(const QString &executable, const QStringList &arguments)
    : m_executable(executable), m_arguments(arguments)
{}

QString LoginStart::location() const
{
#if defined(Q_OS_WIN)
    return kRunKey + QStringLiteral("\\") + kName;
#elif defined(Q_OS_MACOS)
    return QDir::homePath() + QStringLiteral("/Library/LaunchAgents/app.switchboard.plist");
#else
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/autostart/switchboard.desktop");
#endif
}

QByteArray LoginStart::desktopEntry() const
{
    QStringList exec{execArgument(m_executable)};
    for (const QString &argument : m_arguments)
        exec.append(execArgument(argument));
    const QString text = QStringLiteral("[Desktop Entry]\n"
                                        "Type=Application\n"
                                        "Name=Switchboard\n"
                                        "Comment=Local LLM gateway for Claude Code\n"
                                        "Exec=%1\n"
                                        "Icon=switchboard\n"
                                        "Terminal=false\n"
                                        "X-GNOME-Autostart-enabled=true\n")
                             .arg(exec.join(QLatin1Char(' ')));
    return text.toUtf8();
}

QByteArray LoginStart::launchAgentPlist() const
{
    QString arguments = QStringLiteral("    <string>%1</string>\n").arg(xmlEscaped(m_executable));
    for (const QString &argument : m_arguments)
        arguments += QStringLiteral("    <string>%1</string>\n").arg(xmlEscaped(argument));
    return QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                          "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                          "<plist version=\"1.0\">\n<dict>\n"
                          "  <key>Label</key>\n  <string>app.switchboard</string>\n"
                          "  <key>ProgramArguments</key>\n  <array>\n%1  </array>\n"
                          "  <key>RunAtLoad</key>\n  <true/>\n"
                          "</dict>\n</plist>\n")
        .arg(arguments)
        .toUtf8();
}

bool LoginStart::isEnabled() const
{
#if defined(Q_OS_WIN)
    return QSettings(kRunKey, QSettings::NativeFormat).contains(kName);
#else
    return QFileInfo::exists(location());
#endif
}

Expected<void, QString> LoginStart::setEnabled(bool enabled)
{
#if defined(Q_OS_WIN)
    QSettings run(kRunKey, QSettings::NativeFormat);
    if (enabled) {
        QStringList command{QLatin1Char('"') + QDir::toNativeSeparators(m_executable) + QLatin1Char('"')};
        for (const QString &argument : m_arguments)
            command.append(QLatin1Char('"') + argument + QLatin1Char('"'));
        run.setValue(kName, command.join(QLatin1Char(' ')));
    } else {
        run.remove(kName);
    }
    run.sync();
    if (run.status() != QSettings::NoError)
        return unexpected(QStringLiteral("cannot change %1").arg(location()));
    return {};
#else
    const QString path = location();
    if (!enabled) {
        if (QFileInfo::exists(path) && !QFile::remove(path))
            return unexpected(QStringLiteral("cannot remove %1").arg(path));
        return {};
    }
#if defined(Q_OS_MACOS)
    return writeAtomically(path, launchAgentPlist());
#else
    return writeAtomically(path, desktopEntry());
#endif
#endif
}

} // namespace sb
