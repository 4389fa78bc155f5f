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

// Edits one scalar of the YAML in place through YamlTextEdit::setScalar (comments, order and every
// other key stay byte for byte), then ConfigEditor::commitText: the result must load without new
// errors, the old file is kept as <config>.bak and the new one written atomically.
class SettingsYamlTextWriter final : public SettingsConfigWriter
{
public:
    Expected<void, QString> setValue(const QString &configPath, const QString &keyPath, const QVariant &value) override;
};

} // namespace sb
