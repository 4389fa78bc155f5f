#include "ModelFitAdvisor.h"

#include <QJsonArray>

#include <algorithm>

namespace sb {

namespace {

constexpr qint64 kGiB = 1024LL * 1024 * 1024;

QString platformOf(const HardwareReport &report)
{
    // Ordered by what decides the runtime choice: an Ascend NPU rules out Ollama even
    // next to another GPU, and a discrete NVIDIA card beats an integrated Intel one.
    if (report.hasVendor(GpuVendor::Ascend))
        return QStringLiteral("ascend");
    if (report.hasVendor(GpuVendor::Nvidia))
        return QStringLiteral("nvidia");
    if (report.hasVendor(GpuVendor::Amd))
        return QStringLiteral("amd");
    if (report.hasVendor(GpuVendor::Apple))
        return QStringLiteral("apple");
    if (report.hasVendor(GpuVendor::Intel))
        return QStringLiteral("intel");
    return QStringLiteral("cpu");
}

QList<RuntimeAdvice> runtimesFor(const QString &platform)
{
    if (platform == QLatin1String("ascend")) {
        return {
            {QStringLiteral("vLLM Ascend"), true,
             QStringLiteral(
                 "the vllm-ascend plugin on CANN; start it with --enable-auto-tool-choice and a --tool-call-parser")},
            {QStringLiteral("Ollama"), false, QStringLiteral("has no Ascend backend; it would run on the CPU only")},
            {QStringLiteral("llama.cpp"), true, QStringLiteral("CANN backend, less mature than vLLM Ascend")},
        };
    }
    if (platform == QLatin1String("apple")) {
        return {
            {QStringLiteral("Ollama"), true, QStringLiteral("Metal, unified memory")},
            {QStringLiteral("LM Studio"), true, QStringLiteral("MLX or llama.cpp with Metal")},
            {QStringLiteral("llama.cpp"), true, QStringLiteral("Metal")},
            {QStringLiteral("vLLM"), false, QStringLiteral("has no Metal backend")},
        };
    }
    if (platform == QLatin1String("nvidia")) {
        return {
            {QStringLiteral("Ollama"), true, QStringLiteral("CUDA")},
            {QStringLiteral("vLLM"), true,
             QStringLiteral("CUDA; start it with --enable-auto-tool-choice and a --tool-call-parser")},
            {QStringLiteral("LM Studio"), true, QStringLiteral("CUDA")},
            {QStringLiteral("llama.cpp"), true, QStringLiteral("CUDA")},
        };
    }
    if (platform == QLatin1String("amd")) {
        return {
            {QStringLiteral("Ollama"), true, QStringLiteral("ROCm, on the GPU generations ROCm supports")},
            {QStringLiteral("vLLM"), true, QStringLiteral("ROCm build, for Instinct and recent Radeon cards")},
            {QStringLiteral("llama.cpp"), true, QStringLiteral("ROCm/HIP or Vulkan")},
            {QStringLiteral("LM Studio"), true, QStringLiteral("Vulkan or ROCm")},
        };
    }
    if (platform == QLatin1String("intel")) {
        return {
            {QStringLiteral("llama.cpp"), true, QStringLiteral("SYCL or Vulkan")},
            {QStringLiteral("LM Studio"), true, QStringLiteral("Vulkan")},
            {QStringLiteral("Ollama"), false,
             QStringLiteral("the standard build uses the CPU on Intel GPUs; Intel's IPEX-LLM build adds GPU support")},
            {QStringLiteral("vLLM"), false, QStringLiteral("only the XPU build for Data Center GPUs")},
        };
    }
    return {
        {QStringLiteral("Ollama"), true, QStringLiteral("CPU: works, slowly")},
        {QStringLiteral("llama.cpp"), true, QStringLiteral("CPU")},
        {QStringLiteral("LM Studio"), true, QStringLiteral("CPU")},
        {QStringLiteral("vLLM"), false, QStringLiteral("its CPU backend is not worth it for interactive use")},
    };
}

int fitOrder(ModelFit fit)
{
    return int(fit); // lower is better
}

QuantizationFit fitOne(const CatalogQuantization &q, qint64 kvPerToken, int context, qint64 gpu, qint64 ram,
                       bool unified)
{
    QuantizationFit fit;
    fit.quantization = q.name;
    fit.sizeBytes = q.sizeBytes;
    fit.neededBytes = estimateModelMemory(q.sizeBytes, kvPerToken, context);
    if (gpu > 0 && fit.neededBytes <= gpu)
        fit.fit = ModelFit::FullGpu;
    else if (gpu > 0 && fit.neededBytes <= (unified ? ram : gpu + ram))
        fit.fit = ModelFit::PartialGpu; // on unified memory: layers beyond the GPU budget run on the CPU
    else if (gpu <= 0 && fit.neededBytes <= ram)
        fit.fit = ModelFit::CpuOnly;
    else
        fit.fit = ModelFit::TooLarge;
    return fit;
}

} // namespace

QString modelFitName(ModelFit fit)
{
    switch (fit) {
    case ModelFit::FullGpu: return QStringLiteral("full_gpu");
    case ModelFit::PartialGpu: return QStringLiteral("partial_gpu");
    case ModelFit::CpuOnly: return QStringLiteral("cpu_only");
    case ModelFit::TooLarge: break;
    }
    return QStringLiteral("too_large");
}

qint64 estimateModelMemory(qint64 weightBytes, qint64 kvBytesPerToken, int contextTokens)
{
    // Runtime overhead: CUDA/Metal context and compute buffers, about 0.5 GiB plus a few
    // percent of the weights (what Ollama's own estimate comes to for these sizes).
    const qint64 overhead = kGiB / 2 + weightBytes / 20;
    return weightBytes + kvBytesPerToken * qint64(contextTokens) + overhead;
}

ModelAdvice adviseModels(const HardwareReport &report, const ModelCatalog &catalog)
{
    ModelAdvice advice;
    advice.platform = platformOf(report);
    advice.contextTokens = catalog.contextTargetTokens();
    advice.runtimes = runtimesFor(advice.platform);
    bool unified = false;
    for (const GpuDevice &gpu : report.gpus)
        unified = unified || gpu.unifiedMemory;
    advice.gpuMemoryBytes = advice.platform == QLatin1String("intel") && !unified ? 0 : report.usableGpuMemoryBytes();
    // Leave the OS and other programs about 20% of RAM (at least 2 GiB).
    const qint64 ram = std::max<qint64>(report.memory.totalBytes, 0);
    advice.ramBytes = std::max<qint64>(0, ram - std::max<qint64>(2 * kGiB, ram / 5));
    const qint64 gpu = advice.gpuMemoryBytes;

    for (const CatalogModel &model : catalog.models()) {
        ModelFitEntry entry;
        entry.model = model.name;
        entry.tools = model.tools;
        entry.contextLargeEnough = model.contextLength >= advice.contextTokens;
        entry.note = model.note;
        for (const CatalogQuantization &q : model.quantizations) {
            entry.quantizations.append(
                fitOne(q, model.kvBytesPerToken, advice.contextTokens, gpu, advice.ramBytes, unified));
        }
        // Recommend the biggest quantization among those with the best fit class; the
        // default one when it ties (it is what `ollama pull name` fetches).
        for (const QuantizationFit &fit : entry.quantizations) {
            if (entry.recommended.quantization.isEmpty() || fitOrder(fit.fit) < fitOrder(entry.recommended.fit) ||
                (fit.fit == entry.recommended.fit && fit.fit == ModelFit::FullGpu &&
                 fit.sizeBytes > entry.recommended.sizeBytes)) {
                entry.recommended = fit;
            }
        }
        if (const CatalogQuantization *q = model.defaultQuantization()) {
            for (const QuantizationFit &fit : entry.quantizations) {
                if (fit.quantization == q->name && fit.fit == entry.recommended.fit && fit.fit != ModelFit::FullGpu)
                    entry.recommended = fit;
            }
        }
        advice.models.append(entry);
    }

    auto usable = [&](const CatalogModel &model, const QString &role) {
        return model.tools && model.agenticRank > 0 && model.roles.contains(role) &&
               model.contextLength >= advice.contextTokens;
    };
    auto entryFor = [&](const QString &name) -> const ModelFitEntry * {
        for (const ModelFitEntry &entry : advice.models) {
            if (entry.model == name)
                return &entry;
        }
        return nullptr;
    };

    // Main: the best-ranked model in the best fit class available. On CPU only, the
    // smallest main-capable model, because speed dominates there.
    const CatalogModel *bestMain = nullptr;
    const ModelFitEntry *bestMainFit = nullptr;
    for (const CatalogModel &model : catalog.models()) {
        const ModelFitEntry *fit = entryFor(model.name);
        if (!usable(model, QStringLiteral("main")) || !fit || fit->recommended.fit == ModelFit::TooLarge)
            continue;
        bool better = false;
        if (!bestMain) {
            better = true;
        } else if (fitOrder(fit->recommended.fit) != fitOrder(bestMainFit->recommended.fit)) {
            better = fitOrder(fit->recommended.fit) < fitOrder(bestMainFit->recommended.fit);
        } else if (fit->recommended.fit == ModelFit::CpuOnly) {
            better = fit->recommended.sizeBytes < bestMainFit->recommended.sizeBytes;
        } else {
            better = model.agenticRank > bestMain->agenticRank;
        }
        if (better) {
            bestMain = &model;
            bestMainFit = fit;
        }
    }
    if (bestMain) {
        advice.mainModel =
            RolePick{bestMain->name, bestMainFit->recommended.quantization, bestMainFit->recommended.fit, {}};
        switch (bestMainFit->recommended.fit) {
        case ModelFit::FullGpu:
            advice.mainModel.reason =
                QStringLiteral("the strongest tool-capable coder that fits entirely in GPU memory with a %1K context")
                    .arg(advice.contextTokens / 1024);
            break;
        case ModelFit::PartialGpu:
            advice.mainModel.reason = QStringLiteral("no tool-capable coder fits entirely in GPU memory; this one runs "
                                                     "partly on the CPU, so expect slower answers");
            break;
        default:
            advice.mainModel.reason = QStringLiteral(
                "no usable GPU; the smallest model that still handles Claude Code's tools, on the CPU (slow)");
            break;
        }
    } else {
        advice.mainModel.reason = QStringLiteral("no tool-capable model of the catalog fits this machine's memory");
    }

    // Small (background tasks, titles): the best small model that fits in what the main
    // model leaves free, so neither gets unloaded; otherwise reuse the main model.
    const qint64 mainNeed =
        bestMainFit && bestMainFit->recommended.fit == ModelFit::FullGpu ? bestMainFit->recommended.neededBytes : 0;
    const CatalogModel *bestSmall = nullptr;
    const ModelFitEntry *bestSmallFit = nullptr;
    for (const CatalogModel &model : catalog.models()) {
        const ModelFitEntry *fit = entryFor(model.name);
        if (!usable(model, QStringLiteral("small")) || !fit || (bestMain && model.name == bestMain->name))
            continue;
        const CatalogQuantization *q = model.defaultQuantization();
        if (!q)
            continue;
        const qint64 need = estimateModelMemory(q->sizeBytes, model.kvBytesPerToken, advice.contextTokens);
        const bool fitsBeside = mainNeed > 0 && need <= gpu - mainNeed;
        if (!fitsBeside)
            continue;
        if (!bestSmall || model.agenticRank > bestSmall->agenticRank) {
            bestSmall = &model;
            bestSmallFit = fit;
        }
    }
    if (bestSmall) {
        advice.smallModel = RolePick{bestSmall->name, bestSmall->defaultQuantization()->name, ModelFit::FullGpu,
                                     QStringLiteral("fits in GPU memory next to the main model")};
        Q_UNUSED(bestSmallFit);
    } else if (bestMain) {
        advice.smallModel = advice.mainModel;
        advice.smallModel.reason = QStringLiteral("use the main model for both roles: a second model would not fit "
                                                  "beside it, and swapping models costs seconds per request");
    } else {
        advice.smallModel.reason = advice.mainModel.reason;
    }

    if (advice.platform != QLatin1String("ascend")) {
        advice.notes.append(QStringLiteral("Ollama's default context is 4096 tokens on smaller GPUs: set "
                                           "OLLAMA_CONTEXT_LENGTH=%1 (or num_ctx per model) for Claude Code.")
                                .arg(advice.contextTokens));
    }
    if (report.memory.cgroupLimitBytes > 0)
        advice.notes.append(QStringLiteral("RAM is limited by a cgroup to %1 GiB.")
                                .arg(double(report.memory.cgroupLimitBytes) / kGiB, 0, 'f', 1));
    if (advice.platform == QLatin1String("intel"))
        advice.notes.append(QStringLiteral("Intel GPU memory is unknown without xpu-smi; the fit assumes the CPU."));
    return advice;
}

namespace {
QJsonObject pickJson(const RolePick &pick)
{
    return QJsonObject{
        {QStringLiteral("model"), pick.model.isEmpty() ? QJsonValue() : QJsonValue(pick.model)},
        {QStringLiteral("quantization"), pick.quantization},
        {QStringLiteral("fit"), modelFitName(pick.fit)},
        {QStringLiteral("reason"), pick.reason},
    };
}
QJsonObject quantJson(const QuantizationFit &fit)
{
    return QJsonObject{
        {QStringLiteral("quantization"), fit.quantization},
        {QStringLiteral("size_bytes"), double(fit.sizeBytes)},
        {QStringLiteral("needed_bytes"), double(fit.neededBytes)},
        {QStringLiteral("fit"), modelFitName(fit.fit)},
    };
}
} // namespace

QJsonObject ModelAdvice::toJson() const
{
    QJsonArray runtimeArray;
    for (const RuntimeAdvice &runtime : runtimes)
        runtimeArray.append(QJsonObject{{QStringLiteral("runtime"), runtime.runtime},
                                        {QStringLiteral("works"), runtime.works},
                                        {QStringLiteral("note"), runtime.note}});
    QJsonArray modelArray;
    for (const ModelFitEntry &entry : models) {
        QJsonArray quants;
        for (const QuantizationFit &fit : entry.quantizations)
            quants.append(quantJson(fit));
        modelArray.append(QJsonObject{
            {QStringLiteral("model"), entry.model},
            {QStringLiteral("tools"), entry.tools},
            {QStringLiteral("context_large_enough"), entry.contextLargeEnough},
            {QStringLiteral("recommended"), quantJson(entry.recommended)},
            {QStringLiteral("quantizations"), quants},
            {QStringLiteral("note"), entry.note},
        });
    }
    return QJsonObject{
        {QStringLiteral("platform"), platform},
        {QStringLiteral("gpu_memory_bytes"), double(gpuMemoryBytes)},
        {QStringLiteral("ram_for_models_bytes"), double(ramBytes)},
        {QStringLiteral("context_tokens"), contextTokens},
        {QStringLiteral("runtimes"), runtimeArray},
        {QStringLiteral("models"), modelArray},
        {QStringLiteral("main_model"), pickJson(mainModel)},
        {QStringLiteral("small_model"), pickJson(smallModel)},
        {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
    };
}

} // namespace sb
