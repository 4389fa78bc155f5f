#pragma once

#include <QString>

#include <vector>

namespace sb {

struct ThinkSegment
{
    bool thinking = false;
    QString text;
};

// Splits model output that starts with `<think>…</think>` (DeepSeek-R1, Qwen3 and the like
// served without a reasoning parser) into reasoning and answer text. Tags may be cut anywhere
// across feeds; text that could still become a tag is held back until it is decided. Only a
// leading tag counts (whitespace before it is allowed), so prose that mentions `<think>`
// later is left alone. Whitespace right after `</think>` is dropped.
class ThinkTagSplitter final
{
public:
    void feed(const QString &text, std::vector<ThinkSegment> &out);
    // The text ended: release whatever was held back.
    void finish(std::vector<ThinkSegment> &out);
    // Whole-text convenience for non-streaming answers.
    static std::vector<ThinkSegment> split(const QString &text);

private:
    enum class State { Start, Thinking, AfterThinking, Text };

    void push(bool thinking, const QString &text, std::vector<ThinkSegment> &out);

    State m_state = State::Start;
    QString m_held;
};

} // namespace sb
