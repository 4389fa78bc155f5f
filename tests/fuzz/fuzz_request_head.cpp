// The request-head parser the connection guard runs on every head: fed whole or in two
// pieces at any point, it yields the same heads in the same order and the same refusal;
// it always ends (every head consumes bytes), and a refusal is final.
#include "FuzzSupport.h"
#include "server/RequestHeadParser.h"

using namespace sb;

namespace {
struct Outcome
{
    QByteArray log;
    int refused = 0;
};

Outcome run(const QByteArray &bytes, qsizetype cut)
{
    Outcome outcome;
    RequestHeadParser parser;
    QList<QByteArray> pieces{bytes.left(cut), bytes.mid(cut)};
    while (!pieces.isEmpty()) {
        QByteArray piece = pieces.takeFirst();
        // The guard never hands over more than the head could still take.
        const qsizetype window = RequestHeadParser::kMaxHeadBytes + 4 - parser.buffered();
        if (piece.size() > window) {
            pieces.prepend(piece.mid(window));
            piece.truncate(window);
        }
        if (piece.isEmpty())
            continue;
        const RequestHeadParser::State state = parser.feed(piece);
        if (state == RequestHeadParser::State::Refused) {
            outcome.refused = parser.refusal().status;
            fuzz::require(outcome.refused == 400 || outcome.refused == 411 || outcome.refused == 431,
                          "a refusal is 400, 411 or 431");
            fuzz::require(parser.feed("GET / HTTP/1.1\r\n\r\n") == RequestHeadParser::State::Refused,
                          "a refusal is final");
            return outcome;
        }
        if (state == RequestHeadParser::State::Complete) {
            fuzz::require(parser.consumed() > 0 && parser.consumed() <= piece.size(),
                          "a head takes bytes of the piece that completed it");
            const RequestHeadParser::Head &head = parser.head();
            outcome.log += head.method + ' ' + head.target + ' ' + QByteArray::number(head.contentLength) + ' ' +
                           QByteArray::number(qsizetype(head.headers.size())) + ';';
            for (const auto &[name, value] : head.headers) {
                fuzz::require(name == name.toLower(), "header names are lower case");
                fuzz::require(value == value.trimmed(), "header values are trimmed");
            }
            pieces.prepend(piece.mid(parser.consumed()));
        }
    }
    return outcome;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    fuzz::ensureApplication();
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(bytes + 1), qsizetype(size) - 1);
    const qsizetype cut = qsizetype(bytes[0]) * input.size() / 256;
    const Outcome whole = run(input, input.size());
    const Outcome split = run(input, cut);
    fuzz::require(whole.log == split.log, "the same heads whatever the split");
    fuzz::require(whole.refused == split.refused, "the same refusal whatever the split");
    return 0;
}
