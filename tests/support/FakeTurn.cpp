#include "FakeTurn.h"

#include <QVector>

namespace sb::test {

QString FakeTurn::effectiveStopReason() const
{
    if (!stopReason.isEmpty())
        return stopReason;
    return toolCalls.isEmpty() ? QStringLiteral("end_turn") : QStringLiteral("tool_use");
}

FakeTurn FakeTurn::hello()
{
    // "é" (2 bytes) and "—" (3 bytes) make byte-level splits land inside characters.
    return withText(QStringLiteral("Hello from the fake upstream — café."));
}

FakeTurn FakeTurn::withText(const QString &text)
{
    FakeTurn turn;
    turn.text = text;
    return turn;
}

FakeTurn FakeTurn::withToolCall(const QString &name, const QJsonObject &arguments, const QString &id)
{
    FakeTurn turn;
    FakeToolCall call;
    call.id = id;
    call.name = name;
    call.arguments = arguments;
    turn.toolCalls.append(call);
    return turn;
}

QStringList fakeSplitText(const QString &text, int pieces)
{
    QStringList out;
    if (text.isEmpty())
        return out;
    // Code point start offsets, so no piece ends between two halves of a surrogate pair.
    QVector<qsizetype> starts;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (!text.at(i).isLowSurrogate() || i == 0 || !text.at(i - 1).isHighSurrogate())
            starts.append(i);
    }
    const qsizetype points = starts.size();
    const qsizetype n = qBound<qsizetype>(1, qsizetype(pieces), points);
    for (qsizetype k = 0; k < n; ++k) {
        const qsizetype from = starts.at(points * k / n);
        const qsizetype to = k + 1 == n ? text.size() : starts.at(points * (k + 1) / n);
        out.append(text.mid(from, to - from));
    }
    return out;
}

QList<QByteArray> fakeSplitInsideUtf8(const QByteArray &bytes)
{
    if (bytes.size() < 2)
        return {bytes};
    qsizetype cut = bytes.size() / 2;
    for (qsizetype i = 0; i + 1 < bytes.size(); ++i) {
        const auto lead = static_cast<unsigned char>(bytes.at(i));
        if (lead >= 0xC0) { // the first byte of a multi-byte sequence: cut right after it
            cut = i + 1;
            break;
        }
    }
    return {bytes.left(cut), bytes.mid(cut)};
}

} // namespace sb::test
