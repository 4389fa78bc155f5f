#pragma once

#include <QtGlobal>

namespace sb {

// Requests and tokens counted in one fixed minute of a monotonic millisecond clock
// (LiteLLM counts rpm/tpm per calendar minute the same way). roll() starts a new minute.
class MinuteWindow final
{
public:
    static constexpr qint64 kLengthMs = 60000;

    void roll(qint64 nowMs);
    qint64 msUntilNext(qint64 nowMs) const; // > 0
    void add(qint64 requests, qint64 tokens);

    qint64 requests() const;
    qint64 tokens() const;
    qint64 minute() const;

private:
    qint64 m_minute = -1;
    qint64 m_requests = 0;
    qint64 m_tokens = 0;
};

} // namespace sb
