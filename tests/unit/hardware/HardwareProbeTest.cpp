#include "hardware/HardwareProbe.h"
#include "HardwareTestFixtures.h"

#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

using namespace sb;

namespace {

void writeTool(const QTemporaryDir &dir, const QString &name, const QByteArray &script)
{
    QFile file(dir.filePath(name));
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\n" + script + "\n");
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

const ProbeStatus *statusOf(const HardwareReport &report, const QString &probe)
{
    for (const ProbeStatus &status : report.probes) {
        if (status.probe == probe)
            return &status;
    }
    return nullptr;
}

// Runs the probe, polling the event loop until it reports or the deadline passes.
bool runProbe(HardwareProbe &probe, HardwareReport *report, qint64 *startMs, int deadlineMs = 10000)
{
    bool done = false;
    QObject context;
    QObject::connect(&probe, &HardwareProbe::finished, &context, [&](const HardwareReport &r) {
        *report = r;
        done = true;
    });
    QElapsedTimer timer;
    timer.start();
    probe.start();
    *startMs = timer.elapsed();
    while (!done && timer.elapsed() < deadlineMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done;
}

} // namespace

TEST_CASE("The probe runs tools concurrently, stops a hung one, and merges the results", "[hardware][probe]")
{
    QTemporaryDir tools;
    REQUIRE(tools.isValid());
    writeTool(tools, QStringLiteral("nvidia-smi"),
              "cat '" + hardwareFixturePath(QStringLiteral("nvidia-smi-two-a40.csv")).toUtf8() + "'");
    writeTool(tools, QStringLiteral("rocm-smi"),
              "cat '" + hardwareFixturePath(QStringLiteral("rocm-smi-two-cards.json")).toUtf8() + "'");
    writeTool(tools, QStringLiteral("npu-smi"), "exec sleep 30");

    HardwareProbe probe;
    probe.setPlatform(QStringLiteral("linux"));
    probe.setSystemRoot(hardwareFixturePath(QStringLiteral("linux-root")));
    probe.setToolDirectories({tools.path()});
    probe.setUseDriverLibraries(false);
    probe.setTimeoutMs(400);

    HardwareReport report;
    qint64 startMs = -1;
    QElapsedTimer total;
    total.start();
    REQUIRE(runProbe(probe, &report, &startMs));
    CHECK(startMs < 200);          // start() does not wait for any tool
    CHECK(total.elapsed() < 5000); // the hung npu-smi was stopped at its timeout
    CHECK_FALSE(probe.isRunning());

    const ProbeStatus *npu = statusOf(report, QStringLiteral("npu-smi"));
    REQUIRE(npu);
    CHECK(npu->state == ProbeStatus::State::Failed);
    const ProbeStatus *xpu = statusOf(report, QStringLiteral("xpu-smi"));
    REQUIRE(xpu);
    CHECK(xpu->state == ProbeStatus::State::NotPresent);

    int nvidia = 0;
    int amd = 0;
    int intel = 0;
    for (const GpuDevice &gpu : report.gpus) {
        nvidia += gpu.vendor == GpuVendor::Nvidia;
        amd += gpu.vendor == GpuVendor::Amd;
        intel += gpu.vendor == GpuVendor::Intel;
    }
    CHECK(nvidia == 2);
    CHECK(amd == 2);   // sysfs devices, named by rocm-smi
    CHECK(intel == 1); // no xpu-smi: from the PCI id
    bool namedByRocm = false;
    for (const GpuDevice &gpu : report.gpus)
        namedByRocm = namedByRocm || gpu.name == QStringLiteral("AMD Instinct MI300X");
    CHECK(namedByRocm);
    CHECK(report.memory.totalBytes == 17179869184LL);
    CHECK(report.cpu.logicalCores == 8);
}

TEST_CASE("A failing driver and missing tools are reported, not fatal", "[hardware][probe]")
{
    QTemporaryDir tools;
    REQUIRE(tools.isValid());
    writeTool(tools, QStringLiteral("nvidia-smi"),
              "cat '" + hardwareFixturePath(QStringLiteral("nvidia-smi-driver-failed.txt")).toUtf8() + "'; exit 9");

    HardwareProbe probe;
    probe.setPlatform(QStringLiteral("linux"));
    probe.setSystemRoot(hardwareFixturePath(QStringLiteral("linux-root")));
    probe.setToolDirectories({tools.path()});
    probe.setUseDriverLibraries(false);

    HardwareReport report;
    qint64 startMs = -1;
    REQUIRE(runProbe(probe, &report, &startMs));
    const ProbeStatus *nvidia = statusOf(report, QStringLiteral("nvidia-smi"));
    REQUIRE(nvidia);
    CHECK(nvidia->state == ProbeStatus::State::Failed);
    CHECK(nvidia->detail.contains(QStringLiteral("NVIDIA driver")));
    // /dev/davinci* exist in the fixture tree but npu-smi does not: say what to install.
    const ProbeStatus *npu = statusOf(report, QStringLiteral("npu-smi"));
    REQUIRE(npu);
    CHECK(npu->state == ProbeStatus::State::Failed);
    CHECK(npu->detail.contains(QStringLiteral("npu-smi is missing")));
    for (const GpuDevice &gpu : report.gpus)
        CHECK(gpu.vendor != GpuVendor::Nvidia);
}

TEST_CASE("Destroying a running probe kills its tools without crashing", "[hardware][probe]")
{
    QTemporaryDir tools;
    REQUIRE(tools.isValid());
    writeTool(tools, QStringLiteral("nvidia-smi"), "exec sleep 30");
    QElapsedTimer timer;
    timer.start();
    {
        HardwareProbe probe;
        probe.setPlatform(QStringLiteral("linux"));
        probe.setSystemRoot(hardwareFixturePath(QStringLiteral("linux-root")));
        probe.setToolDirectories({tools.path()});
        probe.setUseDriverLibraries(false);
        probe.start();
        CHECK(probe.isRunning());
    }
    CHECK(timer.elapsed() < 5000);
}
