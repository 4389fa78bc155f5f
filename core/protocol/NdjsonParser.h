#pragma once

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

private:
    QByteArray m_pending;
};

} // namespace sb
