#include "HttpResponseParser.h"

#include <cstring>

namespace sb {

void HttpResponseParser::reset(bool headRequest)
{
    m_state = State::Head;
    m_headRequest = headRequest;
    m_head.clear();
    m_status = 0;
    m_keepAlive = true;
    m_remaining = 0;
    m_chunkState = ChunkState::Size;
    m_chunkLine.clear();
}

void HttpResponseParser::end(Sink &sink)
{
    m_state = State::Done;
    sink.responseEnd();
}

void HttpResponseParser::error(Sink &sink, const QString &detail)
{
    m_state = State::Failed;
    sink.responseError(detail);
}

void HttpResponseParser::feed(const char *data, qsizetype size, Sink &sink)
{
    while (size > 0) {
        switch (m_state) {
        case State::Done:
        case State::Failed: return;
        case State::Head: {
            const qsizetype before = m_head.size();
            m_head.append(data, size);
            // The blank line may straddle the previous piece: search a little before it.
            const qsizetype blank = m_head.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
            if (blank < 0) {
                if (m_head.size() > kMaxHeadBytes)
                    error(sink, QStringLiteral("response headers too large"));
                return;
            }
            const qsizetype consumed = blank + 4 - before;
            m_head.truncate(blank + 2);
            data += consumed;
            size -= consumed;
            bool interim = false;
            if (!parseHead(sink, &interim))
                return;
            if (interim)
                continue; // the real head follows
            if (m_state == State::Done) {
                end(sink);
                return;
            }
            break;
        }
        case State::UntilClose: (void)sink.responseBody(data, size); return;
        case State::Length: {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, size));
            m_remaining -= take;
            const bool last = m_remaining == 0;
            if (!sink.responseBody(data, take))
                return;
            if (last)
                end(sink);
            return; // bytes past the body are not this response's
        }
        case State::Chunked: feedChunked(data, size, sink); return;
        }
    }
}

bool HttpResponseParser::parseHead(Sink &sink, bool *interim)
{
    // Status line: HTTP/1.1 200 OK
    const qsizetype lineEnd = m_head.indexOf("\r\n");
    const QByteArray statusLine = m_head.left(lineEnd);
    if (!statusLine.startsWith("HTTP/1.")) {
        error(sink, QStringLiteral("not an HTTP/1.x response"));
        return false;
    }
    const bool http10 = statusLine.startsWith("HTTP/1.0");
    bool ok = false;
    m_status = statusLine.mid(9, 3).toInt(&ok);
    if (!ok || statusLine.size() < 12 || m_status < 100 || m_status > 999) {
        error(sink, QStringLiteral("malformed status line"));
        return false;
    }
    if (m_status < 200) {
        m_head.clear();
        *interim = true;
        return true;
    }
    HttpHeaders headers;
    qint64 contentLength = -1;
    bool chunked = false;
    m_keepAlive = !http10;
    qsizetype pos = lineEnd + 2;
    while (pos < m_head.size()) {
        qsizetype next = m_head.indexOf("\r\n", pos);
        if (next < 0)
            next = m_head.size();
        const qsizetype colon = m_head.indexOf(':', pos);
        if (colon > pos && colon < next) {
            QByteArray name = m_head.mid(pos, colon - pos).trimmed();
            QByteArray value = m_head.mid(colon + 1, next - colon - 1).trimmed();
            const QByteArray lower = name.toLower();
            if (lower == "content-length") {
                contentLength = value.toLongLong(&ok);
                if (!ok || contentLength < 0) {
                    error(sink, QStringLiteral("malformed Content-Length"));
                    return false;
                }
            } else if (lower == "transfer-encoding" && value.toLower().contains("chunked")) {
                chunked = true;
            } else if (lower == "connection") {
                m_keepAlive = value.toLower().contains("keep-alive") || (!http10 && !value.toLower().contains("close"));
            }
            headers.append({name, value});
        }
        pos = next + 2;
    }
    m_head.clear();
    if (m_headRequest || m_status == 204 || m_status == 304) {
        m_state = State::Done;
    } else if (chunked) {
        m_state = State::Chunked;
    } else if (contentLength >= 0) {
        m_state = contentLength == 0 ? State::Done : State::Length;
        m_remaining = contentLength;
    } else {
        m_state = State::UntilClose;
        m_keepAlive = false;
    }
    // The sink may stop here; a response without body then never hears its end.
    return sink.responseHead(m_status, headers);
}

void HttpResponseParser::feedChunked(const char *data, qsizetype size, Sink &sink)
{
    qsizetype pos = 0;
    while (pos < size) {
        switch (m_chunkState) {
        case ChunkState::Size: {
            const char *nl = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (!nl) {
                m_chunkLine.append(data + pos, size - pos);
                if (m_chunkLine.size() > kMaxChunkLine)
                    error(sink, QStringLiteral("malformed chunk size"));
                return;
            }
            m_chunkLine.append(data + pos, nl - (data + pos));
            pos = (nl - data) + 1;
            QByteArray line = m_chunkLine.trimmed();
            m_chunkLine.clear();
            const qsizetype semicolon = line.indexOf(';');
            if (semicolon >= 0)
                line.truncate(semicolon);
            bool ok = false;
            m_remaining = line.toLongLong(&ok, 16);
            if (!ok || m_remaining < 0) {
                error(sink, QStringLiteral("malformed chunk size"));
                return;
            }
            m_chunkState = m_remaining == 0 ? ChunkState::Trailer : ChunkState::Data;
            break;
        }
        case ChunkState::Data: {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, size - pos));
            m_remaining -= take;
            const char *piece = data + pos;
            pos += take;
            if (m_remaining == 0)
                m_chunkState = ChunkState::DataEnd;
            if (!sink.responseBody(piece, take))
                return;
            break;
        }
        case ChunkState::DataEnd: {
            const char *nl = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (!nl)
                return; // the CR arrived; the LF follows in the next piece
            pos = (nl - data) + 1;
            m_chunkState = ChunkState::Size;
            break;
        }
        case ChunkState::Trailer: {
            // Trailer lines until an empty line.
            const char *nl = static_cast<const char *>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (!nl) {
                m_chunkLine.append(data + pos, size - pos);
                if (m_chunkLine.size() > kMaxHeadBytes)
                    error(sink, QStringLiteral("response trailers too large"));
                return;
            }
            m_chunkLine.append(data + pos, nl - (data + pos));
            pos = (nl - data) + 1;
            const bool empty = m_chunkLine.trimmed().isEmpty();
            m_chunkLine.clear();
            if (empty) {
                end(sink);
                return;
            }
            break;
        }
        }
    }
}

bool HttpResponseParser::connectionClosed(Sink &sink)
{
    if (m_state != State::UntilClose)
        return false;
    end(sink);
    return true;
}

} // namespace sb
