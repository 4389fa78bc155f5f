#include "FakeOpenAi.h"

#include "FakeJson.h"

#include <QJsonValue>

namespace sb::test {

namespace {

constexpr qint64 Created = 1735689600; // fixed, so streams are byte-for-byte repeatable

QString finishReason(const FakeTurn &turn)
{
    const QString reason = turn.effectiveStopReason();
    if (reason == QLatin1String("end_turn") || reason == QLatin1String("stop_sequence"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("tool_use"))
        return QStringLiteral("tool_calls");
    if (reason == QLatin1String("max_tokens"))
        return QStringLiteral("length");
    return reason;
}

QString callId(const FakeToolCall &call, int serial, int index)
{
    return call.id.isEmpty() ? QStringLiteral("call_fake_%1_%2").arg(serial).arg(index) : call.id;
}

QByteArray usageJson(const FakeTurn &turn)
{
    return FakeJson()
        .num("prompt_tokens", turn.inputTokens)
        .num("completion_tokens", turn.outputTokens)
        .num("total_tokens", turn.inputTokens + turn.outputTokens)
        .bytes();
}

} // namespace

FakeOpenAi::FakeOpenAi(QObject *parent)
    : FakeUpstream("/v1/chat/completions", parent),
      m_models({QStringLiteral("gpt-4o-mini"), QStringLiteral("qwen3-coder")})
{
    addRoute("GET", "/v1/models", [this](const RecordedRequest &request) {
        FakeReply rejected;
        if (rejectTurn(request, &rejected))
            return rejected;
        QList<QByteArray> items;
        for (const QString &m : m_models) {
            items.append(FakeJson()
                             .str("id", m)
                             .str("object", QByteArray("model"))
                             .num("created", Created)
                             .str("owned_by", QByteArray("switchboard-fake"))
                             .bytes());
        }
        return FakeReply::json(
            200, FakeJson().str("object", QByteArray("list")).raw("data", FakeJson::array(items)).bytes());
    });
    server().setFallbackHandler([this](const RecordedRequest &request) {
        return FakeReply::json(
            404, errorBody(404, QStringLiteral("Unknown request URL: %1 %2.")
                                    .arg(QString::fromUtf8(request.method), QString::fromUtf8(request.path))));
    });
}

QString FakeOpenAi::apiBase() const
{
    return baseUrl() + QLatin1String("/v1");
}

void FakeOpenAi::setApiKey(const QString &key)
{
    m_apiKey = key;
}

void FakeOpenAi::setThinkingInContent(bool on)
{
    m_thinkInContent = on;
}

void FakeOpenAi::setModels(const QStringList &models)
{
    m_models = models;
}

QByteArray FakeOpenAi::errorBody(int status, const QString &message) const
{
    QByteArray type = "invalid_request_error";
    QByteArray code;
    QString text = message;
    switch (status) {
    case 401:
        code = "invalid_api_key";
        if (text.isEmpty())
            text = QStringLiteral("Incorrect API key provided.");
        break;
    case 404:
        code = "model_not_found";
        if (text.isEmpty())
            text = QStringLiteral("The model does not exist or you do not have access to it.");
        break;
    case 429:
        type = "requests";
        code = "rate_limit_exceeded";
        if (text.isEmpty())
            text = QStringLiteral("Rate limit reached for requests. Please try again later.");
        break;
    default:
        if (status >= 500) {
            type = "server_error";
            if (text.isEmpty())
                text = QStringLiteral("The server had an error while processing your request.");
        } else if (text.isEmpty()) {
            text = QStringLiteral("Invalid request.");
        }
    }
    FakeJson error;
    error.str("message", text).str("type", type).null("param");
    if (code.isEmpty())
        error.null("code");
    else
        error.str("code", code);
    return FakeJson().obj("error", error).bytes();
}

FakeReply FakeOpenAi::errorReply(int status, const QString &message) const
{
    return FakeReply::json(status, errorBody(status, message));
}

bool FakeOpenAi::rejectTurn(const RecordedRequest &request, FakeReply *reply) const
{
    if (m_apiKey.isEmpty())
        return false;
    if (request.header("authorization") == "Bearer " + m_apiKey.toUtf8())
        return false;
    *reply = errorReply(401);
    return true;
}

QList<QByteArray> FakeOpenAi::streamEvents(const RecordedRequest &request, const FakeTurn &turn) const
{
    const QJsonObject body = request.json();
    const QString model = body.value(QLatin1String("model")).toString();
    const bool includeUsage =
        body.value(QLatin1String("stream_options")).toObject().value(QLatin1String("include_usage")).toBool(false);
    const int serial = nextSerial();
    const QByteArray id = "chatcmpl-fake" + QByteArray::number(serial);

    auto chunk = [&](const QByteArray &delta, const QByteArray &finish) {
        FakeJson choice;
        choice.num("index", 0).raw("delta", delta).null("logprobs");
        if (finish.isEmpty())
            choice.null("finish_reason");
        else
            choice.str("finish_reason", finish);
        FakeJson j;
        j.str("id", id)
            .str("object", QByteArray("chat.completion.chunk"))
            .num("created", Created)
            .str("model", model)
            .raw("choices", FakeJson::array({choice.bytes()}));
        if (includeUsage)
            j.null("usage");
        return "data: " + j.bytes() + "\n\n";
    };

    QList<QByteArray> out;
    out.append(chunk(FakeJson().str("role", QByteArray("assistant")).str("content", QByteArray()).bytes(), {}));
    const QStringList thinking = fakeSplitText(turn.thinking, turn.textPieces);
    if (!thinking.isEmpty()) {
        if (m_thinkInContent) {
            out.append(chunk(FakeJson().str("content", QByteArray("<think>")).bytes(), {}));
            for (const QString &piece : thinking)
                out.append(chunk(FakeJson().str("content", piece).bytes(), {}));
            out.append(chunk(FakeJson().str("content", QByteArray("</think>")).bytes(), {}));
        } else {
            for (const QString &piece : thinking)
                out.append(chunk(FakeJson().str("reasoning_content", piece).bytes(), {}));
        }
    }
    for (const QString &piece : fakeSplitText(turn.text, turn.textPieces))
        out.append(chunk(FakeJson().str("content", piece).bytes(), {}));
    for (int i = 0; i < turn.toolCalls.size(); ++i) {
        const FakeToolCall &call = turn.toolCalls.at(i);
        FakeJson function;
        function.str("name", call.name).str("arguments", QByteArray());
        FakeJson head;
        head.num("index", i)
            .str("id", callId(call, serial, i))
            .str("type", QByteArray("function"))
            .obj("function", function);
        out.append(chunk(FakeJson().raw("tool_calls", FakeJson::array({head.bytes()})).bytes(), {}));
        const QString arguments = QString::fromUtf8(FakeJson::compact(call.arguments));
        for (const QString &piece : fakeSplitText(arguments, call.pieces)) {
            FakeJson part;
            part.num("index", i).obj("function", FakeJson().str("arguments", piece));
            out.append(chunk(FakeJson().raw("tool_calls", FakeJson::array({part.bytes()})).bytes(), {}));
        }
    }
    out.append(chunk("{}", finishReason(turn).toUtf8()));
    if (includeUsage) {
        FakeJson j;
        j.str("id", id)
            .str("object", QByteArray("chat.completion.chunk"))
            .num("created", Created)
            .str("model", model)
            .raw("choices", "[]")
            .raw("usage", usageJson(turn));
        out.append("data: " + j.bytes() + "\n\n");
    }
    out.append("data: [DONE]\n\n");
    return out;
}

QByteArray FakeOpenAi::streamContentType() const
{
    return "text/event-stream; charset=utf-8";
}

FakeReply FakeOpenAi::wholeReply(const RecordedRequest &request, const FakeTurn &turn) const
{
    const QString model = request.json().value(QLatin1String("model")).toString();
    const int serial = nextSerial();
    QString content = turn.text;
    if (m_thinkInContent && !turn.thinking.isEmpty())
        content = QLatin1String("<think>") + turn.thinking + QLatin1String("</think>") + content;

    FakeJson message;
    message.str("role", QByteArray("assistant"));
    if (content.isEmpty() && !turn.toolCalls.isEmpty())
        message.null("content");
    else
        message.str("content", content);
    if (!m_thinkInContent && !turn.thinking.isEmpty())
        message.str("reasoning_content", turn.thinking);
    if (!turn.toolCalls.isEmpty()) {
        QList<QByteArray> calls;
        for (int i = 0; i < turn.toolCalls.size(); ++i) {
            const FakeToolCall &call = turn.toolCalls.at(i);
            FakeJson function;
            function.str("name", call.name).str("arguments", FakeJson::compact(call.arguments));
            calls.append(FakeJson()
                             .str("id", callId(call, serial, i))
                             .str("type", QByteArray("function"))
                             .obj("function", function)
                             .bytes());
        }
        message.raw("tool_calls", FakeJson::array(calls));
    }
    FakeJson choice;
    choice.num("index", 0).obj("message", message).null("logprobs").str("finish_reason", finishReason(turn));
    FakeJson j;
    j.str("id", "chatcmpl-fake" + QByteArray::number(serial))
        .str("object", QByteArray("chat.completion"))
        .num("created", Created)
        .str("model", model)
        .raw("choices", FakeJson::array({choice.bytes()}))
        .raw("usage", usageJson(turn));
    return FakeReply::json(200, j.bytes());
}

QByteArray FakeOpenAi::midStreamError(const QString &message) const
{
    return "data: " + errorBody(500, message) + "\n\n";
}

} // namespace sb::test
