#pragma once

#include "FakeHttpServer.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sb::test {

// Ollama's model-management endpoints on a FakeHttpServer (a FakeOllama's server() or a
// bare one): GET /api/tags, GET /api/ps, POST /api/show, DELETE /api/delete and
// POST /api/pull, which replays the real NDJSON progress sequence.
class FakeOllamaModels final
{
public:
    struct Model
    {
        QString name;
        qint64 sizeBytes = 0;
        QString family;
        QString parameterSize;
        QString quantization;
        int contextLength = 32768;
        QStringList capabilities{QStringLiteral("completion"), QStringLiteral("tools")};
        int numCtx = 0;         // "num_ctx" in its parameters; 0: none
        qint64 loadedVram = -1; // >= 0: listed by /api/ps with this much on the GPU
    };

    enum class PullEnding {
        Success,         // verifying, writing manifest, removing unused layers, success
        ErrorLine,       // an {"error": ...} line under HTTP 200
        CutMidLayer,     // the connection closes in the middle of the weights layer
        EndWithoutStatus // a clean end of stream without "success"
    };

    explicit FakeOllamaModels(FakeHttpServer &server);

    void setModels(const QList<Model> &models);
    QList<Model> models() const;
    // The pull of an unknown name fails like Ollama: "pull model manifest: file does not exist".
    void setPullable(const QString &name, qint64 weightsBytes, int progressSteps = 4);
    void setPullEnding(PullEnding ending);
    void setPullChunkDelayMs(int ms);
    // The bytes of the weights layer already on disk: a resumed pull starts there.
    void setPullResumeFrom(qint64 bytes);
    int pullRequests() const;

    static QByteArray pullLine(const QString &status, const QString &digest = {}, qint64 total = -1,
                               qint64 completed = -1);

private:
    FakeReply tags() const;
    FakeReply ps() const;
    FakeReply show(const RecordedRequest &request) const;
    FakeReply remove(const RecordedRequest &request);
    FakeReply pull(const RecordedRequest &request);

    FakeHttpServer &m_server;
    QList<Model> m_models;
    QString m_pullableName;
    qint64 m_pullWeights = 0;
    int m_pullSteps = 4;
    PullEnding m_ending = PullEnding::Success;
    int m_chunkDelayMs = 5;
    qint64 m_resumeFrom = 0;
    int m_pullRequests = 0;
};

} // namespace sb::test
