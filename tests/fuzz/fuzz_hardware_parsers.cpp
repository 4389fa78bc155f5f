// Every pure hardware parser over the same bytes: any output a tool could print is read or
// refused, never a crash.
#include "FuzzSupport.h"
#include "hardware/HardwareParsers.h"

using namespace sb;
using namespace sb::hardware;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::ensureApplication();
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)parseNvidiaSmiCsv(text);
    (void)parseRocmSmiJson(text);
    (void)parseNpuSmiInfo(text);
    (void)parseSystemProfilerDisplays(text, 16LL << 30);
    (void)parseXpuSmiDiscoveryJson(text);
    const QHash<QString, QString> sysctl = parseSysctl(text);
    (void)cpuFromSysctl(sysctl);
    (void)memoryFromSysctl(sysctl);
    (void)parseKfdProperties(text);
    (void)parseProcMeminfo(text);
    (void)parseProcCpuinfo(text);
    (void)parseCgroupMemoryLimit(text);
    (void)parseCgroupCpuMax(text);
    (void)parseCgroupV2Path(text);
    (void)parseSizeWithUnit(QString::fromUtf8(text));
    return 0;
}
