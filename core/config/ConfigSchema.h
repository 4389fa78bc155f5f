#pragma once

#include <QString>

#include <vector>

namespace sb {

// The one declaration of every configuration key Switchboard reads. The loader validates
// against it, warnings quote its notes, and the README's table is written from it.
class ConfigSchema final
{
public:
    enum class Type { String, Int, Number, Bool, Map, List, StringList, StringMap, Any };
    enum class Status {
        Active,       // Switchboard honours it
        NotActiveYet, // accepted and kept; a later feature acts on it
        NoEffect      // accepted so LiteLLM configs load; it changes nothing here
    };

    struct Key
    {
        const char *path; // "litellm_settings.num_retries"; "model_list[]" marks list items
        Type type;
        Status status;
        const char *note; // for NotActiveYet / NoEffect: what the user should know
    };

    static const std::vector<Key> &keys();
    // The declaration of `path` (with list indices written as "[]"), or nullptr.
    static const Key *find(const QString &path);
    static QString typeName(Type type);
};

} // namespace sb
