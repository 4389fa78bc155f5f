// The upstream response parser on its own: every framing, cut at every byte, must give the
// same head, body and end; broken responses are errors, never a silent truncation.
#include "upstream/HttpResponseParser.h"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

struct Recorder final : HttpResponseParser::Sink
{
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    int heads = 0;
    int ends = 0;
    QString error;
    int stopAfterBodyPieces = -1; // >= 0: the owner stops after that many pieces
    int pieces = 0;

    bool responseHead(int s, const HttpHeaders &h) override
    {
        status = s;
        headers = h;
        ++heads;
        return true;
    }
    bool responseBody(const char *data, qsizetype size) override
    {
        body.append(data, size);
        ++pieces;
        return stopAfterBodyPieces < 0 || pieces < stopAfterBodyPieces;
    }
    void responseEnd() override { ++ends; }
    void responseError(const QString &detail) override { error = detail; }
};

// Feeds `wire` in two pieces cut at `cut` (the whole at once when cut is 0).
Recorder parse(const QByteArray &wire, qsizetype cut, bool closeAfter = false, bool head = false)
{
    HttpResponseParser parser;
    parser.reset(head);
    Recorder recorder;
    if (cut > 0)
        parser.feed(wire.constData(), cut, recorder);
    parser.feed(wire.constData() + cut, wire.size() - cut, recorder);
    if (closeAfter)
        parser.connectionClosed(recorder);
    return recorder;
}

void checkEverySplit(const QByteArray &wire, int status, const QByteArray &body, bool closeAfter = false)
{
    for (qsizetype cut = 0; cut < wire.size(); ++cut) {
        INFO("cut at " << cut);
        const Recorder r = parse(wire, cut, closeAfter);
        CHECK(r.error.isEmpty());
        CHECK(r.heads == 1);
        CHECK(r.status == status);
        CHECK(r.body == body);
        CHECK(r.ends == 1);
    }
    // And one byte at a time.
    HttpResponseParser parser;
    parser.reset();
    Recorder r;
    for (char c : wire)
        parser.feed(&c, 1, r);
    if (closeAfter)
        parser.connectionClosed(r);
    CHECK(r.body == body);
    CHECK(r.ends == 1);
}

} // namespace

TEST_CASE("response parser: Content-Length, chunked (with extensions and trailers) and until-close bodies")
{
    checkEverySplit("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"bc\"}\n",
                    200, "{\"a\":\"bc\"}\n");
    checkEverySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
                    200, "hello 0123456789");
    checkEverySplit("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\ndata: y\n\n", 200,
                    "data: x\n\ndata: y\n\n", true);
    checkEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", 404, "no");
    checkEverySplit("HTTP/1.1 204 No Content\r\n\r\n", 204, "");
}

TEST_CASE("response parser: headers as sent, keep-alive as negotiated")
{
    HttpResponseParser parser;
    parser.reset();
    Recorder r;
    const QByteArray wire =
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After:  7 \r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    parser.feed(wire.constData(), wire.size(), r);
    CHECK(r.status == 429);
    CHECK(headerValue(r.headers, "retry-after") == "7");
    CHECK(r.ends == 1);
    CHECK_FALSE(parser.keepAlive());

    parser.reset();
    Recorder keep;
    const QByteArray kept = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
    parser.feed(kept.constData(), kept.size(), keep);
    CHECK(parser.keepAlive());
    CHECK(parser.finished());

    // An until-close body never allows reuse; a HEAD answer has no body.
    const Recorder head = parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 0, false, true);
    CHECK(head.ends == 1);
    CHECK(head.body.isEmpty());
}

TEST_CASE("response parser: broken responses are errors, a cut body is not an end")
{
    CHECK(parse("SSH-2.0-OpenSSH\r\n\r\n", 0).error == QStringLiteral("not an HTTP/1.x response"));
    CHECK(parse("HTTP/1.1 abc\r\n\r\n", 0).error == QStringLiteral("malformed status line"));
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", 0).error ==
          QStringLiteral("malformed Content-Length"));
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0).error ==
          QStringLiteral("malformed chunk size"));
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + QByteArray(2000, '1'), 0).error ==
          QStringLiteral("malformed chunk size"));
    CHECK(parse("HTTP/1.1 200 OK\r\nX: " + QByteArray(HttpResponseParser::kMaxHeadBytes, 'x'), 0).error ==
          QStringLiteral("response headers too large"));

    // Cut short: no end, and a close does not make it one.
    HttpResponseParser parser;
    parser.reset();
    Recorder r;
    const QByteArray wire = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
    parser.feed(wire.constData(), wire.size(), r);
    CHECK(r.body == "abc");
    CHECK_FALSE(parser.connectionClosed(r));
    CHECK(r.ends == 0);
    CHECK_FALSE(parser.finished());
}

TEST_CASE("response parser: an owner that stops mid-body hears nothing more")
{
    HttpResponseParser parser;
    parser.reset();
    Recorder r;
    r.stopAfterBodyPieces = 1;
    const QByteArray wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
    parser.feed(wire.constData(), wire.size(), r);
    CHECK(r.body == "abc");
    CHECK(r.pieces == 1);
    CHECK(r.ends == 0);
}
