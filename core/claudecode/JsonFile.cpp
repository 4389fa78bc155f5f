#include "JsonFile.h"

#include "JsonTextEdit.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace sb {

Expected<JsonFileContent, QString> JsonFile::read(const QString &path)
{
    JsonFileContent content;
    QFile file(path);
    if (!file.exists())
        return content;
    content.existed = true;
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray data = file.readAll();
    if (data.trimmed().isEmpty())
        return content;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError)
        return unexpected(describeParseError(path, data, error.offset, error.errorString()));
    if (!doc.isObject())
        return unexpected(QStringLiteral("%1 does not hold a JSON object; leaving it untouched").arg(path));
    content.object = doc.object();
    return content;
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

void JsonFile::removeStaleTemporaries(const QString &target)
{
    // QSaveFile writes "<name>.XXXXXX" (six random letters and digits) beside the file and
    // renames it over; a writer killed in between leaves it behind. Removed only when it
    // cannot be the user's own file: a mixed-case or digit suffix, older than a minute (no live
    // writer), and empty or holding the gateway settings a connect writes.
    const QFileInfo info(target);
    const QString prefix = info.fileName() + QLatin1Char('.');
    const QDateTime staleBefore = QDateTime::currentDateTimeUtc().addSecs(-60);
    const QFileInfoList candidates = info.absoluteDir().entryInfoList({prefix + QStringLiteral("??????")},
                                                                      QDir::Files | QDir::Hidden | QDir::NoSymLinks);
    for (const QFileInfo &candidate : candidates) {
        const QString suffix = candidate.fileName().mid(prefix.size());
        bool lower = false, upperOrDigit = false, other = false;
        for (const QChar c : suffix) {
            if (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
                lower = true;
            else if ((c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                     (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
                upperOrDigit = true;
            else
                other = true;
        }
        if (other || !lower || !upperOrDigit || candidate.lastModified().toUTC() >= staleBefore)
            continue;
        QFile file(candidate.filePath());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray start = file.read(1024 * 1024);
        file.close();
        if (start.isEmpty() || start.contains("\"ANTHROPIC_BASE_URL\""))
            QFile::remove(candidate.filePath());
    }
}

Expected<void, QString> JsonFile::write(const QString &path, const QJsonObject &object)
{
    const QString target = resolvedPath(path);
    removeStaleTemporaries(target);
    const QFileInfo info(target);
    if (info.exists() && !JsonFile::isWritableByOwner(info.filePath()))
        return unexpected(
            QStringLiteral("%1 is read-only; make it writable (chmod u+w) or add the settings by hand").arg(target));
    if (!QDir().mkpath(info.absolutePath()))
        return unexpected(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()));
    const bool created = !info.exists();
    // Only what changes is rewritten: values we do not own keep their exact bytes (Qt's JSON
    // would round 2^53+1, turn 1.0 into 1 and -0 into 0, and sort the keys).
    QByteArray text;
    if (!created) {
        QFile current(target);
        if (current.open(QIODevice::ReadOnly)) {
            const QByteArray original = current.readAll();
            if (!original.trimmed().isEmpty()) {
                Expected<QByteArray, QString> edited = JsonTextEdit::rewrite(original, object);
                if (edited)
                    text = std::move(edited).value();
            }
        }
    }
    if (text.isEmpty())
        text = QJsonDocument(object).toJson(QJsonDocument::Indented);
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly))
        return unexpected(QStringLiteral("cannot write %1: %2").arg(target, file.errorString()));
    // These files carry the gateway token: one we create is the owner's alone (QSaveFile would
    // give it 0666 & ~umask). An existing file keeps the mode its owner chose.
    if (created)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(text);
    if (!file.commit())
        return unexpected(QStringLiteral("cannot write %1: %2").arg(target, file.errorString()));
    if (created && !QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return unexpected(QStringLiteral("cannot make %1 private to its owner").arg(target));
    return {};
}

} // namespace sb
