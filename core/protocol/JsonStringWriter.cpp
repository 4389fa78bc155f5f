#include "JsonStringWriter.h"

#include <charconv>

namespace sb {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}

void JsonStringWriter::append(QByteArray &out, const QString &text)
{
    out.append('"');
    appendEscaped(out, text);
    out.append('"');
}

void JsonStringWriter::appendEscaped(QByteArray &out, const QString &text)
{
    // Encode into a small stack buffer and flush it in blocks: one append per ~256 bytes
    // instead of one per character, and no temporary UTF-8 copy of the whole string.
    char buffer[256];
    int used = 0;
    const auto flushIfNeeded = [&](int needed) {
        if (used + needed > int(sizeof buffer)) {
            out.append(buffer, used);
            used = 0;
        }
    };

    const char16_t *chars = reinterpret_cast<const char16_t *>(text.utf16());
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        char32_t c = chars[i];
        flushIfNeeded(6);
        if (c < 0x80) {
            switch (c) {
            case '"':
                buffer[used++] = '\\';
                buffer[used++] = '"';
                break;
            case '\\':
                buffer[used++] = '\\';
                buffer[used++] = '\\';
                break;
            case '\n':
                buffer[used++] = '\\';
                buffer[used++] = 'n';
                break;
            case '\r':
                buffer[used++] = '\\';
                buffer[used++] = 'r';
                break;
            case '\t':
                buffer[used++] = '\\';
                buffer[used++] = 't';
                break;
            case '\b':
                buffer[used++] = '\\';
                buffer[used++] = 'b';
                break;
            case '\f':
                buffer[used++] = '\\';
                buffer[used++] = 'f';
                break;
            default:
                if (c < 0x20) {
                    buffer[used++] = '\\';
                    buffer[used++] = 'u';
                    buffer[used++] = '0';
                    buffer[used++] = '0';
                    buffer[used++] = kHex[c >> 4];
                    buffer[used++] = kHex[c & 0xf];
                } else {
                    buffer[used++] = char(c);
                }
            }
            continue;
        }
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < size && chars[i + 1] >= 0xdc00 && chars[i + 1] <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (chars[i + 1] - 0xdc00);
            ++i;
        } else if (c >= 0xd800 && c <= 0xdfff) {
            c = 0xfffd;
        }
        if (c < 0x800) {
            buffer[used++] = char(0xc0 | (c >> 6));
            buffer[used++] = char(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            buffer[used++] = char(0xe0 | (c >> 12));
            buffer[used++] = char(0x80 | ((c >> 6) & 0x3f));
            buffer[used++] = char(0x80 | (c & 0x3f));
        } else {
            buffer[used++] = char(0xf0 | (c >> 18));
            buffer[used++] = char(0x80 | ((c >> 12) & 0x3f));
            buffer[used++] = char(0x80 | ((c >> 6) & 0x3f));
            buffer[used++] = char(0x80 | (c & 0x3f));
        }
    }
    if (used > 0)
        out.append(buffer, used);
}

void JsonStringWriter::appendNumber(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

} // namespace sb
