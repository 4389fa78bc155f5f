#include "FakeAnthropic.h"

#include "FakeJson.h"

#include <QJsonValue>

namespace sb::test {

namespace {

const QByteArray Signature = "RmFrZVNpZ25hdHVyZUZvclN3aXRjaGJvYXJkVGVzdHM=";

QByteArray sseEvent(const QByteArray &name, const QByteArray &data)
{
    return "event: " + name + "\ndata: " + data + "\n\n";
}

QString toolId(const FakeToolCall &call, int serial, int index)
{
    return call.id.isEmpty() ? QStringLiteral("toolu_fake_%1_%2").arg(serial).arg(index) : call.id;
}

QByteArray defaultMessage(int status)
{
    switch (status) {
    case 400: return "Invalid request.";
    case 401: return "invalid x-api-key";
    case 403: return "Your API key does not have permission to use the specified resource.";
    case 404: return "Not found.";
    case 413: return "Request exceeds the maximum allowed number of bytes.";
    case 429: return "Number of request tokens has exceeded your per-minute rate limit.";
    case 529: return "Overloaded";
    default: return "Internal server error";
    }
}

} // namespace

FakeAnthropic::FakeAnthropic(QObject *parent) : FakeUpstream("/v1/messages", parent)
{
    addRoute("POST", "/v1/messages/count_tokens", [this](const RecordedRequest &request) {
        FakeReply rejected;
        if (rejectTurn(request, &rejected))
            return rejected;
        const int tokens = m_countTokens >= 0 ? m_countTokens : int(qMax<qsizetype>(1, request.body.size() / 4));
        return FakeReply::json(200, FakeJson().num("input_tokens", tokens).bytes());
    });
    addRoute("GET", "/v1/models", [this](const RecordedRequest &request) {
        FakeReply rejected;
        if (rejectTurn(request, &rejected))
            return rejected;
        const QList<QByteArray> ids = {"claude-sonnet-4-5", "claude-haiku-4-5"};
        QList<QByteArray> items;
        for (const QByteArray &id : ids) {
            items.append(FakeJson()
                             .str("type", QByteArray("model"))
                             .str("id", id)
                             .str("display_name", id)
                             .str("created_at", QByteArray("2025-01-01T00:00:00Z"))
                             .bytes());
        }
        return FakeReply::json(200, FakeJson()
                                        .raw("data", FakeJson::array(items))
                                        .boolean("has_more", false)
                                        .str("first_id", ids.first())
                                        .str("last_id", ids.last())
                                        .bytes());
    });
    server().setFallbackHandler(
        [this](const RecordedRequest &) { return errorReply(404, QStringLiteral("Not Found")); });
}

void FakeAnthropic::setApiKey(const QString &key)
{
    m_apiKey = key;
}

void FakeAnthropic::setPingBetweenBlocks(bool on)
{
    m_pingBetweenBlocks = on;
}

void FakeAnthropic::setCountTokens(int tokens)
{
    m_countTokens = tokens;
}

QString FakeAnthropic::signature() const
{
    return QString::fromLatin1(Signature);
}

QByteArray FakeAnthropic::errorType(int status)
{
    switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return "api_error";
    }
}

QByteArray FakeAnthropic::errorBody(int status, const QString &message, bool withRequestId) const
{
    FakeJson error;
    error.str("type", errorType(status));
    if (message.isEmpty())
        error.str("message", defaultMessage(status));
    else
        error.str("message", message);
    FakeJson j;
    j.str("type", QByteArray("error")).obj("error", error);
    if (withRequestId)
        j.str("request_id", "req_fake_" + QByteArray::number(nextSerial()));
    return j.bytes();
}

FakeReply FakeAnthropic::errorReply(int status, const QString &message) const
{
    FakeReply reply = FakeReply::json(status, errorBody(status, message, true));
    reply.withHeader("request-id", "req_fake");
    return reply;
}

bool FakeAnthropic::rejectTurn(const RecordedRequest &request, FakeReply *reply) const
{
    if (m_apiKey.isEmpty() || request.header("x-api-key") == m_apiKey.toUtf8())
        return false;
    *reply = errorReply(401);
    return true;
}

