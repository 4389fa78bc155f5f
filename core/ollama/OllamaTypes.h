#pragma once

#include "Expected.h"

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

// Pure parsers of Ollama's JSON: the value, or why the body was not understood.
namespace ollama {
Expected<QList<OllamaModel>, QString> parseTags(const QByteArray &json);
Expected<QList<OllamaRunningModel>, QString> parsePs(const QByteArray &json);
Expected<OllamaModelDetails, QString> parseShow(const QString &name, const QByteArray &json);
OllamaPullLine parsePullLine(const QByteArray &line);
Expected<QString, QString> parseVersion(const QByteArray &json);
// {"error": "..."} bodies, with Ollama's terse texts turned into advice where we know them.
QString errorMessage(int httpStatus, const QByteArray &body);
QString explainError(const QString &ollamaError);
} // namespace ollama

} // namespace sb
