// Ollama's NDJSON /api/chat stream: split invariance, event order, termination.
#include "FuzzSupport.h"
#include "protocol/ollama/OllamaNdjsonDecoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sb::fuzz::checkStreamDecoder<sb::OllamaNdjsonDecoder>(data, size);
    return 0;
}
