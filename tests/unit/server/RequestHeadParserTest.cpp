// The request-head parser on its own: every outcome the guard acts on, each fed whole and
// at every split point (the guard sees whatever pieces the kernel hands it).
#include "server/RequestHeadParser.h"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

struct Outcome
{
    QList<RequestHeadParser::Head> heads;
    int refusedWith = 0; // status; 0: not refused
    QString message;
    QByteArray requestLine;
    QByteArray rest; // bytes after the last head, not taken
};

// Feeds `bytes` in two pieces split at `cut`, re-feeding what a complete head did not take,
// as the guard does; a head's body is not part of this test, so inputs carry none.
Outcome parse(const QByteArray &bytes, qsizetype cut)
{
    Outcome outcome;
    RequestHeadParser parser;
    QList<QByteArray> pieces{bytes.left(cut), bytes.mid(cut)};
    while (!pieces.isEmpty()) {
        const QByteArray piece = pieces.takeFirst();
        if (piece.isEmpty())
            continue;
        switch (parser.feed(piece)) {
        case RequestHeadParser::State::NeedMore: break;
        case RequestHeadParser::State::Refused:
            outcome.refusedWith = parser.refusal().status;
            outcome.message = parser.refusal().message;
            outcome.requestLine = parser.requestLine();
            return outcome;
        case RequestHeadParser::State::Complete:
            outcome.heads.append(parser.head());
            pieces.prepend(piece.mid(parser.consumed()));
            break;
        }
    }
    return outcome;
}

bool sameHeads(const QList<RequestHeadParser::Head> &a, const QList<RequestHeadParser::Head> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].method != b[i].method || a[i].target != b[i].target || a[i].headers != b[i].headers ||
            a[i].contentLength != b[i].contentLength || a[i].expectContinue != b[i].expectContinue)
            return false;
    }
    return true;
}

// The outcome of `bytes` fed whole, checked to be the same at every split point.
Outcome parseAtEverySplit(const QByteArray &bytes)
{
    const Outcome whole = parse(bytes, bytes.size());
    for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
        const Outcome split = parse(bytes, cut);
        INFO("split at " << cut);
        REQUIRE(split.refusedWith == whole.refusedWith);
        REQUIRE(split.message == whole.message);
        REQUIRE(sameHeads(split.heads, whole.heads));
    }
    return whole;
}

} // namespace

TEST_CASE("a request head is read whole: method, target, lower-case names, trimmed values, length")
{
    const Outcome outcome = parseAtEverySplit("\r\nPOST /v1/messages?beta=true HTTP/1.1\r\n"
                                              "Host: 127.0.0.1:4000\r\n"
                                              "X-Api-Key:   sk-test  \r\n"
                                              "Content-Length: 42\r\n"
                                              "Expect: 100-Continue\r\n\r\n");
    REQUIRE(outcome.refusedWith == 0);
    REQUIRE(outcome.heads.size() == 1);
    const RequestHeadParser::Head &head = outcome.heads.first();
    CHECK(head.method == "POST");
    CHECK(head.target == "/v1/messages?beta=true");
    REQUIRE(head.headers.size() == 4);
    CHECK(head.headers[1] == qMakePair(QByteArray("x-api-key"), QByteArray("sk-test")));
    CHECK(head.contentLength == 42);
    CHECK(head.expectContinue);
}

TEST_CASE("pipelined heads come out one after the other, in order, whatever the split")
{
    const Outcome outcome = parseAtEverySplit("GET /health HTTP/1.1\r\nHost: a\r\n\r\n"
                                              "GET /v1/models HTTP/1.1\r\nHost: a\r\n\r\n"
                                              "GET /metrics HTTP/1.0\r\n\r\n");
    REQUIRE(outcome.refusedWith == 0);
    REQUIRE(outcome.heads.size() == 3);
    CHECK(outcome.heads[0].target == "/health");
    CHECK(outcome.heads[1].target == "/v1/models");
    CHECK(outcome.heads[2].target == "/metrics");
    CHECK(outcome.heads[2].contentLength == -1);
}

TEST_CASE("empty lines before the request line are skipped, never taken for the end of a head")
{
    // Found by fuzz_request_head: "\r\n\r\n" ahead of a request line once ended an empty head
    // when the first piece stopped right after it.
    const Outcome skipped = parseAtEverySplit("\r\n\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n");
    REQUIRE(skipped.refusedWith == 0);
    REQUIRE(skipped.heads.size() == 1);
    CHECK(skipped.heads.first().target == "/health");
    const Outcome refused = parseAtEverySplit("\r\n\r\nGG\x7f"
                                              "E \r \r\n");
    CHECK(refused.refusedWith == 400);
    CHECK(refused.heads.isEmpty());
    RequestHeadParser parser;
    CHECK(parser.feed("\r\n\r\n") == RequestHeadParser::State::NeedMore);
}

