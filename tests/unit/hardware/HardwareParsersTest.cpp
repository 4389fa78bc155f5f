#include "hardware/HardwareParsers.h"
#include "HardwareTestFixtures.h"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::hardware;

constexpr qint64 MiB = 1024 * 1024;

namespace {

// The devices of a parse that must have understood its input.
QList<GpuDevice> devicesOf(const GpuParse &parsed)
{
    INFO((parsed.hasValue() ? QString() : parsed.error()).toStdString());
    REQUIRE(parsed.hasValue());
    return *parsed;
}

} // namespace

TEST_CASE("nvidia-smi CSV: one device per line, memory in MiB", "[hardware][nvidia]")
{
    const QByteArray csv = hardwareFixture(QStringLiteral("nvidia-smi-two-a40.csv"));
    REQUIRE_FALSE(csv.isEmpty());
    const QList<GpuDevice> result = devicesOf(parseNvidiaSmiCsv(csv));
    REQUIRE(result.size() == 2);
    CHECK(result[0].name == QStringLiteral("NVIDIA A40"));
    CHECK(result[0].vendor == GpuVendor::Nvidia);
    CHECK(result[0].memoryTotalBytes == 46068 * MiB);
    CHECK(result[0].memoryUsedBytes == 1 * MiB);
    CHECK(result[1].memoryUsedBytes == 517 * MiB);
    CHECK(result[1].utilizationPercent == 38);
    CHECK(result[1].index == 1);
    CHECK(result[1].driverVersion == QStringLiteral("550.127.05"));
}

TEST_CASE("nvidia-smi CSV: [N/A] and [Not Supported] become unknown, not zero", "[hardware][nvidia]")
{
    const QList<GpuDevice> result =
        devicesOf(parseNvidiaSmiCsv(hardwareFixture(QStringLiteral("nvidia-smi-na-fields.csv"))));
    REQUIRE(result.size() == 2);
    CHECK(result[0].name == QStringLiteral("NVIDIA GeForce RTX 3060 Laptop GPU"));
    CHECK(result[0].memoryTotalBytes == 6144 * MiB);
    CHECK(result[0].memoryUsedBytes == -1);
    CHECK(result[0].utilizationPercent == -1);
    CHECK(result[1].memoryUsedBytes == -1);
    CHECK(result[1].utilizationPercent == 12);
}

TEST_CASE("A failing or missing tool is reported as such", "[hardware]")
{
    SECTION("nvidia-smi exit 9: the driver message is kept")
    {
        ProbeOutput output;
        output.started = true;
        output.exitCode = 9;
        output.standardOutput = hardwareFixture(QStringLiteral("nvidia-smi-driver-failed.txt"));
        const ProbeStatus status = commandStatus(QStringLiteral("nvidia-smi"), output);
        CHECK(status.state == ProbeStatus::State::Failed);
        CHECK(status.detail.contains(QStringLiteral("code 9")));
        CHECK(status.detail.contains(QStringLiteral("couldn't communicate with the NVIDIA driver")));
    }
    SECTION("a tool that is not installed is not present, not an error")
    {
        const ProbeStatus status = commandStatus(QStringLiteral("rocm-smi"), ProbeOutput{});
        CHECK(status.state == ProbeStatus::State::NotPresent);
    }
    SECTION("a tool that hung is a failure that says so")
    {
        ProbeOutput output;
        output.started = true;
        output.timedOut = true;
        const ProbeStatus status = commandStatus(QStringLiteral("npu-smi"), output);
        CHECK(status.state == ProbeStatus::State::Failed);
        CHECK(status.detail.contains(QStringLiteral("in time")));
    }
    SECTION("garbage does not produce devices")
    {
        const GpuParse noDevices = parseNvidiaSmiCsv("No devices were found\n");
        REQUIRE_FALSE(noDevices.hasValue());
        CHECK(noDevices.error().contains(QStringLiteral("No devices were found")));
        const GpuParse warning = parseRocmSmiJson("WARNING: no AMD GPUs");
        REQUIRE_FALSE(warning.hasValue());
        CHECK_FALSE(warning.error().isEmpty());
        // A line it cannot read beside one it can: the readable device, not an error.
        const QList<GpuDevice> partial =
            devicesOf(parseNvidiaSmiCsv("Unable to determine the device handle\nNVIDIA A40, 46068, 1, 0, 550.1\n"));
        REQUIRE(partial.size() == 1);
        CHECK(partial.first().name == QStringLiteral("NVIDIA A40"));
    }
}

