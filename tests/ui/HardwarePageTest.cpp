// The Hardware page from fixture probe outputs (NVIDIA, AMD, Ascend, Apple, CPU only) and its
// Pull buttons against the fake Ollama's /api/pull.
#include "pages/HardwarePage.h"
#include "FakeHttpServer.h"
#include "FakeOllamaModels.h"
#include "TestWait.h"
#include "controllers/HardwareController.h"
#include "hardware/HardwareProbe.h"
#include "models/HardwareModels.h"
#include "ollama/OllamaClient.h"
#include "ollama/OllamaPulls.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>

using namespace sb;
using namespace sb::test;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/hardware/") + name;
}

void writeFile(const QString &path, const QByteArray &text, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(text);
    file.close();
    if (executable)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

// A machine for the probe: /proc of a 64 GiB, 16-core box (no GPU in /sys or /dev) and the
// vendor tools given, each printing its fixture.
struct FakeMachine
{
    QTemporaryDir root;
    QTemporaryDir tools;
    QString platform = QStringLiteral("linux");

    FakeMachine()
    {
        writeFile(root.filePath(QStringLiteral("proc/meminfo")),
                  "MemTotal:       67108864 kB\nMemFree:        50000000 kB\nMemAvailable:   60000000 kB\n");
        QByteArray cpuinfo;
        for (int i = 0; i < 16; ++i)
            cpuinfo += "processor\t: " + QByteArray::number(i) + "\nmodel name\t: AMD Ryzen 9 7950X\n\n";
        writeFile(root.filePath(QStringLiteral("proc/cpuinfo")), cpuinfo);
    }
    void tool(const QString &name, const QString &fixtureName)
    {
        writeFile(tools.filePath(name), "#!/bin/sh\ncat '" + fixture(fixtureName).toUtf8() + "'\n", true);
    }
    HardwareController::ProbeSetup setup() const
    {
        return [this](HardwareProbe &probe) {
            probe.setPlatform(platform);
            probe.setSystemRoot(root.path());
            probe.setToolDirectories({tools.path()});
            probe.setUseDriverLibraries(false);
        };
    }
};

// One probe through the controller, as the page sees it.
void probeOnce(HardwareController &controller)
{
    const int before = controller.probesCompleted();
    controller.refresh();
    REQUIRE(waitUntil([&] { return controller.probesCompleted() > before; }, 10000));
}

QStringList column(const QAbstractItemModel *model, int column)
{
    QStringList values;
    for (int row = 0; row < model->rowCount(); ++row)
        values.append(model->index(row, column).data().toString());
    return values;
}

} // namespace

