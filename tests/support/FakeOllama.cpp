#include "FakeOllama.h"

#include "FakeJson.h"

#include <QJsonValue>

namespace sb::test {

namespace {

// Go's encoding/json with a fixed clock: deterministic bytes for exact-match tests.
const QByteArray CreatedAt = "2025-01-01T00:00:00.000000Z";

QString withTag(const QString &name)
{
    return name.contains(QLatin1Char(':')) ? name : name + QLatin1String(":latest");
}

QByteArray message(const QByteArray &content, const QByteArray &thinking = {}, const QByteArray &toolCalls = {})
{
    FakeJson m;
    m.str("role", QByteArray("assistant")).str("content", content);
    if (!thinking.isEmpty())
        m.str("thinking", thinking);
    if (!toolCalls.isEmpty())
        m.raw("tool_calls", toolCalls);
    return m.bytes();
}

QByteArray toolCallsJson(const QList<FakeToolCall> &calls)
{
    QList<QByteArray> items;
    for (const FakeToolCall &call : calls) {
        FakeJson function;
        function.str("name", call.name).raw("arguments", FakeJson::compact(call.arguments));
        items.append(FakeJson().obj("function", function).bytes());
    }
    return FakeJson::array(items);
}

} // namespace

FakeOllama::FakeOllama(QObject *parent)
    : FakeUpstream("/api/chat", parent), m_models({QStringLiteral("llama3.2:latest"), QStringLiteral("qwen3:8b")})
{
    addRoute("GET", "/api/version", [this](const RecordedRequest &) {
        return FakeReply::json(200, FakeJson().str("version", m_version).bytes());
    });
    addRoute("GET", "/api/tags", [this](const RecordedRequest &) { return tags(); });
    addRoute("GET", "/", [](const RecordedRequest &) { return FakeReply::text(200, "Ollama is running"); });
}

void FakeOllama::setModels(const QStringList &models)
{
    m_models = models;
    m_strictModels = true;
}

QStringList FakeOllama::models() const
{
    return m_models;
}

void FakeOllama::setVersion(const QString &version)
{
    m_version = version;
}

bool FakeOllama::wantsStream(const RecordedRequest &request) const
{
    // Ollama streams unless told not to.
    return request.json().value(QLatin1String("stream")).toBool(true);
}

FakeReply FakeOllama::errorReply(int status, const QString &message) const
{
    QString text = message;
    if (text.isEmpty()) {
        switch (status) {
        case 400: text = QStringLiteral("invalid request"); break;
        case 404: text = QStringLiteral("model not found"); break;
        case 429: text = QStringLiteral("server busy, please try again.  maximum pending requests exceeded"); break;
        case 503: text = QStringLiteral("server busy"); break;
        default: text = QStringLiteral("llama runner process has terminated: exit status 2");
        }
    }
    FakeReply reply = FakeReply::json(status, FakeJson().str("error", text).bytes());
    reply.headers[0].second = "application/json; charset=utf-8";
    return reply;
}

bool FakeOllama::rejectTurn(const RecordedRequest &request, FakeReply *reply) const
{
    const QJsonObject body = request.json();
    const QString model = body.value(QLatin1String("model")).toString();
    if (model.isEmpty()) {
        *reply = errorReply(400, QStringLiteral("model is required"));
        return true;
    }
    if (!m_strictModels)
        return false;
    for (const QString &m : m_models) {
        if (withTag(m) == withTag(model))
            return false;
    }
    *reply = errorReply(404, QStringLiteral("model \"%1\" not found, try pulling it first").arg(model));
    return true;
}

QByteArray FakeOllama::line(const QString &model, const QByteArray &msg) const
{
    FakeJson j;
    j.str("model", model).str("created_at", CreatedAt).raw("message", msg).boolean("done", false);
    return j.bytes() + '\n';
}

QByteArray FakeOllama::finalFields(const FakeTurn &turn) const
{
    const QString reason = turn.effectiveStopReason();
    const qint64 promptNs = qint64(turn.inputTokens) * 1000000;
    const qint64 evalNs = qint64(turn.outputTokens) * 10000000;
    const qint64 loadNs = 5000000;
    FakeJson j;
    j.str("done_reason", reason == QLatin1String("max_tokens") ? QByteArray("length") : QByteArray("stop"))
        .boolean("done", true)
        .num("total_duration", loadNs + promptNs + evalNs)
        .num("load_duration", loadNs)
        .num("prompt_eval_count", turn.inputTokens)
        .num("prompt_eval_duration", promptNs)
        .num("eval_count", turn.outputTokens)
        .num("eval_duration", evalNs);
    QByteArray fields = j.bytes();
    return fields.mid(1, fields.size() - 2); // without braces, to append to an object
}

QList<QByteArray> FakeOllama::streamEvents(const RecordedRequest &request, const FakeTurn &turn) const
{
    const QJsonObject body = request.json();
    const QString model = body.value(QLatin1String("model")).toString();
    const bool think = body.value(QLatin1String("think")).toBool(true);
    QList<QByteArray> out;
    if (think) {
        for (const QString &piece : fakeSplitText(turn.thinking, turn.textPieces))
            out.append(line(model, message({}, piece.toUtf8())));
    }
    for (const QString &piece : fakeSplitText(turn.text, turn.textPieces))
        out.append(line(model, message(piece.toUtf8())));
    if (!turn.toolCalls.isEmpty())
        out.append(line(model, message({}, {}, toolCallsJson(turn.toolCalls))));
    FakeJson last;
    last.str("model", model).str("created_at", CreatedAt).raw("message", message({}));
    QByteArray bytes = last.bytes();
    bytes.chop(1);
    out.append(bytes + ',' + finalFields(turn) + "}\n");
    return out;
}

QByteArray FakeOllama::streamContentType() const
{
    return "application/x-ndjson";
}

FakeReply FakeOllama::wholeReply(const RecordedRequest &request, const FakeTurn &turn) const
{
    const QJsonObject body = request.json();
    const QString model = body.value(QLatin1String("model")).toString();
    const bool think = body.value(QLatin1String("think")).toBool(true);
    const QByteArray calls = turn.toolCalls.isEmpty() ? QByteArray() : toolCallsJson(turn.toolCalls);
    FakeJson j;
    j.str("model", model)
        .str("created_at", CreatedAt)
        .raw("message", message(turn.text.toUtf8(), think ? turn.thinking.toUtf8() : QByteArray(), calls));
    QByteArray bytes = j.bytes();
    bytes.chop(1);
    FakeReply reply = FakeReply::json(200, bytes + ',' + finalFields(turn) + '}');
    reply.headers[0].second = "application/json; charset=utf-8";
    return reply;
}

QByteArray FakeOllama::midStreamError(const QString &message) const
{
    const QString text = message.isEmpty()
                             ? QStringLiteral("an error was encountered while running the model: unexpected EOF")
                             : message;
    return FakeJson().str("error", text).bytes() + '\n';
}

FakeReply FakeOllama::tags() const
{
    QList<QByteArray> items;
    int n = 0;
    for (const QString &m : m_models) {
        ++n;
        const QString name = withTag(m);
        const QString family = name.section(QLatin1Char(':'), 0, 0);
        FakeJson details;
        details.str("parent_model", QByteArray())
            .str("format", QByteArray("gguf"))
            .str("family", family)
            .raw("families", FakeJson::array({FakeJson::quote(family)}))
            .str("parameter_size", QByteArray("8.0B"))
            .str("quantization_level", QByteArray("Q4_K_M"));
        FakeJson item;
        item.str("name", name)
            .str("model", name)
            .str("modified_at", QByteArray("2025-01-01T00:00:00Z"))
            .num("size", 4920753328LL + n)
            .str("digest", QByteArray(64, char('0' + n % 10)))
            .obj("details", details);
        items.append(item.bytes());
    }
    FakeReply reply = FakeReply::json(200, FakeJson().raw("models", FakeJson::array(items)).bytes());
    reply.headers[0].second = "application/json; charset=utf-8";
    return reply;
}

} // namespace sb::test
