#pragma once

#include "Expected.h"

#include <QString>
#include <QVariant>

namespace sb {

// Where the Settings page's config writes go. The schema branch's ConfigEditor
// (core/config/ConfigEditor) is meant to sit behind this; until it lands, SettingsYamlTextWriter
// does the same job for the few scalar keys the page edits.
class SettingsConfigWriter
{
public:
    virtual ~SettingsConfigWriter() = default;
    // Sets `keyPath` ("switchboard.port", "model_list[1].litellm_params.api_base") to a scalar.
    virtual Expected<void, QString> setValue(const QString &configPath, const QString &keyPath,
                                             const QVariant &value) = 0;
};

// Edits one scalar of the YAML in place: the value's characters on its line are replaced (or a
// missing key is added under its parent mapping), so comments, order and every other key stay
// byte for byte. The result must still load without errors (ConfigLoader, i.e. the one declared
// schema) before it is written: atomically (QSaveFile), after copying the old file to
// <config>.bak.
class SettingsYamlTextWriter final : public SettingsConfigWriter
{
public:
    Expected<void, QString> setValue(const QString &configPath, const QString &keyPath, const QVariant &value) override;

    // The edit alone, on text (for tests and for a preview).
    static Expected<QByteArray, QString> editText(const QByteArray &yaml, const QString &keyPath,
                                                  const QVariant &value);
    // A YAML scalar for `value`: numbers and booleans bare, strings bare when safe, else quoted.
    static QString scalarText(const QVariant &value);
};

} // namespace sb
