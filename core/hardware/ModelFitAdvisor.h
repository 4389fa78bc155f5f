#pragma once

#include "HardwareReport.h"
#include "ModelCatalog.h"

#include <QJsonObject>

namespace sb {

enum class ModelFit {
    FullGpu,    // weights + KV cache for the target context fit in GPU memory
    PartialGpu, // some layers on the GPU, the rest in RAM: works, slower
    CpuOnly,    // no usable GPU, fits in RAM
    TooLarge,   // does not fit anywhere
};
QString modelFitName(ModelFit fit);

struct QuantizationFit
{
    QString quantization;
    qint64 sizeBytes = 0;
    qint64 neededBytes = 0; // weights + KV cache at the target context + runtime overhead
    ModelFit fit = ModelFit::TooLarge;
};

struct ModelFitEntry
{
    QString model;
    bool tools = false;
    bool contextLargeEnough = false; // native context >= the target
    QuantizationFit recommended;     // the largest quantization with the best fit
    QList<QuantizationFit> quantizations;
    QString note;
};

struct RuntimeAdvice
{
    QString runtime; // "Ollama", "vLLM", "vLLM Ascend", "llama.cpp", "LM Studio"
    bool works = false;
    QString note;
};

struct RolePick
{
    QString model; // empty when nothing suitable fits
    QString quantization;
    ModelFit fit = ModelFit::TooLarge;
    QString reason;
};

struct ModelAdvice
{
    QString platform; // "nvidia", "amd", "ascend", "apple", "intel", "cpu"
    qint64 gpuMemoryBytes = 0;
    qint64 ramBytes = 0;
    int contextTokens = 32768;
    QList<RuntimeAdvice> runtimes;
    QList<ModelFitEntry> models;
    RolePick mainModel;  // Claude Code's main model (ANTHROPIC_DEFAULT_SONNET/OPUS_MODEL)
    RolePick smallModel; // its small/fast model (ANTHROPIC_DEFAULT_HAIKU_MODEL)
    QStringList notes;

    QJsonObject toJson() const;
};

// Pure: the same report and catalog always give the same advice.
ModelAdvice adviseModels(const HardwareReport &report, const ModelCatalog &catalog);

// Memory one model needs at `contextTokens`: weights, fp16 KV cache and runtime overhead.
qint64 estimateModelMemory(qint64 weightBytes, qint64 kvBytesPerToken, int contextTokens);

} // namespace sb
