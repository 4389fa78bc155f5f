// switchboard-fake-upstream: one fake model server in its own process, for the benchmarks.
// Serves the same turn forever, as fast as it can: every reply is rendered once at start-up
// per variant (streaming or not, OpenAI usage chunk or not) and then written verbatim.
//
// For the soak test (tests/soak/soak.sh) it can also fail at random, from a seeded generator:
//   --fail-rate P   before the head: half of these close the connection without a response,
//                   half answer 500 (the gateway retries both on another deployment)
//   --cut-rate P    a streamed reply stops after a random number of chunks and the connection
//                   closes abruptly (the gateway ends the client's stream with `event: error`)
//   --seed N        the generator's seed (default 1)
// GET /soak/counts answers {"requests","closed","status500","cut","full"}: what it was told to
// do, and "open": its open connections (the gateway's idle keep-alive pool, once it is idle).

#include "FakeAnthropic.h"
#include "FakeOllama.h"
#include "FakeOpenAi.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <random>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace sb::test;

namespace {

// Where the value of `key` in the top-level object of a JSON body starts, found in one pass
// over the bytes instead of a parse (-1 when absent). Keys of nested objects (a tool schema
// may well have a "stream" property) and string contents are skipped; long strings, like
// the prompt, are crossed with memchr.
qsizetype topLevelValue(const QByteArray &body, const char *key)
{
    const qsizetype keyLength = qsizetype(std::strlen(key));
    const char *const begin = body.constData();
    const char *const end = begin + body.size();
    auto skipSpace = [end](const char *p) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            ++p;
        return p;
    };
    int depth = 0;
    for (const char *p = begin; p < end; ++p) {
        const char c = *p;
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == '"') {
            const char *open = p + 1;
            // Find the closing quote: the first one not escaped by an odd run of backslashes.
            const char *close = open;
            for (;;) {
                close = static_cast<const char *>(std::memchr(close, '"', size_t(end - close)));
                if (!close)
                    return -1;
                const char *b = close;
                while (b > open && b[-1] == '\\')
                    --b;
                if ((close - b) % 2 == 0)
                    break;
                ++close;
            }
            if (depth == 1 && close - open == keyLength && std::memcmp(open, key, size_t(keyLength)) == 0) {
                const char *colon = skipSpace(close + 1);
                if (colon < end && *colon == ':')
                    return skipSpace(colon + 1) - begin;
            }
            p = close;
        }
    }
    return -1;
}

// 1 for true, 0 for false, -1 when absent or not a boolean.
int topLevelBool(const QByteArray &body, const char *key)
{
    const qsizetype at = topLevelValue(body, key);
    if (at < 0 || at >= body.size())
        return -1;
    return body.at(at) == 't' ? 1 : body.at(at) == 'f' ? 0 : -1;
}

// stream_options.include_usage, looked up in the small object only.
bool wantsUsage(const QByteArray &body)
{
    const qsizetype at = topLevelValue(body, "stream_options");
    if (at < 0)
        return false;
    const qsizetype close = body.indexOf('}', at);
    const QByteArray options = body.mid(at, close < 0 ? -1 : close - at + 1);
    return topLevelBool(options, "include_usage") == 1;
}

QString fillerText(int bytes)
{
    static const QByteArray words = "The quick brown fox jumps over the lazy dog while the model streams. ";
    QByteArray text;
    text.reserve(bytes);
    while (text.size() < bytes)
        text += words;
    text.truncate(bytes);
    return QString::fromLatin1(text);
}

FakeReply renderReply(FakeUpstream &fake, const FakeTurn &turn, bool stream, bool usage)
{
    QJsonObject body{{QStringLiteral("model"), QStringLiteral("fake-model")}, {QStringLiteral("stream"), stream}};
    if (usage)
        body.insert(QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}});
    RecordedRequest request;
    request.method = "POST";
    request.path = fake.turnPath();
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return fake.renderTurn(request, turn);
}