TEST_CASE("rocm-smi JSON: string numbers, both key casings, the driver from 'system'", "[hardware][amd]")
{
    const QList<GpuDevice> result =
        devicesOf(parseRocmSmiJson(hardwareFixture(QStringLiteral("rocm-smi-two-cards.json"))));
    REQUIRE(result.size() == 2);
    CHECK(result[0].name == QStringLiteral("AMD Instinct MI300X"));
    CHECK(result[0].memoryTotalBytes == 206141652992LL);
    CHECK(result[0].memoryUsedBytes == 301989888LL);
    CHECK(result[0].driverVersion == QStringLiteral("6.10.5"));
    CHECK(result[1].name == QStringLiteral("Radeon RX 7900 XTX"));
    CHECK(result[1].memoryUsedBytes == 0);

    const QList<GpuDevice> older =
        devicesOf(parseRocmSmiJson(hardwareFixture(QStringLiteral("rocm-smi-older-casing.json"))));
    REQUIRE(older.size() == 1);
    CHECK(older[0].index == 1);
    CHECK(older[0].name == QStringLiteral("Navi 31 [Radeon RX 7900 XT]"));
    CHECK(older[0].memoryTotalBytes == 21458059264LL);
    CHECK(older[0].memoryUsedBytes == -1);
}

TEST_CASE("npu-smi info: 910B with HBM, process table ignored", "[hardware][ascend]")
{
    const QList<GpuDevice> result = devicesOf(parseNpuSmiInfo(hardwareFixture(QStringLiteral("npu-smi-910b-two.txt"))));
    REQUIRE(result.size() == 2);
    CHECK(result[0].name == QStringLiteral("Ascend 910B"));
    CHECK(result[0].vendor == GpuVendor::Ascend);
    CHECK(result[0].busId == QStringLiteral("0000:C1:00.0"));
    CHECK(result[0].memoryTotalBytes == 32768 * MiB); // HBM, not the 13553 MB DDR
    CHECK(result[0].memoryUsedBytes == 2048 * MiB);
    CHECK(result[0].utilizationPercent == 3);
    CHECK(result[0].driverVersion == QStringLiteral("24.1.0"));
    CHECK(result[1].index == 1);
    CHECK(result[1].memoryUsedBytes == 4 * MiB);
}

TEST_CASE("npu-smi info: ids that do not start at 0 are kept", "[hardware][ascend]")
{
    const QList<GpuDevice> result =
        devicesOf(parseNpuSmiInfo(hardwareFixture(QStringLiteral("npu-smi-910b4-starts-at-2.txt"))));
    REQUIRE(result.size() == 2);
    CHECK(result[0].index == 2);
    CHECK(result[1].index == 5);
    CHECK(result[0].name == QStringLiteral("Ascend 910B4"));
    CHECK(result[0].memoryTotalBytes == 32768 * MiB);
    CHECK(result[1].utilizationPercent == 12);
}

TEST_CASE("npu-smi info: 310P3 and 310 have no HBM column and a Device column", "[hardware][ascend]")
{
    const QList<GpuDevice> p3 = devicesOf(parseNpuSmiInfo(hardwareFixture(QStringLiteral("npu-smi-310p3.txt"))));
    REQUIRE(p3.size() == 1);
    CHECK(p3[0].index == 6);
    CHECK(p3[0].name == QStringLiteral("Ascend 310P3"));
    CHECK(p3[0].memoryTotalBytes == 21525 * MiB);
    CHECK(p3[0].memoryUsedBytes == 1750 * MiB);
    CHECK(p3[0].busId == QStringLiteral("0000:84:00.0"));

    // The name "310" is numeric: the Health column, not the name, marks the device row.
    const QList<GpuDevice> plain = devicesOf(parseNpuSmiInfo(hardwareFixture(QStringLiteral("npu-smi-310.txt"))));
    REQUIRE(plain.size() == 1);
    CHECK(plain[0].name == QStringLiteral("Ascend 310"));
    CHECK(plain[0].memoryTotalBytes == 7759 * MiB);
}

TEST_CASE("macOS: sysctl and system_profiler", "[hardware][apple]")
{
    const QHash<QString, QString> m2 = parseSysctl(hardwareFixture(QStringLiteral("sysctl-apple-m2-pro.txt")));
    CHECK(memoryFromSysctl(m2) == 34359738368LL);
    const CpuInfo cpu = cpuFromSysctl(m2);
    CHECK(cpu.model == QStringLiteral("Apple M2 Pro"));
    CHECK(cpu.physicalCores == 12);

    const QList<GpuDevice> apple = devicesOf(
        parseSystemProfilerDisplays(hardwareFixture(QStringLiteral("system-profiler-apple.json")), 34359738368LL));
    REQUIRE(apple.size() == 1);
    CHECK(apple[0].vendor == GpuVendor::Apple);
    CHECK(apple[0].unifiedMemory);
    CHECK(apple[0].memoryTotalBytes == 34359738368LL);

    const QList<GpuDevice> intelMac = devicesOf(
        parseSystemProfilerDisplays(hardwareFixture(QStringLiteral("system-profiler-intel-amd.json")), 17179869184LL));
    REQUIRE(intelMac.size() == 2);
    CHECK(intelMac[0].vendor == GpuVendor::Intel);
    CHECK(intelMac[0].memoryTotalBytes == 1536 * MiB);
    CHECK(intelMac[1].vendor == GpuVendor::Amd);
    CHECK(intelMac[1].memoryTotalBytes == 8LL * 1024 * MiB);
    CHECK_FALSE(intelMac[1].unifiedMemory);

    const CpuInfo intelCpu = cpuFromSysctl(parseSysctl(hardwareFixture(QStringLiteral("sysctl-intel-mac.txt"))));
    CHECK(intelCpu.logicalCores == 16);
    CHECK(intelCpu.physicalCores == 8);
}