TEST_CASE("the Hardware page shows each vendor's devices from the probes, and the CPU-only case")
{
    struct Case
    {
        const char *name;
        const char *tool;
        const char *fixture;
        QStringList devices; // the Device column
        const char *memory;  // the first device's Memory column
    };
    const Case cases[] = {
        {"nvidia", "nvidia-smi", "nvidia-smi-two-a40.csv", {"NVIDIA A40", "NVIDIA A40"}, "45.0 GiB"},
        {"amd", "rocm-smi", "rocm-smi-two-cards.json", {}, nullptr},
        {"ascend", "npu-smi", "npu-smi-910b-two.txt", {}, nullptr},
        {"cpu", nullptr, nullptr, {}, nullptr},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        FakeMachine machine;
        if (c.tool)
            machine.tool(QLatin1String(c.tool), QLatin1String(c.fixture));
        HardwareController controller(nullptr, machine.setup());
        HardwarePage page(&controller);
        auto *devices = page.findChild<QTableView *>(QStringLiteral("hardware-devices"));
        auto *models = page.findChild<QTableView *>(QStringLiteral("hardware-models"));
        auto *none = page.findChild<QLabel *>(QStringLiteral("hardware-no-devices"));
        REQUIRE(devices);
        REQUIRE(models);
        REQUIRE(none);
        QAbstractItemModelTester deviceTester(devices->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester modelTester(models->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        probeOnce(controller);

        const HardwareReport &report = controller.report();
        CHECK(report.cpu.logicalCores == 16);
        CHECK(devices->model()->rowCount() == report.gpus.size());
        CHECK(column(devices->model(), GpuDeviceModel::Device).size() == report.gpus.size());
        if (!c.devices.isEmpty())
            CHECK(column(devices->model(), GpuDeviceModel::Device) == c.devices);
        if (c.memory)
            CHECK(devices->model()->index(0, GpuDeviceModel::Memory).data().toString() == QLatin1String(c.memory));
        if (c.tool) {
            REQUIRE(report.gpus.size() >= 1);
            CHECK_FALSE(devices->isHidden());
            CHECK(none->isHidden());
            // The vendor the page names is the probe's.
            CHECK(devices->model()->index(0, GpuDeviceModel::FoundBy).data().toString() == QLatin1String(c.tool));
        } else {
            CHECK(report.gpus.isEmpty());
            CHECK(devices->isHidden());
            CHECK_FALSE(none->isHidden());
            CHECK(none->text().contains(QStringLiteral("CPU")));
        }
        // The advice: a row per catalog model, the recommended main model in bold with its role.
        const ModelAdvice &advice = controller.advice();
        CHECK(models->model()->rowCount() == advice.models.size());
        REQUIRE_FALSE(advice.mainModel.model.isEmpty());
        const auto *fits = static_cast<const ModelFitModel *>(models->model());
        const int main = fits->rowOf(advice.mainModel.model);
        REQUIRE(main >= 0);
        CHECK(fits->index(main, ModelFitModel::Role).data().toString().contains(QStringLiteral("main")));
        CHECK(fits->index(main, ModelFitModel::Model).data(Qt::FontRole).value<QFont>().bold());
        auto *recommendation = page.findChild<QLabel *>(QStringLiteral("hardware-recommendation"));
        CHECK(recommendation->text().contains(advice.mainModel.model));
        // Without a pull service the buttons say Pull and do nothing.
        auto *pull = page.findChild<QPushButton *>(QStringLiteral("pull-") + advice.mainModel.model);
        REQUIRE(pull);
        CHECK(pull->text() == QStringLiteral("Pull"));
        CHECK_FALSE(pull->isEnabled());
    }
}

TEST_CASE("on an Apple machine the GPU shares the RAM, and the probe that failed says why")
{
    FakeMachine machine;
    machine.platform = QStringLiteral("darwin");
    machine.tool(QStringLiteral("sysctl"), QStringLiteral("sysctl-apple-m2-pro.txt"));
    machine.tool(QStringLiteral("system_profiler"), QStringLiteral("system-profiler-apple.json"));
    HardwareController controller(nullptr, machine.setup());
    HardwarePage page(&controller);
    probeOnce(controller);
    const auto *devices = page.findChild<QTableView *>(QStringLiteral("hardware-devices"))->model();
    REQUIRE(devices->rowCount() == 1);
    CHECK(devices->index(0, GpuDeviceModel::Vendor).data().toString() == gpuVendorName(GpuVendor::Apple));
    CHECK(devices->index(0, GpuDeviceModel::Memory).data().toString().contains(QStringLiteral("shared")));

    // An NVIDIA tool that runs but fails: the page says why, in red, not just "no GPU".
    FakeMachine broken;
    writeFile(broken.tools.filePath(QStringLiteral("nvidia-smi")),
              "#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' "
              ">&2\nexit 9\n",
              true);
    HardwareController brokenController(nullptr, broken.setup());
    HardwarePage brokenPage(&brokenController);
    probeOnce(brokenController);
    const QString probes = brokenPage.findChild<QLabel *>(QStringLiteral("hardware-probes"))->text();
    CHECK(probes.contains(QStringLiteral("could not communicate with the NVIDIA driver")));
    CHECK(probes.contains(QStringLiteral("#c0392b")));
}

TEST_CASE("the page probes again every few seconds while shown, and not when hidden")
{
    FakeMachine machine;
    HardwareController controller(nullptr, machine.setup());
    controller.setRefreshIntervalMs(100);
    HardwarePage page(&controller);
    page.show();
    CHECK(controller.isActive());
    REQUIRE(waitUntil([&] { return controller.probesCompleted() >= 3; }, 10000));
    page.hide();
    CHECK_FALSE(controller.isActive());
    // A probe started before the hide may still end; after it, the count stays.
    REQUIRE(waitUntil([&] { return !controller.isActive(); }));
    const int settled = controller.probesCompleted() + 1;
    REQUIRE_FALSE(waitUntil([&] { return controller.probesCompleted() > settled; }, 600));
}

TEST_CASE("Pull on a model row downloads it through Ollama and the button follows the job")
{
    FakeHttpServer server;
    REQUIRE(server.isListening());
    FakeOllamaModels fake(server);
    FakeMachine machine;
    HardwareController probeOnly(nullptr, machine.setup());
    probeOnce(probeOnly);
    const QString model = probeOnly.advice().mainModel.model;
    REQUIRE_FALSE(model.isEmpty());
    fake.setPullable(model, 3000000, 6);
    fake.setPullChunkDelayMs(30);

    OllamaClient ollama(QUrl(server.baseUrl()));
    OllamaPulls pulls(&ollama);
    HardwareController controller(&pulls, machine.setup());
    HardwarePage page(&controller);
    probeOnce(controller);
    auto *pull = page.findChild<QPushButton *>(QStringLiteral("pull-") + model);
    REQUIRE(pull);
    REQUIRE(pull->isEnabled());
    CHECK(pull->text() == QStringLiteral("Pull"));
    QStringList texts;
    QObject::connect(&pulls, &OllamaPulls::changed, pull, [&] { texts.append(pull->text()); });
    pull->click();
    CHECK_FALSE(pull->isEnabled()); // one pull per model at a time
    REQUIRE(waitUntil([&] { return pull->text() == QStringLiteral("pulled"); }, 10000));
    CHECK_FALSE(pull->isEnabled());
    CHECK(texts.filter(QStringLiteral("pulling")).size() >= 2);
    REQUIRE(server.requests("/api/pull").size() == 1);
    CHECK(server.requests("/api/pull").first().json().value(QStringLiteral("model")).toString() == model);
    // Still pulled after the next refresh of the advice.
    probeOnce(controller);
    CHECK(page.findChild<QPushButton *>(QStringLiteral("pull-") + model)->text() == QStringLiteral("pulled"));

    // A model Ollama does not have fails in words, and can be tried again.
    const QString other = controller.advice().models.last().model;
    REQUIRE(other != model);
    auto *failing = page.findChild<QPushButton *>(QStringLiteral("pull-") + other);
    REQUIRE(failing);
    failing->click();
    REQUIRE(
        waitUntil([&] { return failing->isEnabled() && failing->text().startsWith(QStringLiteral("Retry")); }, 10000));
    CHECK(failing->text().contains(QStringLiteral("file does not exist")));
}