QByteArray render(FakeUpstream &fake, const FakeTurn &turn, bool stream, bool usage)
{
    return renderReply(fake, turn, stream, usage).serialize();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-fake-upstream"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A fake LLM upstream for Switchboard's benchmarks."));
    parser.addHelpOption();
    const QCommandLineOption kindOpt(QStringLiteral("kind"), QStringLiteral("openai | ollama | anthropic"),
                                     QStringLiteral("kind"), QStringLiteral("openai"));
    const QCommandLineOption portOpt(QStringLiteral("port"), QStringLiteral("TCP port on 127.0.0.1 (0: any free)"),
                                     QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption chunksOpt(QStringLiteral("chunks"), QStringLiteral("streamed text pieces"),
                                       QStringLiteral("n"), QStringLiteral("50"));
    const QCommandLineOption bytesOpt(QStringLiteral("text-bytes"), QStringLiteral("bytes of answer text"),
                                      QStringLiteral("n"), QStringLiteral("400"));
    const QCommandLineOption delayOpt(
        QStringLiteral("stream-delay-ms"),
        QStringLiteral("pause between streamed pieces (0: all at once); holds streams open"), QStringLiteral("ms"),
        QStringLiteral("0"));
    const QCommandLineOption failOpt(QStringLiteral("fail-rate"),
                                     QStringLiteral("share of requests failed before the head (close or 500)"),
                                     QStringLiteral("p"), QStringLiteral("0"));
    const QCommandLineOption cutOpt(QStringLiteral("cut-rate"),
                                    QStringLiteral("share of streamed replies cut after a random number of chunks"),
                                    QStringLiteral("p"), QStringLiteral("0"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("seed of the random failures"),
                                     QStringLiteral("n"), QStringLiteral("1"));
    parser.addOptions({kindOpt, portOpt, chunksOpt, bytesOpt, delayOpt, failOpt, cutOpt, seedOpt});
    parser.process(app);

    const QString kind = parser.value(kindOpt);
    bool ok = true;
    const int port = parser.value(portOpt).toInt(&ok);
    if (!ok || port < 0 || port > 65535) {
        std::fprintf(stderr, "bad --port\n");
        return 2;
    }
    const int chunks = qMax(1, parser.value(chunksOpt).toInt());
    const int textBytes = qMax(1, parser.value(bytesOpt).toInt());

    std::unique_ptr<FakeUpstream> fake;
    if (kind == QLatin1String("openai"))
        fake = std::make_unique<FakeOpenAi>();
    else if (kind == QLatin1String("ollama"))
        fake = std::make_unique<FakeOllama>();
    else if (kind == QLatin1String("anthropic"))
        fake = std::make_unique<FakeAnthropic>();
    if (!fake) {
        std::fprintf(stderr, "unknown --kind %s (openai, ollama, anthropic)\n", qPrintable(kind));
        return 2;
    }
    FakeHttpServer &server = fake->server();
    server.setRecording(false);
    if (port != 0 && !server.listenOn(quint16(port))) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }

    FakeTurn turn = FakeTurn::withText(fillerText(textBytes));
    turn.textPieces = chunks;
    turn.outputTokens = chunks;
    const bool ollama = kind == QLatin1String("ollama");
    const bool openai = kind == QLatin1String("openai");
    const QByteArray whole = render(*fake, turn, false, false);
    const QByteArray streamed = render(*fake, turn, true, false);
    const QByteArray streamedUsage = render(*fake, turn, true, true);
    const int delayMs = qMax(0, parser.value(delayOpt).toInt());
    auto pace = [delayMs](FakeReply reply) {
        for (qsizetype i = 1; i < reply.chunks.size(); ++i)
            reply.chunks[i].first = delayMs;
        return reply;
    };
    const FakeReply paced = pace(renderReply(*fake, turn, true, false));
    const FakeReply pacedUsage = pace(renderReply(*fake, turn, true, true));

    const double failRate = qBound(0.0, parser.value(failOpt).toDouble(), 1.0);
    const double cutRate = qBound(0.0, parser.value(cutOpt).toDouble(), 1.0);
    // Shared by the route and the counts route; both run in this (the only) thread.
    struct Failures
    {
        std::mt19937 random;
        qint64 requests = 0, closed = 0, status500 = 0, cut = 0, full = 0;
    };
    auto failures = std::make_shared<Failures>();
    failures->random.seed(parser.value(seedOpt).toUInt());
    const FakeReply unpaced = renderReply(*fake, turn, true, false);
    const FakeReply unpacedUsage = renderReply(*fake, turn, true, true);

    fake->addRoute("POST", fake->turnPath(), [=](const RecordedRequest &request) {
        FakeReply reply;
        const int stream = topLevelBool(request.body, "stream");
        const bool wantsStream = stream == 1 || (stream == -1 && ollama);
        ++failures->requests;
        if (failRate > 0 || cutRate > 0) {
            const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(failures->random);
            if (draw < failRate) {
                if (failures->random() % 2 == 0) {
                    ++failures->closed;
                    reply.closeWithoutResponse = true;
                    return reply;
                }
                ++failures->status500;
                return FakeReply::json(500, R"({"error":{"message":"soak: random failure","type":"server_error"}})");
            }
            if (wantsStream && draw < failRate + cutRate) {
                ++failures->cut;
                FakeReply cut = delayMs > 0 ? (openai && wantsUsage(request.body) ? pacedUsage : paced)
                                            : (openai && wantsUsage(request.body) ? unpacedUsage : unpaced);
                // At least the head and one chunk, never the whole body.
                const int chunkCount = int(cut.chunks.size());
                cut.cutAfterChunks = chunkCount > 2 ? 1 + int(failures->random() % uint(chunkCount - 2)) : 1;
                return cut;
            }
        }
        ++failures->full;
        if (wantsStream && delayMs > 0)
            return openai && wantsUsage(request.body) ? pacedUsage : paced;
        if (wantsStream)
            reply.raw = openai && wantsUsage(request.body) ? streamedUsage : streamed;
        else
            reply.raw = whole;
        return reply;
    });

    server.setHandler("GET", "/soak/counts", [failures, &server](const RecordedRequest &) {
        const QJsonObject counts{{QStringLiteral("requests"), failures->requests},
                                 {QStringLiteral("closed"), failures->closed},
                                 {QStringLiteral("status500"), failures->status500},
                                 {QStringLiteral("cut"), failures->cut},
                                 {QStringLiteral("full"), failures->full},
                                 // Not counting the connection that asks.
                                 {QStringLiteral("open"), server.openConnections() - 1}};
        return FakeReply::json(200, QJsonDocument(counts).toJson(QJsonDocument::Compact));
    });

    std::printf("listening on 127.0.0.1:%u\n", unsigned(server.port()));
    std::fflush(stdout);
    return app.exec();
}
