// An OpenAI-compatible upstream's chat.completion.chunk SSE stream: split invariance, event
// order, termination.
#include "FuzzSupport.h"
#include "protocol/openai/OpenAiSseDecoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sb::fuzz::checkStreamDecoder<sb::OpenAiSseDecoder>(data, size);
    return 0;
}
