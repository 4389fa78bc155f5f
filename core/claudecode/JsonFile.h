#pragma once

#include "Expected.h"

#include <QJsonObject>
#include <QString>

namespace sb {

// Reading and atomically rewriting the small JSON files Claude Code keeps. A file that is
// missing or empty reads as {}; one that is not a JSON object is an error with its
// line and column ("…/settings.json is not valid JSON (line 4, column 12: …)"), and is
// never overwritten.
struct JsonFileContent
{
    bool existed = false;
    QJsonObject object;
};

class JsonFile final
{
public:
    static Expected<JsonFileContent, QString> read(const QString &path);
    // Writes through a temporary file and a rename (QSaveFile; ReplaceFile on Windows).
    // A symlink is followed so the link itself survives; a read-only file is refused.
    // Atomic (QSaveFile); first removes temporaries of this file that a killed writer left.
    static Expected<void, QString> write(const QString &path, const QJsonObject &object);
    static void removeStaleTemporaries(const QString &target);
    // The file a write to `path` really changes (the symlink's target when it is one).
    static QString resolvedPath(const QString &path);
    // The owner's write bit, not access(2): a file the user made read-only stays untouched
    // even when Switchboard runs as root.
    static bool isWritableByOwner(const QString &path);
    static QString describeParseError(const QString &path, const QByteArray &data, int offset, const QString &message);
};

} // namespace sb
