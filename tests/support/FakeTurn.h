#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sb::test {

struct FakeToolCall
{
    QString id; // empty: the fake makes one up in its dialect's style
    QString name;
    QJsonObject arguments;
    int pieces = 3; // streamed argument fragments, where the dialect streams them
};

// One assistant turn, independent of dialect. Each fake renders it in its own wire format.
struct FakeTurn
{
    QString thinking;
    QString text;
    QList<FakeToolCall> toolCalls;
    int inputTokens = 12;
    int outputTokens = 7;
    int textPieces = 4; // streamed fragments of the text (and of the thinking)
    // Anthropic vocabulary: end_turn | tool_use | max_tokens | stop_sequence. Empty: tool_use
    // when there are tool calls, else end_turn. Other values are sent as they are.
    QString stopReason;

    QString effectiveStopReason() const;

    // The default turn of every fake: a short text with a multi-byte character in it.
    static FakeTurn hello();
    static FakeTurn withText(const QString &text);
    static FakeTurn withToolCall(const QString &name, const QJsonObject &arguments, const QString &id = {});
};

// How streamed pieces meet the wire.
enum class FakeWireSplit {
    PerEvent,   // each SSE event / NDJSON line is one write
    InsideUtf8, // each event is written in two parts, cut inside a multi-byte UTF-8
                // character when the event has one (else in its middle), as TCP may do;
                // the parts go out at least 2 ms apart so they arrive as separate reads
};

// Splits text into at most `pieces` non-empty parts on code point boundaries (never inside
// a surrogate pair), sizes as even as possible. Empty text gives no parts.
QStringList fakeSplitText(const QString &text, int pieces);

// Splits one event in two, inside a multi-byte UTF-8 sequence if there is one.
QList<QByteArray> fakeSplitInsideUtf8(const QByteArray &bytes);

} // namespace sb::test