TEST_CASE("xpu-smi discovery JSON", "[hardware][intel]")
{
    const QList<GpuDevice> result =
        devicesOf(parseXpuSmiDiscoveryJson(hardwareFixture(QStringLiteral("xpu-smi-discovery.json"))));
    REQUIRE(result.size() == 2);
    CHECK(result[0].name == QStringLiteral("Intel(R) Data Center GPU Max 1100"));
    CHECK(result[0].busId == QStringLiteral("0000:29:00.0"));
    CHECK(result[1].index == 1);
    CHECK(result[1].memoryTotalBytes == -1);
}

TEST_CASE("Linux memory and cgroup parsers", "[hardware][cpu]")
{
    const MemoryInfo memory =
        parseProcMeminfo("MemTotal:       65742384 kB\nMemFree: 1 kB\nMemAvailable:   48122880 kB\n");
    CHECK(memory.physicalBytes == 65742384LL * 1024);
    CHECK(memory.availableBytes == 48122880LL * 1024);
    CHECK(parseCgroupMemoryLimit("max\n") == -1);
    CHECK(parseCgroupMemoryLimit("9223372036854771712\n") == -1);
    CHECK(parseCgroupMemoryLimit("17179869184\n") == 17179869184LL);
    CHECK(parseCgroupCpuMax("max 100000\n") == -1);
    CHECK(parseCgroupCpuMax("150000 100000\n") == Approx(1.5));
    CHECK(parseCgroupV2Path("12:memory:/\n0::/system.slice/x.service\n") == QStringLiteral("/system.slice/x.service"));
    CHECK(parseSizeWithUnit(QStringLiteral("32768.00 MiB")) == 32768 * MiB);
    CHECK(parseSizeWithUnit(QStringLiteral("lots")) == -1);
}

TEST_CASE("sizes past any real memory read as unknown, never as an overflowed number")
{
    // Found by fuzz_hardware_parsers: npu-smi's "used / total" with a 14-digit MiB total.
    const QByteArray npu =
        "+----------------------------------------------------------------------------+\n"
        "| NPU   Name        | Health        | Power(W)    Temp(C)           Hugepages-Usage(page)|\n"
        "| Chip              | Bus-Id        | AICore(%)   Memory-Usage(MB)  HBM-Usage(MB)        |\n"
        "+===================+===============+================================================+\n"
        "| 0     910B4       | OK            | 90.2        40                0    / 0             |\n"
        "| 0                 | 0000:C1:00.0  | 12          0    / 0          3000 / 32767179869184 |\n"
        "+===================+===============+================================================+\n";
    const QList<GpuDevice> parsed = devicesOf(sb::hardware::parseNpuSmiInfo(npu));
    REQUIRE(parsed.size() == 1);
    CHECK(parsed.first().memoryTotalBytes == -1);
    CHECK(parsed.first().memoryUsedBytes == -1);

    const QList<GpuDevice> nvidia =
        devicesOf(sb::hardware::parseNvidiaSmiCsv("NVIDIA A40, 99999999999999999, 12, 5, 40, 300.0, 535.1\n"));
    REQUIRE(nvidia.size() == 1);
    CHECK(nvidia.first().memoryTotalBytes == -1);
    CHECK(nvidia.first().memoryUsedBytes == 12LL * 1024 * 1024);

    const MemoryInfo memory =
        sb::hardware::parseProcMeminfo("MemTotal: 9223372036854775807 kB\nMemAvailable: 1024 kB\n");
    CHECK(memory.physicalBytes == -1);
    CHECK(memory.availableBytes == 1024LL * 1024);

    CHECK(sb::hardware::parseSizeWithUnit(QStringLiteral("99999999999999999999 TB")) == -1);
    CHECK(sb::hardware::parseSizeWithUnit(QStringLiteral("1.5 GB")) == 1536LL * 1024 * 1024);
}
