#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace sb {

struct OllamaModel // one entry of /api/tags
{
    QString name;
    qint64 sizeBytes = 0;
    QString digest;
    QDateTime modifiedAt;
    QString family;
    QString parameterSize;
    QString quantization;
};

struct OllamaRunningModel // one entry of /api/ps
{
    QString name;
    qint64 sizeBytes = 0;  // memory in use
    qint64 vramBytes = 0;  // of which on the GPU
    int contextLength = 0; // 0 when this Ollama does not report it
    QDateTime expiresAt;
};

struct OllamaModelDetails // /api/show
{
    QString name;
    QString family;
    QString parameterSize;
    QString quantization;
    int contextLength = 0;     // the model's trained maximum (model_info <arch>.context_length)
    int configuredContext = 0; // num_ctx from its parameters, 0 when unset
    QStringList capabilities;  // "completion", "tools", "thinking", "vision", ...

    bool supportsTools() const;
};

// One NDJSON line of /api/pull.
struct OllamaPullLine
{
    QString status;
    QString digest;
    qint64 total = 0;
    qint64 completed = 0; // absent until the first bytes arrive: 0
    QString error;        // {"error": "..."}: the pull failed, even under HTTP 200
    bool valid = false;
};

// Pure parsers of Ollama's JSON; an empty error means the input was understood.
namespace ollama {
QList<OllamaModel> parseTags(const QByteArray &json, QString *error);
QList<OllamaRunningModel> parsePs(const QByteArray &json, QString *error);
OllamaModelDetails parseShow(const QString &name, const QByteArray &json, QString *error);
OllamaPullLine parsePullLine(const QByteArray &line);
QString parseVersion(const QByteArray &json, QString *error);
// {"error": "..."} bodies, with Ollama's terse texts turned into advice where we know them.
QString errorMessage(int httpStatus, const QByteArray &body);
QString explainError(const QString &ollamaError);
} // namespace ollama

} // namespace sb
