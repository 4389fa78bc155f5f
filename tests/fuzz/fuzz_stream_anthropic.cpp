// An Anthropic-format upstream's SSE stream: split invariance, nothing after the end, termination.
#include "FuzzSupport.h"
#include "protocol/anthropic/AnthropicSseDecoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sb::fuzz::checkStreamDecoder<sb::AnthropicSseDecoder>(data, size, /*blocks=*/false);
    return 0;
}
