#include "JsonStringWriter.h"

#include <QtGlobal>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace sb {

namespace {
constexpr char kHex[] = "0123456789abcdef";

#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
constexpr quint64 kLanes(quint64 unit)
{
    return unit * 0x0001000100010001ULL;
}

// Whether none of the four UTF-16 units in `word` needs more than a copy: each is below 0x80,
// at least 0x20, and neither '"' nor '\\'. (A lane's borrow can only make another lane look
// worse, never better, so no escape is missed.)
bool plainAscii(quint64 word)
{
    constexpr quint64 high = kLanes(0x8000);
    if (word & kLanes(0xff80))
        return false;
    const quint64 belowSpace = (word - kLanes(0x20)) & high;
    const quint64 quote = word ^ kLanes('"');
    const quint64 backslash = word ^ kLanes('\\');
    const quint64 isQuote = (quote - kLanes(1)) & ~quote & high;
    const quint64 isBackslash = (backslash - kLanes(1)) & ~backslash & high;
    return (belowSpace | isQuote | isBackslash) == 0;
}
#endif
} // namespace

void JsonStringWriter::append(QByteArray &out, const QString &text)
{
    out.append('"');
    appendEscaped(out, text);
    out.append('"');
}

void JsonStringWriter::appendEscaped(QByteArray &out, const QString &text)
{
    // Written in place into `out`, a block of UTF-16 units at a time: room for the worst case
    // (6 bytes a unit, "\u001f") is made once per block and the unused part cut off after it,
    // so the common case, printable ASCII, is one compare and one store a character. (A stack
    // buffer flushed every 256 bytes spent a fifth of the gateway's time on a 60 KB prompt.)
    constexpr qsizetype kBlock = 4096;
    const char16_t *chars = reinterpret_cast<const char16_t *>(text.utf16());
    const qsizetype size = text.size();
    qsizetype i = 0;
    while (i < size) {
        const qsizetype blockEnd = std::min(size, i + kBlock);
        const qsizetype start = out.size();
        out.resize(start + (blockEnd - i) * 6);
        char *const begin = out.data() + start;
        char *p = begin;
        while (i < blockEnd) {
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
            // Four units at a time while they are printable ASCII other than '"' and '\\'
            // (most prompt text): checked in one 64-bit word, narrowed to four bytes. About a
            // sixth less time a unit on ASCII prose than one unit at a time.
            while (blockEnd - i >= 4) {
                quint64 word;
                std::memcpy(&word, chars + i, 8);
                if (!plainAscii(word))
                    break;
                const quint32 bytes = quint32((word & 0xff) | ((word >> 8) & 0xff00) | ((word >> 16) & 0xff0000) |
                                              ((word >> 24) & 0xff000000));
                std::memcpy(p, &bytes, 4);
                p += 4;
                i += 4;
            }
            if (i >= blockEnd)
                break;
#endif
            char32_t c = chars[i++];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                *p++ = char(c);
                continue;
            }
            if (c < 0x80) {
                *p++ = '\\';
                switch (c) {
                case '"': *p++ = '"'; break;
                case '\\': *p++ = '\\'; break;
                case '\n': *p++ = 'n'; break;
                case '\r': *p++ = 'r'; break;
                case '\t': *p++ = 't'; break;
                case '\b': *p++ = 'b'; break;
                case '\f': *p++ = 'f'; break;
                default:
                    *p++ = 'u';
                    *p++ = '0';
                    *p++ = '0';
                    *p++ = kHex[c >> 4];
                    *p++ = kHex[c & 0xf];
                }
                continue;
            }
            // A pair's second unit may lie past the block: its 4 bytes fit in the first's 6.
            if (c >= 0xd800 && c <= 0xdbff && i < size && chars[i] >= 0xdc00 && chars[i] <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (chars[i] - 0xdc00);
                ++i;
            } else if (c >= 0xd800 && c <= 0xdfff) {
                c = 0xfffd;
            }
            if (c < 0x800) {
                *p++ = char(0xc0 | (c >> 6));
                *p++ = char(0x80 | (c & 0x3f));
            } else if (c < 0x10000) {
                *p++ = char(0xe0 | (c >> 12));
                *p++ = char(0x80 | ((c >> 6) & 0x3f));
                *p++ = char(0x80 | (c & 0x3f));
            } else {
                *p++ = char(0xf0 | (c >> 18));
                *p++ = char(0x80 | ((c >> 12) & 0x3f));
                *p++ = char(0x80 | ((c >> 6) & 0x3f));
                *p++ = char(0x80 | (c & 0x3f));
            }
        }
        out.resize(start + (p - begin));
    }
}

void JsonStringWriter::appendNumber(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

} // namespace sb