TEST_CASE("a head that is not complete asks for more and holds what it has")
{
    RequestHeadParser parser;
    CHECK(parser.feed("POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\n") == RequestHeadParser::State::NeedMore);
    CHECK(parser.buffered() == 45);
    CHECK(parser.requestLine() == "POST /v1/chat/completions HTTP/1.1");
    CHECK(parser.feed("\r\n{\"model\"") == RequestHeadParser::State::Complete);
    CHECK(parser.consumed() == 2); // the body's bytes are the caller's
    CHECK(parser.buffered() == 0);
}

TEST_CASE("broken lines are refused with 400 as soon as they are complete, in words")
{
    struct Case
    {
        QByteArray bytes;
        QString message;
    };
    const auto [bytes, message] = GENERATE(
        Case{"GARBAGE\r\n", QStringLiteral("malformed request line: expected `METHOD /path HTTP/1.1`")},
        Case{"GET /a b HTTP/1.1\r\n", QStringLiteral("malformed request line: expected `METHOD /path HTTP/1.1`")},
        Case{"GET /a HTTP/2.0\r\n", QStringLiteral("unsupported HTTP version (HTTP/1.1 and HTTP/1.0 are served)")},
        Case{"GET / HTTP/1.1\r\nHost a\r\n", QStringLiteral("header line 1 has no colon (expected `Name: value`)")},
        Case{"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n",
             QStringLiteral("header line 2 is folded (obsolete line folding is not accepted)")},
        Case{"GET / HTTP/1.1\r\nBad Name: a\r\n",
             QStringLiteral("header line 1 has a malformed name (expected `Name: value`)")});
    CAPTURE(bytes.constData());
    // No blank line yet: the refusal does not wait for the end of the head.
    const Outcome outcome = parseAtEverySplit(bytes);
    CHECK(outcome.refusedWith == 400);
    CHECK(outcome.message == message);
    CHECK(outcome.requestLine == bytes.left(bytes.indexOf("\r\n")));
}

TEST_CASE("the framing of a body is one Content-Length: no smuggling, no chunked uploads")
{
    struct Case
    {
        QByteArray headers;
        int status;
        QString message;
    };
    const auto [headers, status, message] = GENERATE(
        Case{"Host: a\r\nHost: b\r\n", 400, QStringLiteral("a request carries one Host header")},
        Case{"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400,
             QStringLiteral("a request may not carry both Content-Length and Transfer-Encoding")},
        Case{"Content-Length: 5\r\nContent-Length: 6\r\n", 400,
             QStringLiteral("conflicting or malformed Content-Length headers")},
        Case{"Content-Length: -1\r\n", 400, QStringLiteral("conflicting or malformed Content-Length headers")},
        Case{"Content-Length: 12abc\r\n", 400, QStringLiteral("conflicting or malformed Content-Length headers")},
        Case{"Transfer-Encoding: chunked\r\n", 411,
             QStringLiteral("request bodies need a Content-Length (chunked uploads are not accepted)")},
        Case{"Content-Length: 5\r\nContent-Length: 5\r\n", 0, QString()});
    CAPTURE(headers.constData());
    const Outcome outcome = parseAtEverySplit("POST /v1/messages HTTP/1.1\r\n" + headers + "\r\n");
    CHECK(outcome.refusedWith == status);
    CHECK(outcome.message == message);
    CHECK(outcome.heads.size() == (status == 0 ? 1 : 0));
}

TEST_CASE("an oversized head is a 431, and a refusal is final")
{
    RequestHeadParser parser;
    REQUIRE(parser.feed("GET / HTTP/1.1\r\nX-Big: ") == RequestHeadParser::State::NeedMore);
    CHECK(parser.feed(QByteArray(RequestHeadParser::kMaxHeadBytes, 'a')) == RequestHeadParser::State::Refused);
    CHECK(parser.refusal().status == 431);
    CHECK(parser.refusal().message == QStringLiteral("request headers exceed 64 KiB"));
    CHECK(parser.feed("\r\n\r\nGET / HTTP/1.1\r\n\r\n") == RequestHeadParser::State::Refused);

    QByteArray many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i <= RequestHeadParser::kMaxHeaderLines; ++i)
        many += "X-H" + QByteArray::number(i) + ": v\r\n";
    const Outcome outcome = parse(many + "\r\n", many.size() + 2);
    CHECK(outcome.refusedWith == 431);
    CHECK(outcome.message == QStringLiteral("more than 100 request headers"));
    // One fewer is read.
    QByteArray enough = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < RequestHeadParser::kMaxHeaderLines; ++i)
        enough += "X-H" + QByteArray::number(i) + ": v\r\n";
    CHECK(parse(enough + "\r\n", enough.size() + 2).heads.size() == 1);
}
