#include "keykiosk/securebuffer.h"

#include <openssl/crypto.h>

#include <mutex>

namespace kk {

namespace {
// OpenSSL's secure heap: one region, locked against swapping (mlock) and left out of core
// dumps (MADV_DONTDUMP), with guard pages around it. Buffers share it, so freeing one never
// unlocks the page under another (a buffer of its own with mlock/munlock would). 64 KiB holds
// a thousand PIN buffers.
constexpr std::size_t kSecureHeapSize = 64 * 1024;
constexpr std::size_t kSecureHeapMinimum = 16;

bool secureHeapReady()
{
    static std::once_flag once;
    static bool ready = false;
    std::call_once(once, [] {
        ready = CRYPTO_secure_malloc_initialized() ||
                CRYPTO_secure_malloc_init(kSecureHeapSize, kSecureHeapMinimum) != 0;
    });
    return ready;
}
} // namespace

void SecureBuffer::Deleter::operator()(char *data) const noexcept
{
    OPENSSL_secure_clear_free(data, capacity + 1);
}

SecureBuffer::SecureBuffer(std::size_t capacity) : m_capacity(capacity)
{
    // Without the secure heap (a low RLIMIT_MEMLOCK) OpenSSL falls back to the ordinary heap:
    // the buffer still works and is still wiped, and isMemoryLocked() lets the caller log it.
    secureHeapReady();
    m_data = Data(static_cast<char *>(OPENSSL_secure_zalloc(capacity + 1)), Deleter{capacity});
    m_locked = m_data && CRYPTO_secure_allocated(m_data.get());
}

SecureBuffer::~SecureBuffer()
{
    release();
}

SecureBuffer::SecureBuffer(SecureBuffer &&other) noexcept
    : m_data(std::move(other.m_data)), m_capacity(other.m_capacity), m_size(other.m_size),
      m_locked(other.m_locked)
{
    other.m_capacity = other.m_size = 0;
    other.m_locked = false;
}

SecureBuffer &SecureBuffer::operator=(SecureBuffer &&other) noexcept
{
    if (this != &other) {
        release();
        m_data = std::move(other.m_data);
        m_capacity = other.m_capacity;
        m_size = other.m_size;
        m_locked = other.m_locked;
        other.m_capacity = other.m_size = 0;
        other.m_locked = false;
    }
    return *this;
}

SecureBuffer SecureBuffer::fromText(std::string_view text)
{
    SecureBuffer buffer(text.size() > kDefaultCapacity ? text.size() : kDefaultCapacity);
    for (char c : text)
        buffer.append(c);
    return buffer;
}

bool SecureBuffer::append(char c)
{
    if (!m_data || m_size >= m_capacity)
        return false;
    m_data.get()[m_size++] = c;
    return true;
}

void SecureBuffer::removeLast()
{
    if (m_size > 0)
        OPENSSL_cleanse(m_data.get() + --m_size, 1);
}

void SecureBuffer::clear()
{
    if (m_data)
        OPENSSL_cleanse(m_data.get(), m_capacity + 1);
    m_size = 0;
}

const char *SecureBuffer::c_str() const
{
    static const char empty = '\0';
    return m_data ? m_data.get() : &empty;
}

const unsigned char *SecureBuffer::bytes() const
{
    return reinterpret_cast<const unsigned char *>(c_str());
}

void SecureBuffer::release() noexcept
{
    if (!m_data)
        return;
    m_data.reset(); // wipes and frees
    m_size = 0;
    m_locked = false;
}

} // namespace kk
