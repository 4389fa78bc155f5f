#pragma once

#include "usage/UsageRecord.h"

namespace sb::test {

// A plausible priced record: request `index`, started at `startedMs`, on one of a few
// deployments and sessions.
UsageRecord makeUsageRecord(qint64 index, qint64 startedMs);

} // namespace sb::test
