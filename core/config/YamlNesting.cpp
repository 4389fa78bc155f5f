#include "YamlNesting.h"

#include <exception>
#include <vector>

namespace sb {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// A quote opens a quoted scalar only where a token can start.
bool tokenStart(const QByteArray &line, qsizetype at)
{
    if (at == 0)
        return true;
    const char before = line.at(at - 1);
    return isBlank(before) || before == '[' || before == '{' || before == ',' || before == ':' || before == '-' ||
           before == '?';
}

// The line (comment removed, quotes tracked) ends with a block scalar indicator: `|`, `>`,
// optionally followed by chomping / indentation indicators.
bool endsWithBlockScalar(const QByteArray &content)
{
    qsizetype end = content.size();
    while (end > 0 && isBlank(content.at(end - 1)))
        --end;
    qsizetype at = end;
    while (at > 0 && (content.at(at - 1) == '+' || content.at(at - 1) == '-' ||
                      (content.at(at - 1) >= '1' && content.at(at - 1) <= '9')))
        --at;
    if (at == 0 || (content.at(at - 1) != '|' && content.at(at - 1) != '>'))
        return false;
    return at == 1 || isBlank(content.at(at - 2));
}

void note(YamlNesting &deepest, int depth, int line)
{
    if (depth > deepest.depth) {
        deepest.depth = depth;
        deepest.line = line;
    }
    if (depth > kMaxYamlNesting && deepest.firstLineOverLimit == 0)
        deepest.firstLineOverLimit = line;
}

} // namespace

YamlNesting measureYamlNesting(const QByteArray &text)
{
    YamlNesting deepest;
    std::vector<int> indents; // the open block levels' indentation, strictly increasing
    int flow = 0;             // open [ and {
    char quote = 0;           // inside a quoted scalar that spans lines
    int blockScalarIndent = -1;
    int lineNumber = 0;
    qsizetype start = 0;
    while (start <= text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        const QByteArray line = text.mid(start, end - start);
        start = end + 1;
        ++lineNumber;

        int indent = 0;
        while (indent < line.size() && isBlank(line.at(indent)))
            ++indent;
        const bool empty = indent == line.size() || line.at(indent) == '\r';
        if (blockScalarIndent >= 0) {
            if (empty || indent > blockScalarIndent)
                continue; // the scalar's own text
            blockScalarIndent = -1;
        }
        if (empty && !quote)
            continue;

        int depth = 0;
        qsizetype at = indent;
        if (!quote && flow == 0) {
            if (line.at(indent) == '#')
                continue;
            while (!indents.empty() && indents.back() >= indent)
                indents.pop_back();
            indents.push_back(indent);
            // Compact entries: "- - x", "? - x" open a level each.
            while (at + 1 < line.size() && (line.at(at) == '-' || line.at(at) == '?') && isBlank(line.at(at + 1))) {
                ++depth;
                at += 2;
                while (at < line.size() && isBlank(line.at(at)))
                    ++at;
            }
        }
        QByteArray content; // the line without its comment, for the block scalar test
        content.reserve(line.size());
        content += line.left(at);
        for (; at < line.size(); ++at) {
            const char c = line.at(at);
            if (quote) {
                if (quote == '"' && c == '\\') {
                    ++at; // the escaped character
                    continue;
                }
                if (c == quote) {
                    if (quote == '\'' && at + 1 < line.size() && line.at(at + 1) == '\'') {
                        ++at; // '' inside single quotes
                        continue;
                    }
                    quote = 0;
                }
                continue;
            }
            if (c == '#' && (at == 0 || isBlank(line.at(at - 1))))
                break;
            content += c;
            if ((c == '"' || c == '\'') && tokenStart(line, at)) {
                quote = c;
            } else if (c == '[' || c == '{') {
                ++flow;
                note(deepest, int(indents.size()) + depth + flow, lineNumber);
            } else if ((c == ']' || c == '}') && flow > 0) {
                --flow;
            }
        }
        note(deepest, int(indents.size()) + depth + flow, lineNumber);
        if (!quote && flow == 0 && endsWithBlockScalar(content))
            blockScalarIndent = indent;
    }
    return deepest;
}

namespace {

struct AliasWalk
{
    int budget;
    int maxDepth;
    std::vector<YAML::Node> path; // the ancestors of the node being walked
    YamlAliasCheck result;

    bool walk(const YAML::Node &node)
    {
        for (const YAML::Node &ancestor : path) {
            if (ancestor.is(node)) {
                result = {YamlAliasCheck::Verdict::Recursive, node.Mark().line + 1};
                return false;
            }
        }
        if (--budget < 0 || int(path.size()) >= maxDepth) {
            result = {YamlAliasCheck::Verdict::TooLarge, node.Mark().line + 1};
            return false;
        }
        if (!node.IsMap() && !node.IsSequence())
            return true;
        path.push_back(node);
        bool fine = true;
        if (node.IsMap()) {
            for (auto it = node.begin(); fine && it != node.end(); ++it)
                fine = walk(it->first) && walk(it->second);
        } else {
            for (auto it = node.begin(); fine && it != node.end(); ++it)
                fine = walk(*it);
        }
        path.pop_back();
        return fine;
    }
};

} // namespace

YamlAliasCheck checkYamlAliases(const YAML::Node &root, int maxNodes, int maxDepth)
{
    AliasWalk walk{maxNodes, maxDepth, {}, {}};
    walk.walk(root);
    return walk.result;
}

Expected<YAML::Node, QString> loadCheckedYaml(const QByteArray &text)
{
    if (measureYamlNesting(text).depth > kMaxYamlNesting)
        return unexpected(
            QStringLiteral("the config nests more than %1 levels deep; fix it first").arg(kMaxYamlNesting));
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const std::exception &error) {
        return unexpected(QStringLiteral("the config is not valid YAML (%1); fix it first").arg(error.what()));
    }
    if (checkYamlAliases(root).verdict != YamlAliasCheck::Verdict::Fine)
        return unexpected(QStringLiteral("the config's aliases refer to themselves or expand too far; fix it first"));
    if (!root.IsDefined() || root.IsNull())
        root = YAML::Node(YAML::NodeType::Map);
    return root;
}

} // namespace sb
