#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <optional>

namespace sb {

// Writes single values of the config through its one declared schema (ConfigSchema), for the
// desktop Settings page. Only scalar keys in mapping sections (`switchboard.port`,
// `litellm_settings.num_retries`, `litellm_settings.cache_params.ttl`, …); the value's type
// and bounds are checked against the schema, and credentials are written only as references
// (`os.environ/NAME`, `${NAME}`, `keychain/NAME`).
//
// The YAML text is edited, not re-serialised: only the one line changes (or is added, with
// its section when missing), so comments, order, quoting and keys Switchboard does not know
// stay byte for byte. The edited text is loaded with ConfigLoader first and refused when it
// would bring an error the file did not have; the file is then written atomically, the
// previous one kept as `<file>.bak`.
class ConfigEditor final
{
public:
    // A missing file is created from the first-run config with the value set.
    static Expected<void, QString> setValue(const QString &configPath, const QString &keyPath, const QVariant &value);
    // The key's line removed, so the default applies; a key that is not there changes nothing.
    static Expected<void, QString> removeValue(const QString &configPath, const QString &keyPath);

    // The pure text edits behind them (no loading, no files).
    static Expected<QByteArray, QString> withValue(const QByteArray &yaml, const QString &keyPath,
                                                   const QVariant &value);
    static Expected<QByteArray, QString> withoutValue(const QByteArray &yaml, const QString &keyPath);

    // A whole edited text (from YamlTextEdit or ModelListEditor) through the same checks and
    // write: refused when it brings a load error the file did not have, or — with `basedOn`,
    // the text the edit started from — when the file changed since it was read.
    static Expected<void, QString> commitText(const QString &configPath, const QByteArray &edited,
                                              const std::optional<QByteArray> &basedOn = std::nullopt);

    static QString backupPath(const QString &configPath); // "<configPath>.bak"
};

} // namespace sb
