#pragma once
// Holds a secret (the PIN) in OpenSSL's secure heap (locked against swapping, left out of core
// dumps) and wipes it on every change of ownership and on destruction. Never converted to QString:
// a QString would be copied by Qt's implicit sharing and leave unwiped copies on the heap.

#include <cstddef>
#include <memory>
#include <string_view>

namespace kk {

class SecureBuffer
{
public:
    static constexpr std::size_t kDefaultCapacity = 64;

    explicit SecureBuffer(std::size_t capacity = kDefaultCapacity);
    ~SecureBuffer();
    SecureBuffer(const SecureBuffer &) = delete;
    SecureBuffer &operator=(const SecureBuffer &) = delete;
    SecureBuffer(SecureBuffer &&other) noexcept;
    SecureBuffer &operator=(SecureBuffer &&other) noexcept;

    // For tests and the staff CLI; the caller wipes its own copy of the text.
    static SecureBuffer fromText(std::string_view text);

    bool append(char c); // false when full
    void removeLast();
    void clear(); // wipes

    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }
    bool isEmpty() const { return m_size == 0; }
    bool isMemoryLocked() const { return m_locked; }
    // NUL-terminated view for C APIs (PKCS#11 takes a length, libp11 a C string).
    const char *c_str() const;
    const unsigned char *bytes() const;

private:
    void release() noexcept;

    struct Deleter
    {
        Deleter() noexcept {} // user-provided: a member initializer would not do inside the class
        explicit Deleter(std::size_t size) noexcept : capacity(size) {}
        void operator()(char *data) const noexcept;
        std::size_t capacity = 0;
    };
    using Data = std::unique_ptr<char, Deleter>;
    Data m_data;
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
    bool m_locked = false;
};

} // namespace kk
