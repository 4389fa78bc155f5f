#include "MinuteWindow.h"

namespace sb {

namespace {
qint64 minuteOf(qint64 nowMs)
{
    // Floor division, so a clock that starts below zero still gets whole minutes.
    return nowMs >= 0 ? nowMs / MinuteWindow::kLengthMs
                      : -((-nowMs + MinuteWindow::kLengthMs - 1) / MinuteWindow::kLengthMs);
}
} // namespace

void MinuteWindow::roll(qint64 nowMs)
{
    const qint64 minute = minuteOf(nowMs);
    if (minute != m_minute) {
        m_minute = minute;
        m_requests = 0;
        m_tokens = 0;
    }
}

qint64 MinuteWindow::msUntilNext(qint64 nowMs) const
{
    return (minuteOf(nowMs) + 1) * kLengthMs - nowMs;
}

void MinuteWindow::add(qint64 requests, qint64 tokens)
{
    m_requests += requests;
    m_tokens += tokens;
    if (m_tokens < 0)
        m_tokens = 0;
}

qint64 MinuteWindow::requests() const
{
    return m_requests;
}

qint64 MinuteWindow::tokens() const
{
    return m_tokens;
}

qint64 MinuteWindow::minute() const
{
    return m_minute;
}

} // namespace sb
