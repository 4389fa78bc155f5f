#pragma once

#include "HardwareParsers.h"

namespace sb::hardware {

// NVIDIA's management library loaded at run time (libnvidia-ml.so.1 / nvml.dll), so the
// build never depends on it. An error when it is absent or cannot start.
GpuParse readNvmlGpus();

// Windows display adapters through DXGI, software adapters skipped. An error elsewhere.
GpuParse readDxgiAdapters();
// Windows RAM through GlobalMemoryStatusEx; all -1 elsewhere.
MemoryInfo readWindowsMemory();

} // namespace sb::hardware
