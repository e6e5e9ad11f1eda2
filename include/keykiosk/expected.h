#pragma once
// A value or an Error; the token and presence layers return this instead of throwing,
// because every failure has to reach the client as a catalogue code.

#include "keykiosk/errors.h"

#include <optional>
#include <utility>

namespace kk {

template <typename T> class Expected
{
public:
    Expected(T value) : m_value(std::move(value)) {}
    Expected(Error error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }
    T &value() { return *m_value; }
    const T &value() const { return *m_value; }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }
    T &operator*() { return *m_value; }
    T takeValue() { return std::move(*m_value); }

private:
    std::optional<T> m_value;
    Error m_error;
};

} // namespace kk
