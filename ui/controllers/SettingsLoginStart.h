#pragma once

#include "Expected.h"

#include <QString>
#include <QStringList>

namespace sb {

// Starting Switchboard at login, the platform's own way: an XDG autostart entry
// ($XDG_CONFIG_HOME/autostart/switchboard.desktop) on Linux and other Unix desktops, a
// LaunchAgent (~/Library/LaunchAgents/app.switchboard.plist) on macOS, the HKCU Run key on Windows.
class LoginStart final
{
public:
    explicit LoginStart(const QString &executable, const QStringList &arguments = {});

    bool isEnabled() const;
    Expected<void, QString> setEnabled(bool enabled);
    // The file or registry value, for the page to name.
    QString location() const;

    // The Linux entry's text (the Exec line quoted per the Desktop Entry spec).
    QByteArray desktopEntry() const;
    QByteArray launchAgentPlist() const;

private:
    QString m_executable;
    QStringList m_arguments;
};

} // namespace sb
