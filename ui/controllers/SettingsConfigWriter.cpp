#include "SettingsConfigWriter.h"

#include "config/ConfigEditor.h"
#include "config/YamlTextEdit.h"

#include <QFile>

namespace sb {

Expected<void, QString> SettingsSchemaWriter::setValue(const QString &configPath, const QString &keyPath,
                                                       const QVariant &value)
{
    if (keyPath.contains(QLatin1Char('[')))
        return SettingsYamlTextWriter().setValue(configPath, keyPath, value);
    return ConfigEditor::setValue(configPath, keyPath, value);
}

Expected<void, QString> SettingsYamlTextWriter::setValue(const QString &configPath, const QString &keyPath,
                                                         const QVariant &value)
{
    QFile file(configPath);
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot read %1: %2").arg(configPath, file.errorString()));
    const QByteArray before = file.readAll();
    file.close();
    const auto edited = YamlTextEdit::setScalar(before, keyPath, value);
    if (!edited)
        return unexpected(edited.error());
    // The one declared schema decides (the file must load as cleanly as before), then the
    // atomic write with <config>.bak.
    return ConfigEditor::commitText(configPath, *edited, before);
}

} // namespace sb
