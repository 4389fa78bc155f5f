#pragma once

#include "Expected.h"

#include <QString>
#include <QVariant>

namespace sb {

// Where the Settings page's config writes go (tests can put a fake behind it).
class SettingsConfigWriter
{
public:
    virtual ~SettingsConfigWriter() = default;
    // Sets `keyPath` ("switchboard.port", "model_list[1].litellm_params.api_base") to a scalar.
    virtual Expected<void, QString> setValue(const QString &configPath, const QString &keyPath,
                                             const QVariant &value) = 0;
};

// The page's writer: ConfigEditor (the config's one declared schema: type, bounds, atomic write,
// <file>.bak, comments kept) for keys in mapping sections; ConfigEditor refuses keys inside a
// list, so a list item's scalar (the Ollama address is each Ollama deployment's
// model_list[i].litellm_params.api_base) goes through SettingsYamlTextWriter, which keeps the
// same guarantees.
class SettingsSchemaWriter final : public SettingsConfigWriter
{
public:
    Expected<void, QString> setValue(const QString &configPath, const QString &keyPath, const QVariant &value) override;
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
