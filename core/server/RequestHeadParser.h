#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace sb {

// The request-head half of HTTP/1.1 framing as the connection guard reads it, with no socket:
// bytes in, and out either "more please", a complete head, or a refusal with its status.
// Each line is checked as soon as it is complete (a malformed request line or header line is
// a 400 at once), a head over 64 KiB or 100 header lines is a 431, and the framing of the
// body is checked when the head is complete: one Host, never both Content-Length and
// Transfer-Encoding, one well-formed length, no chunked uploads (411).
//
// After Complete the parser is ready for the next head; the bytes of the last piece after
// the head (a body, a pipelined request) were not taken and are the caller's to feed again.
// Refused is final.
class RequestHeadParser final
{
public:
    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    static constexpr int kMaxHeaderLines = 100;

    enum class State { NeedMore, Complete, Refused };

    struct Head
    {
        QByteArray method;
        QByteArray target;                            // as on the request line (path and query)
        QList<QPair<QByteArray, QByteArray>> headers; // names in lower case, values trimmed
        qint64 contentLength = -1;                    // -1: none declared
        bool expectContinue = false;                  // Expect: 100-continue
    };

    struct Refusal
    {
        int status = 0; // 400, 411 or 431
        QString message;
    };

    State feed(const QByteArray &piece);

    // After Complete: how many bytes of the last piece belonged to the head.
    qsizetype consumed() const { return m_consumed; }
    const Head &head() const { return m_head; }
    const Refusal &refusal() const { return m_refusal; }
    // Bytes of a head not complete yet.
    qsizetype buffered() const { return m_buffer.size(); }
    // The last request line read, else the first line of what is buffered: the client's
    // dialect for an error answer is told by its path.
    QByteArray requestLine() const;

private:
    bool checkCompleteLines();
    State complete(qsizetype end);
    State refuse(int status, const QString &message);

    QByteArray m_buffer;
    QByteArray m_requestLine;
    qsizetype m_checkedUpTo = 0; // m_buffer is checked line by line up to here
    int m_lines = 0;             // request line and header lines seen
    qsizetype m_end = -1;        // where the head's closing CRLFCRLF begins, once seen
    qsizetype m_consumed = 0;
    Head m_head;
    Refusal m_refusal;
    bool m_refused = false;
};

} // namespace sb
