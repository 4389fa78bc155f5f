#pragma once

#include "Expected.h"

#include <optional>

namespace sb::test {

// The error of a step that can fail, as the tests read it: nothing when it succeeded.
template<typename E> std::optional<E> failureOf(const Expected<void, E> &result)
{
    if (result.hasValue())
        return std::nullopt;
    return result.error();
}

} // namespace sb::test
