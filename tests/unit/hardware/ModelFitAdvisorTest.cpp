#include "hardware/ModelFitAdvisor.h"
#include "HardwareTestFixtures.h"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

constexpr qint64 GiB = 1024LL * 1024 * 1024;

HardwareReport machine(GpuVendor vendor, qint64 vram, qint64 ram, bool unified = false)
{
    HardwareReport report;
    report.memory.physicalBytes = ram;
    report.memory.totalBytes = ram;
    if (vram > 0 || unified) {
        GpuDevice gpu;
        gpu.vendor = vendor;
        gpu.name = QStringLiteral("test gpu");
        gpu.memoryTotalBytes = vram;
        gpu.unifiedMemory = unified;
        report.gpus.append(gpu);
    }
    return report;
}

const ModelFitEntry &entry(const ModelAdvice &advice, const QString &name)
{
    for (const ModelFitEntry &e : advice.models) {
        if (e.model == name)
            return e;
    }
    FAIL("model not in advice: " << name.toStdString());
    static ModelFitEntry none;
    return none;
}

bool runtimeWorks(const ModelAdvice &advice, const QString &runtime)
{
    for (const RuntimeAdvice &r : advice.runtimes) {
        if (r.runtime == runtime)
            return r.works;
    }
    return false;
}

} // namespace

TEST_CASE("The embedded catalog has the guide's models and current coders", "[hardware][advice]")
{
    const ModelCatalog catalog = ModelCatalog::builtIn();
    for (const char *name :
         {"qwen2.5:7b", "deepseek-coder:6.7b", "llama3.1:8b", "qwen2.5:1.5b", "llama3.2:3b", "qwen2.5-coder:7b",
          "qwen2.5-coder:14b", "qwen2.5-coder:32b", "qwen3-coder:30b", "devstral:24b", "gpt-oss:20b"}) {
        const CatalogModel *model = catalog.find(QString::fromLatin1(name));
        REQUIRE(model);
        CHECK_FALSE(model->quantizations.isEmpty());
        CHECK(model->defaultQuantization() != nullptr);
        CHECK(model->kvBytesPerToken > 0);
    }
    CHECK_FALSE(catalog.find(QStringLiteral("deepseek-coder:6.7b"))->tools);
    CHECK(catalog.contextTargetTokens() == 32768);
    const Expected<ModelCatalog, QString> broken = ModelCatalog::fromJson("{broken");
    REQUIRE_FALSE(broken.hasValue());
    CHECK(broken.error().startsWith(QStringLiteral("model catalog is not valid JSON at offset ")));
    const Expected<ModelCatalog, QString> empty = ModelCatalog::fromJson(R"({"models": []})");
    REQUIRE_FALSE(empty.hasValue());
    CHECK(empty.error() == QStringLiteral("model catalog lists no models"));
}

TEST_CASE("A 24 GB NVIDIA card: the best coder that fits fully, shared by both roles", "[hardware][advice]")
{
    const ModelAdvice advice = adviseModels(machine(GpuVendor::Nvidia, 24 * GiB, 64 * GiB), ModelCatalog::builtIn());
    CHECK(advice.platform == QStringLiteral("nvidia"));
    CHECK(runtimeWorks(advice, QStringLiteral("Ollama")));
    CHECK(runtimeWorks(advice, QStringLiteral("vLLM")));
    CHECK(entry(advice, QStringLiteral("qwen2.5-coder:7b")).recommended.fit == ModelFit::FullGpu);
    // 20 GB of weights plus 8 GiB of KV cache at 32K do not fit in 24 GB.
    CHECK(entry(advice, QStringLiteral("qwen2.5-coder:32b")).recommended.fit == ModelFit::PartialGpu);
    CHECK(advice.mainModel.fit == ModelFit::FullGpu);
    CHECK_FALSE(advice.mainModel.model.isEmpty());
    CHECK(advice.mainModel.model != QStringLiteral("deepseek-coder:6.7b"));
    CHECK(advice.mainModel.model == QStringLiteral("qwen3-coder:30b"));
    // About 22 GiB for the main model leaves no room for a second one at 32K.
    CHECK(advice.smallModel.model == advice.mainModel.model);
}

