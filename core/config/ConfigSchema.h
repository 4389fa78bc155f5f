#pragma once

#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>
#include <vector>

namespace sb {

// The one declaration of every configuration key Switchboard reads: its type, default,
// bounds, unit, description and status. The loader reads values through it, ConfigEditor
// checks writes against it, and the README's reference table is generated from it
// (markdownReference(); `cmake --build build --target update-config-reference`).
class ConfigSchema final
{
public:
    enum class Type { String, Int, Number, Bool, Map, List, StringList, StringMap, Any };
    enum class Status {
        Active,       // Switchboard honours it
        NotActiveYet, // accepted and kept; a later feature acts on it
        NoEffect      // accepted so LiteLLM configs load; it changes nothing here
    };
    // What a value beyond a bound becomes. Every case is reported: Reject as an error (the
    // value is not used), Clamp and UseDefault as a warning naming the value used.
    enum class OutOfBounds { Reject, Clamp, UseDefault };

    struct Bound
    {
        double value = 0;
        bool exclusive = false; // (0, …: the bound itself is outside
        OutOfBounds action = OutOfBounds::Reject;
    };

    struct Key
    {
        const char *path = ""; // "litellm_settings.num_retries"; "model_list[]" marks list items
        Type type = Type::Any;
        Status status = Status::Active;
        const char *note = "";        // for NotActiveYet / NoEffect: what the user should know
        const char *description = ""; // one line, for the reference table and the GUI editors
        const char *unit = "";        // "seconds", "MB", "tokens", "USD per token", …
        QVariant defaultValue;        // invalid: the key has no plain default
        const char *defaultNote = ""; // the default in words where it is not one value
        std::optional<Bound> min;
        std::optional<Bound> max;
        bool secret = false; // a credential: only a reference (os.environ/…, ${…}, keychain/…) is written
        QStringList choices; // a String key that takes only these values (empty: any)

        bool isScalar() const;
    };

    // A number checked against a key's bounds.
    struct Checked
    {
        enum class Outcome { InBounds, Clamped, Defaulted, Rejected };
        Outcome outcome = Outcome::InBounds;
        double value = 0; // the value to use (unset meaning for Rejected)
        QString message;  // for every outcome but InBounds: says the value given, the bound and the value used
    };

    static const std::vector<Key> &keys();
    // The declaration of `path` (with list indices written as "[]"), or nullptr.
    static const Key *find(const QString &path);
    // "model_list[2].litellm_params.rpm" → "model_list[].litellm_params.rpm"
    static QString schemaPath(const QString &shownPath);
    static QString typeName(Type type);

    static Checked check(const Key &key, double value);
    // "more than 0 and at most 4096 MB", "at least 0 seconds", "" when unbounded.
    static QString rangeText(const Key &key);
    // "(0, 4096] MB", "≥ 0 seconds", "" when unbounded; then how values beyond are treated.
    static QString boundsText(const Key &key);
    // The default as the table shows it ("600", "true", "\"127.0.0.1\"", the defaultNote), or "".
    static QString defaultText(const Key &key);
    // The reference table for the README (between its config-reference markers).
    static QString markdownReference();
    // A value as the messages write it: 8.8e+12, 0.05, 4096.
    static QString formatNumber(double value);
};

} // namespace sb
