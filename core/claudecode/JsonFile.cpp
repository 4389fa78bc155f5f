#include "JsonFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace sb {

JsonFileRead JsonFile::read(const QString &path)
{
    JsonFileRead result;
    QFile file(path);
    if (!file.exists()) {
        result.ok = true;
        return result;
    }
    result.existed = true;
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return result;
    }
    const QByteArray data = file.readAll();
    if (data.trimmed().isEmpty()) {
        result.ok = true;
        return result;
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError) {
        result.error = describeParseError(path, data, error.offset, error.errorString());
        return result;
    }
    if (!doc.isObject()) {
        result.error = QStringLiteral("%1 does not hold a JSON object; leaving it untouched").arg(path);
        return result;
    }
    result.ok = true;
    result.object = doc.object();
    return result;
}

QString JsonFile::describeParseError(const QString &path, const QByteArray &data, int offset, const QString &message)
{
    int line = 1;
    int column = 1;
    const int end = std::min<int>(offset, int(data.size()));
    for (int i = 0; i < end; ++i) {
        if (data.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("%1 is not valid JSON (line %2, column %3: %4); fix it or move it away, it was not changed")
        .arg(path)
        .arg(line)
        .arg(column)
        .arg(message);
}

QString JsonFile::resolvedPath(const QString &path)
{
    const QFileInfo info(path);
    if (info.isSymLink()) {
        const QString target = info.symLinkTarget();
        if (!target.isEmpty())
            return target;
    }
    return path;
}

bool JsonFile::isWritableByOwner(const QString &path)
{
    return QFileInfo(path).permission(QFileDevice::WriteOwner);
}

bool JsonFile::write(const QString &path, const QJsonObject &object, QString *error)
{
    const QString target = resolvedPath(path);
    const QFileInfo info(target);
    if (info.exists() && !JsonFile::isWritableByOwner(info.filePath())) {
        if (error)
            *error =
                QStringLiteral("%1 is read-only; make it writable (chmod u+w) or add the settings by hand").arg(target);
        return false;
    }
    if (!QDir().mkpath(info.absolutePath())) {
        if (error)
            *error = QStringLiteral("cannot create the folder %1").arg(info.absolutePath());
        return false;
    }
    const bool created = !info.exists();
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(target, file.errorString());
        return false;
    }
    // These files carry the gateway token: one we create is the owner's alone (QSaveFile would
    // give it 0666 & ~umask). An existing file keeps the mode its owner chose.
    if (created)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(target, file.errorString());
        return false;
    }
    if (created && !QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        if (error)
            *error = QStringLiteral("cannot make %1 private to its owner").arg(target);
        return false;
    }
    return true;
}

} // namespace sb
