#pragma once

#include <QString>

namespace sb {

// Ids for messages and tool calls the gateway has to invent (upstreams that send none):
// a prefix and 24 random alphanumerics, the shape Anthropic clients expect.
class IdGenerator final
{
public:
    static QString messageId(); // "msg_…"
    static QString toolUseId(); // "toolu_…"
    static QString withPrefix(const QString &prefix, int length = 24);
};

} // namespace sb
