#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace sb {

// The one error-value type at boundaries (STYLE.md 14): a result holds either a value or a
// described error, never both and never neither. A small subset of C++23's std::expected,
// enough for Switchboard's codecs, loaders and services; exceptions never cross an event loop.
template<typename E> class Unexpected final
{
public:
    explicit Unexpected(E error) : m_error(std::move(error)) {}
    const E &error() const & { return m_error; }
    E &&error() && { return std::move(m_error); }

private:
    E m_error;
};

// `return unexpected(ApiError::...)` reads like the failure it is.
template<typename E> Unexpected<std::decay_t<E>> unexpected(E &&error)
{
    return Unexpected<std::decay_t<E>>(std::forward<E>(error));
}

template<typename T, typename E> class [[nodiscard]] Expected final
{
public:
    Expected(const T &value) : m_state(std::in_place_index<0>, value) {}
    Expected(T &&value) : m_state(std::in_place_index<0>, std::move(value)) {}
    template<typename G> Expected(Unexpected<G> failure) : m_state(std::in_place_index<1>, std::move(failure).error())
    {}

    bool hasValue() const { return m_state.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    // Precondition: hasValue() (value) / !hasValue() (error); checked by std::get.
    const T &value() const & { return std::get<0>(m_state); }
    T &value() & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const E &error() const & { return std::get<1>(m_state); }
    E &&error() && { return std::get<1>(std::move(m_state)); }

    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    template<typename U> T valueOr(U &&fallback) const &
    {
        return hasValue() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> m_state;
};

// A step that yields nothing but can fail.
template<typename E> class [[nodiscard]] Expected<void, E> final
{
public:
    Expected() = default;
    template<typename G> Expected(Unexpected<G> failure) : m_error(std::move(failure).error()), m_failed(true) {}

    bool hasValue() const { return !m_failed; }
    explicit operator bool() const { return hasValue(); }
    const E &error() const & { return m_error; }
    E &&error() && { return std::move(m_error); }

private:
    E m_error{};
    bool m_failed = false;
};

} // namespace sb
