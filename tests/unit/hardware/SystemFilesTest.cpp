#include "hardware/SystemFiles.h"
#include "HardwareTestFixtures.h"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::hardware;

TEST_CASE("A cgroup v2 memory limit clamps the RAM a container may use", "[hardware][cpu]")
{
    const MemoryInfo memory = readLinuxMemory(hardwareFixturePath(QStringLiteral("linux-root")));
    CHECK(memory.physicalBytes == 65742384LL * 1024);
    CHECK(memory.cgroupLimitBytes == 17179869184LL);
    CHECK(memory.totalBytes == 17179869184LL);
    CHECK(memory.availableBytes == 17179869184LL);
}

TEST_CASE("An unlimited cgroup v1 leaves MemTotal alone", "[hardware][cpu]")
{
    const MemoryInfo memory = readLinuxMemory(hardwareFixturePath(QStringLiteral("linux-root-cgroup-v1")));
    CHECK(memory.cgroupLimitBytes == -1);
    CHECK(memory.totalBytes == 65742384LL * 1024);
}

TEST_CASE("CPU cores from /proc/cpuinfo and the cgroup CPU quota", "[hardware][cpu]")
{
    const CpuInfo cpu = readLinuxCpu(hardwareFixturePath(QStringLiteral("linux-root")));
    CHECK(cpu.model == QStringLiteral("AMD Ryzen 7 7700X 8-Core Processor"));
    CHECK(cpu.logicalCores == 8);
    CHECK(cpu.physicalCores == 4);
    CHECK(cpu.cgroupCpuLimit == Approx(4.0));
}

TEST_CASE("AMD GPUs from the KFD topology; the CPU node is skipped and an APU is unified", "[hardware][amd]")
{
    const QList<GpuDevice> gpus = readAmdKfdGpus(hardwareFixturePath(QStringLiteral("linux-root")));
    REQUIRE(gpus.size() == 2);
    CHECK(gpus[0].memoryTotalBytes == 25753026560LL);
    CHECK(gpus[0].memoryUsedBytes == 1073741824LL);
    CHECK(gpus[0].name.contains(QStringLiteral("gfx1100")));
    CHECK_FALSE(gpus[0].unifiedMemory);
    CHECK(gpus[1].unifiedMemory);
    CHECK(gpus[1].memoryTotalBytes == 33554432000LL);
}

TEST_CASE("PCI vendor ids in /sys/class/drm and Ascend device nodes", "[hardware]")
{
    const QString root = hardwareFixturePath(QStringLiteral("linux-root"));
    const QList<GpuDevice> intel = readDrmGpus(root, GpuVendor::Intel);
    REQUIRE(intel.size() == 1);
    CHECK(intel[0].index == 1);
    CHECK(intel[0].name.contains(QStringLiteral("0xa780")));
    CHECK(readDrmGpus(root, GpuVendor::Amd).size() == 2);
    CHECK(readDrmGpus(root, GpuVendor::Nvidia).isEmpty());
    CHECK(countDavinciDevices(root) == 2);
    CHECK(countDavinciDevices(hardwareFixturePath(QStringLiteral("linux-root-cgroup-v1"))) == 0);
}
