#pragma once

#include <functional>

namespace sb::test {

// Spins the Qt event loop until `predicate` holds or `timeoutMs` passes; returns the last
// value of the predicate. Use it instead of fixed sleeps:
//     REQUIRE(waitUntil([&] { return fake.server().requestCount() == 2; }));
bool waitUntil(const std::function<bool()> &predicate, int timeoutMs = 5000);

// Spins the event loop for `ms` without a condition — for asserting that something does
// NOT happen within a window (e.g. a hanging upstream stays silent).
void spinFor(int ms);

} // namespace sb::test
