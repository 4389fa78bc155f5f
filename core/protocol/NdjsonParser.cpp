#include "NdjsonParser.h"

#include <cstring>

namespace sb {

namespace {
bool isBlank(const char *data, qsizetype size)
{
    for (qsizetype i = 0; i < size; ++i) {
        if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r')
            return false;
    }
    return true;
}

void emitLine(const char *data, qsizetype size, QList<QByteArray> &lines)
{
    if (size > 0 && data[size - 1] == '\r')
        --size;
    if (!isBlank(data, size))
        lines.append(QByteArray(data, size));
}
} // namespace

void NdjsonParser::feed(const char *data, qsizetype size, QList<QByteArray> &lines)
{
    if (m_overflowed)
        return;
    const char *pos = data;
    const char *end = data + size;
    while (pos < end) {
        const char *newline = static_cast<const char *>(std::memchr(pos, '\n', size_t(end - pos)));
        if (!newline) {
            if (m_pending.size() + (end - pos) > m_maxBytes) {
                m_overflowed = true;
                m_pending = QByteArray(); // release the memory, not just the size
                return;
            }
            m_pending.append(pos, end - pos);
            return;
        }
        if (m_pending.size() + (newline - pos) > m_maxBytes) {
            m_overflowed = true;
            m_pending = QByteArray();
            return;
        }
        if (m_pending.isEmpty()) {
            emitLine(pos, newline - pos, lines);
        } else {
            m_pending.append(pos, newline - pos);
            emitLine(m_pending.constData(), m_pending.size(), lines);
            m_pending.clear();
        }
        pos = newline + 1;
    }
}

QByteArray NdjsonParser::takeRemainder()
{
    QByteArray rest;
    rest.swap(m_pending);
    if (rest.endsWith('\r'))
        rest.chop(1);
    if (isBlank(rest.constData(), rest.size()))
        return {};
    return rest;
}

} // namespace sb