TEST_CASE("Two 48 GB cards: a small model fits beside the main one", "[hardware][advice]")
{
    HardwareReport report = machine(GpuVendor::Nvidia, 45 * GiB, 128 * GiB);
    report.gpus.append(report.gpus.first());
    const ModelAdvice advice = adviseModels(report, ModelCatalog::builtIn());
    CHECK(advice.gpuMemoryBytes == 90 * GiB);
    CHECK(advice.mainModel.fit == ModelFit::FullGpu);
    CHECK_FALSE(advice.smallModel.model.isEmpty());
    CHECK(advice.smallModel.model != advice.mainModel.model);
    CHECK(advice.smallModel.fit == ModelFit::FullGpu);
}

TEST_CASE("An 8 GB card: the main model is small, or it runs partly on the CPU", "[hardware][advice]")
{
    const ModelAdvice advice = adviseModels(machine(GpuVendor::Nvidia, 8 * GiB, 32 * GiB), ModelCatalog::builtIn());
    CHECK(advice.mainModel.fit == ModelFit::FullGpu);
    const ModelCatalog catalog = ModelCatalog::builtIn(); // find() points into it
    const CatalogModel *picked = catalog.find(advice.mainModel.model);
    REQUIRE(picked);
    CHECK(picked->parametersBillion < 9);
    // No room beside it: reuse the main model for the small role.
    CHECK(advice.smallModel.model == advice.mainModel.model);
}

TEST_CASE("No GPU: CPU only, the smallest usable main model", "[hardware][advice]")
{
    const ModelAdvice advice = adviseModels(machine(GpuVendor::Other, 0, 16 * GiB), ModelCatalog::builtIn());
    CHECK(advice.platform == QStringLiteral("cpu"));
    CHECK(advice.gpuMemoryBytes == 0);
    CHECK(advice.mainModel.fit == ModelFit::CpuOnly);
    CHECK(entry(advice, QStringLiteral("qwen2.5-coder:32b")).recommended.fit == ModelFit::TooLarge);
    CHECK(entry(advice, QStringLiteral("qwen2.5:1.5b")).recommended.fit == ModelFit::CpuOnly);
}

TEST_CASE("Ascend: vLLM Ascend, no Ollama", "[hardware][advice]")
{
    const ModelAdvice advice = adviseModels(machine(GpuVendor::Ascend, 64 * GiB, 512 * GiB), ModelCatalog::builtIn());
    CHECK(advice.platform == QStringLiteral("ascend"));
    CHECK(runtimeWorks(advice, QStringLiteral("vLLM Ascend")));
    CHECK_FALSE(runtimeWorks(advice, QStringLiteral("Ollama")));
    CHECK(advice.mainModel.fit == ModelFit::FullGpu);
}

TEST_CASE("Apple Silicon: Ollama with Metal on unified memory, no vLLM", "[hardware][advice]")
{
    const ModelAdvice advice =
        adviseModels(machine(GpuVendor::Apple, 32 * GiB, 32 * GiB, true), ModelCatalog::builtIn());
    CHECK(advice.platform == QStringLiteral("apple"));
    CHECK(runtimeWorks(advice, QStringLiteral("Ollama")));
    CHECK_FALSE(runtimeWorks(advice, QStringLiteral("vLLM")));
    // About two thirds of 32 GiB are usable by the GPU.
    CHECK(advice.gpuMemoryBytes > 20 * GiB);
    CHECK(advice.gpuMemoryBytes < 24 * GiB);
    CHECK(entry(advice, QStringLiteral("qwen2.5-coder:14b")).recommended.fit == ModelFit::FullGpu);
}

TEST_CASE("deepseek-coder never gets a Claude Code role", "[hardware][advice]")
{
    const ModelAdvice advice = adviseModels(machine(GpuVendor::Nvidia, 80 * GiB, 256 * GiB), ModelCatalog::builtIn());
    CHECK_FALSE(entry(advice, QStringLiteral("deepseek-coder:6.7b")).contextLargeEnough);
    CHECK(advice.mainModel.model != QStringLiteral("deepseek-coder:6.7b"));
    CHECK(advice.smallModel.model != QStringLiteral("deepseek-coder:6.7b"));
    CHECK(advice.mainModel.model == QStringLiteral("qwen3-coder:30b"));
    const QJsonObject json = advice.toJson();
    CHECK(json.value(QStringLiteral("main_model")).toObject().value(QStringLiteral("model")).toString() ==
          advice.mainModel.model);
}
