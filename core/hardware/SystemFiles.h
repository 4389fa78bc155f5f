#pragma once

#include "HardwareReport.h"

namespace sb::hardware {

// Readers of Linux's /proc, /sys and /dev below `root` ("/" normally, a fixture tree in
// tests). They only read small pseudo-files; the parsing itself is in HardwareParsers.
MemoryInfo readLinuxMemory(const QString &root);
CpuInfo readLinuxCpu(const QString &root);
// AMD GPUs from the KFD topology, with VRAM from the matching DRM render node (what
// Ollama's own discovery does). APUs, whose VRAM carve-out is small, count as unified.
QList<GpuDevice> readAmdKfdGpus(const QString &root);
// PCI display devices of one vendor from /sys/class/drm/card*/device/{vendor,device}.
QList<GpuDevice> readDrmGpus(const QString &root, GpuVendor vendor);
// Ascend NPUs present as /dev/davinci<N> (the manager nodes are not counted).
int countDavinciDevices(const QString &root);

} // namespace sb::hardware
