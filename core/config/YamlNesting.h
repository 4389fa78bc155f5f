#pragma once

#include "Expected.h"

#include <QByteArray>
#include <QString>

#include <yaml-cpp/yaml.h>

namespace sb {

// How deep a YAML text nests, read from the text before any parser sees it. yaml-cpp's
// parser recurses once per level (up to its own limit of 2000), which overflows a small
// thread stack (macOS gives secondary threads 512 KB) long before it reports an error, so
// the loader refuses a text nested deeper than kMaxYamlNesting first.
//
// The figure is an estimate from the layout, made to err high rather than low: block levels
// from the indentation (one per strictly deeper indent still open), one per `- ` or `? `
// opening a line's compact entries, and one per open flow bracket (`[`, `{`) outside quotes
// and comments. Block scalars (`|`, `>`) are skipped.
struct YamlNesting
{
    int depth = 0;              // the deepest point
    int line = 0;               // 1-based line where it is reached (0: empty text)
    int firstLineOverLimit = 0; // the first line deeper than kMaxYamlNesting (0: none)
};

constexpr int kMaxYamlNesting = 100;

YamlNesting measureYamlNesting(const QByteArray &text);

// What the parsed tree looks like through its aliases. yaml-cpp lets an alias point into the
// node it is inside (`a: &x [*x]`), which makes the tree infinite, and aliases of aliases can
// multiply it; every walk over such a tree (merge keys, duplicate keys, validation) would
// recurse without end. Checked right after parsing, before anything walks the tree.
struct YamlAliasCheck
{
    enum class Verdict { Fine, Recursive, TooLarge };
    Verdict verdict = Verdict::Fine;
    int line = 0; // 1-based line of the node that contains itself, or where the walk stopped
};

// `maxNodes`: how many nodes the aliases may expand to in all; `maxDepth`: how deep.
YamlAliasCheck checkYamlAliases(const YAML::Node &root, int maxNodes = 200000, int maxDepth = 4 * kMaxYamlNesting);

// The text parsed, after both gates: refused when it nests too deep or its aliases loop or
// multiply; the error says what to fix. An empty text is an empty mapping.
Expected<YAML::Node, QString> loadCheckedYaml(const QByteArray &text);

} // namespace sb
