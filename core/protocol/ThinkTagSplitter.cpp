#include "ThinkTagSplitter.h"

namespace sb {

namespace {
const QString kOpenTag = QStringLiteral("<think>");
const QString kCloseTag = QStringLiteral("</think>");

qsizetype leadingSpace(const QString &text)
{
    qsizetype i = 0;
    while (i < text.size() && text.at(i).isSpace())
        ++i;
    return i;
}

// Length of the longest tail of `text` that is a proper start of `tag`.
qsizetype partialTagTail(const QString &text, const QString &tag)
{
    const qsizetype maxLength = std::min(text.size(), tag.size() - 1);
    for (qsizetype length = maxLength; length > 0; --length) {
        if (QStringView(text).right(length) == QStringView(tag).left(length))
            return length;
    }
    return 0;
}
} // namespace

void ThinkTagSplitter::push(bool thinking, const QString &text, std::vector<ThinkSegment> &out)
{
    if (text.isEmpty())
        return;
    if (!out.empty() && out.back().thinking == thinking)
        out.back().text += text;
    else
        out.push_back(ThinkSegment{thinking, text});
}

void ThinkTagSplitter::feed(const QString &text, std::vector<ThinkSegment> &out)
{
    if (m_state == State::Text) {
        push(false, text, out);
        return;
    }

    QString buffer = m_held.isEmpty() ? text : m_held + text;
    m_held.clear();

    if (m_state == State::Start) {
        const qsizetype space = leadingSpace(buffer);
        const QStringView rest = QStringView(buffer).mid(space);
        if (rest.isEmpty()) {
            m_held = buffer;
            return;
        }
        if (rest.startsWith(kOpenTag)) {
            m_state = State::Thinking;
            buffer = rest.mid(kOpenTag.size()).toString();
        } else if (QStringView(kOpenTag).startsWith(rest)) {
            m_held = buffer;
            return;
        } else {
            m_state = State::Text;
            push(false, buffer, out);
            return;
        }
    }

    if (m_state == State::Thinking) {
        const qsizetype close = buffer.indexOf(kCloseTag);
        if (close < 0) {
            const qsizetype tail = partialTagTail(buffer, kCloseTag);
            push(true, buffer.left(buffer.size() - tail), out);
            m_held = buffer.right(tail);
            return;
        }
        push(true, buffer.left(close), out);
        m_state = State::AfterThinking;
        buffer = buffer.mid(close + kCloseTag.size());
    }

    if (m_state == State::AfterThinking) {
        const qsizetype space = leadingSpace(buffer);
        if (space == buffer.size())
            return;
        m_state = State::Text;
        push(false, buffer.mid(space), out);
    }
}

void ThinkTagSplitter::finish(std::vector<ThinkSegment> &out)
{
    if (m_held.isEmpty())
        return;
    // Whitespace still waiting to see whether a tag follows is not worth a block of its own.
    if (m_state == State::Start && leadingSpace(m_held) == m_held.size()) {
        m_held.clear();
        return;
    }
    push(m_state == State::Thinking, m_held, out);
    m_held.clear();
}

std::vector<ThinkSegment> ThinkTagSplitter::split(const QString &text)
{
    ThinkTagSplitter splitter;
    std::vector<ThinkSegment> segments;
    splitter.feed(text, segments);
    splitter.finish(segments);
    return segments;
}

} // namespace sb
