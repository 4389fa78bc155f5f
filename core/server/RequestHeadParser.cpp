#include "RequestHeadParser.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace sb {

namespace {

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isToken(const QByteArray &bytes)
{
    return !bytes.isEmpty() && std::all_of(bytes.cbegin(), bytes.cend(), isTokenChar);
}

// RFC 9112 3: method SP request-target SP HTTP-version. Qt 6.4's parser drops a connection
// with a malformed one without a word; the client deserves a 400.
std::optional<QString> requestLineProblem(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    const auto printable = [](const QByteArray &target) {
        return std::all_of(target.cbegin(), target.cend(), [](char c) { return c > 0x20 && c != 0x7f; });
    };
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty() || !printable(parts.at(1)))
        return QStringLiteral("malformed request line: expected `METHOD /path HTTP/1.1`");
    if (parts.at(2) != "HTTP/1.1" && parts.at(2) != "HTTP/1.0")
        return QStringLiteral("unsupported HTTP version (HTTP/1.1 and HTTP/1.0 are served)");
    return std::nullopt;
}

// A field line is `name: value`, the name a token right before the colon. Qt 6.4's parser
// reads a line without a colon as part of a header's name and loses the next header (a
// request then failed with 403 "Host "" is not this gateway"); whitespace before the colon
// and folded lines are read differently by different parsers (RFC 9112 5.1, 5.2).
std::optional<QString> headerLineProblem(const QByteArray &line, int number)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return QStringLiteral("header line %1 is folded (obsolete line folding is not accepted)").arg(number);
    const qsizetype colon = line.indexOf(':');
    if (colon < 0)
        return QStringLiteral("header line %1 has no colon (expected `Name: value`)").arg(number);
    if (!isToken(line.left(colon)))
        return QStringLiteral("header line %1 has a malformed name (expected `Name: value`)").arg(number);
    return std::nullopt;
}

} // namespace

RequestHeadParser::State RequestHeadParser::feed(const QByteArray &piece)
{
    if (m_refused)
        return State::Refused;
    const qsizetype before = m_buffer.size();
    m_buffer += piece;
    // Each line as soon as it is complete: a client that sent a broken line and waits gets
    // its 400 now, not a silent close at the head deadline.
    if (!checkCompleteLines())
        return State::Refused;
    const qsizetype end = m_end;
    if (end < 0) {
        if (m_buffer.size() > kMaxHeadBytes)
            return refuse(431, QStringLiteral("request headers exceed %1 KiB").arg(kMaxHeadBytes / 1024));
        return State::NeedMore;
    }
    const State state = complete(end);
    m_consumed = end + 4 - before;
    m_buffer.clear();
    m_checkedUpTo = 0;
    m_lines = 0;
    m_end = -1;
    return state;
}

bool RequestHeadParser::checkCompleteLines()
{
    for (;;) {
        const qsizetype eol = m_buffer.indexOf("\r\n", m_checkedUpTo);
        if (eol < 0)
            return true;
        const QByteArray line = m_buffer.mid(m_checkedUpTo, eol - m_checkedUpTo);
        const bool first = m_lines == 0;
        m_checkedUpTo = eol + 2;
        if (line.isEmpty()) {
            if (first)
                continue; // RFC 9112 2.2: an empty line before the request line is ignored
            // The end of the head: where the CRLF of its last line begins. Searching for the
            // first CRLFCRLF instead would end a head at empty lines before its request line.
            m_end = eol - 2;
            return true;
        }
        ++m_lines;
        const std::optional<QString> problem = first ? requestLineProblem(line) : headerLineProblem(line, m_lines - 1);
        if (first)
            m_requestLine = line;
        if (problem) {
            refuse(400, *problem);
            return false;
        }
    }
}

RequestHeadParser::State RequestHeadParser::complete(qsizetype end)
{
    if (m_lines - 1 > kMaxHeaderLines)
        return refuse(431, QStringLiteral("more than %1 request headers").arg(kMaxHeaderLines));
    Head head;
    const QList<QByteArray> parts = m_requestLine.split(' ');
    head.method = parts.value(0);
    head.target = parts.value(1);
    bool requestLine = true;
    for (const QByteArray &line : m_buffer.left(end).split('\n')) {
        const QByteArray trimmed = line.endsWith('\r') ? line.chopped(1) : line;
        if (trimmed.isEmpty())
            continue;
        if (requestLine) {
            requestLine = false;
            continue;
        }
        const qsizetype colon = trimmed.indexOf(':');
        head.headers.append({trimmed.left(colon).toLower(), trimmed.mid(colon + 1).trimmed()});
    }
    qint64 length = -1;
    bool lengthConflict = false;
    bool badLength = false;
    bool transferEncoding = false;
    int hosts = 0;
    for (const auto &[name, value] : head.headers) {
        if (name == "content-length") {
            bool ok = false;
            const qint64 number = value.toLongLong(&ok);
            badLength = badLength || !ok || number < 0;
            lengthConflict = lengthConflict || (length >= 0 && number != length);
            length = std::max(length, number);
        } else if (name == "transfer-encoding") {
            transferEncoding = true;
        } else if (name == "expect" && value.toLower().contains("100-continue")) {
            head.expectContinue = true;
        } else if (name == "host") {
            ++hosts;
        }
    }
    head.contentLength = length;
    // Two Hosts are two answers to "is this request for us?" (RFC 9112 3.2).
    if (hosts > 1)
        return refuse(400, QStringLiteral("a request carries one Host header"));
    // Request smuggling: two framings of one body are read differently by different
    // parsers, and the rest of the body would be answered as a second request.
    if (transferEncoding && length >= 0)
        return refuse(400, QStringLiteral("a request may not carry both Content-Length and Transfer-Encoding"));
    if (lengthConflict || badLength)
        return refuse(400, QStringLiteral("conflicting or malformed Content-Length headers"));
    // A chunked upload has no size to check before it is buffered whole: every client of the
    // gateway sends Content-Length.
    if (transferEncoding)
        return refuse(411, QStringLiteral("request bodies need a Content-Length (chunked uploads are not accepted)"));
    m_head = std::move(head);
    return State::Complete;
}

RequestHeadParser::State RequestHeadParser::refuse(int status, const QString &message)
{
    m_refused = true;
    m_refusal = {status, message};
    return State::Refused;
}

QByteArray RequestHeadParser::requestLine() const
{
    return m_requestLine.isEmpty() ? m_buffer.left(m_buffer.indexOf("\r\n")) : m_requestLine;
}

} // namespace sb
