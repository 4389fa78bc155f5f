#include "SseParser.h"

#include <cstring>

namespace sb {

void SseParser::feed(const char *data, qsizetype size, std::vector<SseEvent> &out)
{
    if (m_overflowed)
        return;
    const char *pos = data;
    const char *end = data + size;
    if (pos < end && m_skipLineFeed && *pos == '\n')
        ++pos;
    m_skipLineFeed = false;

    while (pos < end) {
        const char *lineEnd = pos;
        while (lineEnd < end && *lineEnd != '\n' && *lineEnd != '\r')
            ++lineEnd;
        if (lineEnd == end) {
            if (m_line.size() + (lineEnd - pos) > m_maxBytes) {
                overflow();
                return;
            }
            m_line.append(pos, lineEnd - pos);
            return;
        }
        if (m_line.isEmpty()) {
            processLine(pos, lineEnd - pos, out);
        } else {
            m_line.append(pos, lineEnd - pos);
            processLine(m_line.constData(), m_line.size(), out);
            m_line.clear();
        }
        if (m_data.size() > m_maxBytes) { // `data:` lines piling up without a blank line
            overflow();
            return;
        }
        if (*lineEnd == '\r') {
            ++lineEnd;
            if (lineEnd == end)
                m_skipLineFeed = true;
            else if (*lineEnd == '\n')
                ++lineEnd;
        } else {
            ++lineEnd;
        }
        pos = lineEnd;
    }
}

void SseParser::overflow()
{
    m_overflowed = true;
    m_line = QByteArray(); // release the memory, not just the size
    m_data = QByteArray();
    m_event.clear();
    m_hasData = false;
}

void SseParser::finish(std::vector<SseEvent> &out)
{
    if (m_overflowed)
        return;
    if (!m_line.isEmpty()) {
        const QByteArray line = m_line;
        m_line.clear();
        processLine(line.constData(), line.size(), out);
    }
    dispatch(out);
    m_skipLineFeed = false;
}

void SseParser::processLine(const char *line, qsizetype size, std::vector<SseEvent> &out)
{
    if (size == 0) {
        dispatch(out);
        return;
    }
    if (line[0] == ':')
        return;

    const char *colon = static_cast<const char *>(std::memchr(line, ':', size_t(size)));
    const qsizetype nameSize = colon ? colon - line : size;
    const char *value = colon ? colon + 1 : line + size;
    qsizetype valueSize = line + size - value;
    if (valueSize > 0 && *value == ' ') {
        ++value;
        --valueSize;
    }

    const auto nameIs = [&](const char *name, qsizetype length) {
        return nameSize == length && std::memcmp(line, name, size_t(length)) == 0;
    };
    if (nameIs("data", 4)) {
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value, valueSize);
        m_hasData = true;
    } else if (nameIs("event", 5)) {
        m_event = QByteArray(value, valueSize);
    }
    // `id` and `retry` only matter to reconnecting browsers; other fields are ignored by rule.
}

void SseParser::dispatch(std::vector<SseEvent> &out)
{
    if (m_hasData)
        out.push_back(SseEvent{m_event, m_data});
    m_event.clear();
    m_data.clear();
    m_hasData = false;
}

} // namespace sb
