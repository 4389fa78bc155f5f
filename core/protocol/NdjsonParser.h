#pragma once

#include "FramingLimits.h"

#include <QByteArray>
#include <QList>

namespace sb {

// Newline-delimited JSON framing: splits bytes (cut anywhere) into complete lines, without
// their \n or \r\n. Blank lines are skipped. The lines are not parsed here.
class NdjsonParser final
{
public:
    void feed(const char *data, qsizetype size, QList<QByteArray> &lines);
    void feed(const QByteArray &bytes, QList<QByteArray> &lines) { feed(bytes.constData(), bytes.size(), lines); }
    // A final line the body ended without a \n for (empty if none); clears it.
    QByteArray takeRemainder();
    // A record grew past `maxBytes` without its \n: what was buffered is dropped and the rest
    // of the stream ignored. The decoder reports the error.
    bool overflowed() const { return m_overflowed; }
    void setMaxBytes(qsizetype maxBytes) { m_maxBytes = maxBytes; } // for tests
    qsizetype maxBytes() const { return m_maxBytes; }
    qsizetype bufferedBytes() const { return m_pending.size(); }

private:
    QByteArray m_pending;
    bool m_overflowed = false;
    qsizetype m_maxBytes = kMaxUpstreamLineBytes;
};

} // namespace sb