QList<QByteArray> FakeAnthropic::streamEvents(const RecordedRequest &request, const FakeTurn &turn) const
{
    const QString model = request.json().value(QLatin1String("model")).toString();
    const int serial = nextSerial();
    QList<QByteArray> out;

    FakeJson usage;
    usage.num("input_tokens", turn.inputTokens)
        .num("cache_creation_input_tokens", 0)
        .num("cache_read_input_tokens", 0)
        .num("output_tokens", 1);
    FakeJson message;
    message.str("id", "msg_fake_" + QByteArray::number(serial))
        .str("type", QByteArray("message"))
        .str("role", QByteArray("assistant"))
        .str("model", model)
        .raw("content", "[]")
        .null("stop_reason")
        .null("stop_sequence")
        .obj("usage", usage);
    out.append(
        sseEvent("message_start", FakeJson().str("type", QByteArray("message_start")).obj("message", message).bytes()));
    const QByteArray ping = sseEvent("ping", R"({"type":"ping"})");
    out.append(ping);

    int index = 0;
    auto start = [&](const QByteArray &block) {
        if (m_pingBetweenBlocks && index > 0)
            out.append(ping);
        out.append(sseEvent("content_block_start", FakeJson()
                                                       .str("type", QByteArray("content_block_start"))
                                                       .num("index", index)
                                                       .raw("content_block", block)
                                                       .bytes()));
    };
    auto delta = [&](const QByteArray &d) {
        out.append(sseEvent(
            "content_block_delta",
            FakeJson().str("type", QByteArray("content_block_delta")).num("index", index).raw("delta", d).bytes()));
    };
    auto stop = [&] {
        out.append(sseEvent("content_block_stop",
                            FakeJson().str("type", QByteArray("content_block_stop")).num("index", index).bytes()));
        ++index;
    };

    if (!turn.thinking.isEmpty()) {
        start(R"({"type":"thinking","thinking":"","signature":""})");
        for (const QString &piece : fakeSplitText(turn.thinking, turn.textPieces))
            delta(FakeJson().str("type", QByteArray("thinking_delta")).str("thinking", piece).bytes());
        delta(FakeJson().str("type", QByteArray("signature_delta")).str("signature", Signature).bytes());
        stop();
    }
    if (!turn.text.isEmpty()) {
        start(R"({"type":"text","text":""})");
        for (const QString &piece : fakeSplitText(turn.text, turn.textPieces))
            delta(FakeJson().str("type", QByteArray("text_delta")).str("text", piece).bytes());
        stop();
    }
    for (int i = 0; i < turn.toolCalls.size(); ++i) {
        const FakeToolCall &call = turn.toolCalls.at(i);
        start(FakeJson()
                  .str("type", QByteArray("tool_use"))
                  .str("id", toolId(call, serial, i))
                  .str("name", call.name)
                  .raw("input", "{}")
                  .bytes());
        const QString json = QString::fromUtf8(FakeJson::compact(call.arguments));
        for (const QString &piece : fakeSplitText(json, call.pieces))
            delta(FakeJson().str("type", QByteArray("input_json_delta")).str("partial_json", piece).bytes());
        stop();
    }

    FakeJson messageDelta;
    messageDelta.str("stop_reason", turn.effectiveStopReason()).null("stop_sequence");
    out.append(sseEvent("message_delta", FakeJson()
                                             .str("type", QByteArray("message_delta"))
                                             .obj("delta", messageDelta)
                                             .obj("usage", FakeJson().num("output_tokens", turn.outputTokens))
                                             .bytes()));
    out.append(sseEvent("message_stop", R"({"type":"message_stop"})"));
    return out;
}

QByteArray FakeAnthropic::streamContentType() const
{
    return "text/event-stream; charset=utf-8";
}

FakeReply FakeAnthropic::wholeReply(const RecordedRequest &request, const FakeTurn &turn) const
{
    const QString model = request.json().value(QLatin1String("model")).toString();
    const int serial = nextSerial();
    QList<QByteArray> content;
    if (!turn.thinking.isEmpty()) {
        content.append(FakeJson()
                           .str("type", QByteArray("thinking"))
                           .str("thinking", turn.thinking)
                           .str("signature", Signature)
                           .bytes());
    }
    if (!turn.text.isEmpty())
        content.append(FakeJson().str("type", QByteArray("text")).str("text", turn.text).bytes());
    for (int i = 0; i < turn.toolCalls.size(); ++i) {
        const FakeToolCall &call = turn.toolCalls.at(i);
        content.append(FakeJson()
                           .str("type", QByteArray("tool_use"))
                           .str("id", toolId(call, serial, i))
                           .str("name", call.name)
                           .raw("input", FakeJson::compact(call.arguments))
                           .bytes());
    }
    FakeJson usage;
    usage.num("input_tokens", turn.inputTokens)
        .num("cache_creation_input_tokens", 0)
        .num("cache_read_input_tokens", 0)
        .num("output_tokens", turn.outputTokens);
    FakeJson j;
    j.str("id", "msg_fake_" + QByteArray::number(serial))
        .str("type", QByteArray("message"))
        .str("role", QByteArray("assistant"))
        .str("model", model)
        .raw("content", FakeJson::array(content))
        .str("stop_reason", turn.effectiveStopReason())
        .null("stop_sequence")
        .obj("usage", usage);
    return FakeReply::json(200, j.bytes());
}

QByteArray FakeAnthropic::midStreamError(const QString &message) const
{
    return sseEvent("error", errorBody(529, message, false));
}

} // namespace sb::test
