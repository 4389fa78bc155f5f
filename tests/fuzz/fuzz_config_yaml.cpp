// The YAML config loader: any bytes load to a config or to errors with lines, never a crash.
#include "FuzzSupport.h"
#include "config/ConfigLoader.h"

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::ensureApplication();
    const ConfigLoadResult result =
        ConfigLoader::loadText(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)),
                               QStringLiteral("fuzz.yaml"), [](const QString &) { return QString(); });
    for (const QString &error : result.errors())
        fuzz::require(!error.isEmpty(), "an error says something");
    return 0;
}
