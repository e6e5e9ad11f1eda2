#include "keykiosk/securebuffer.h"

#include <openssl/crypto.h>
#include <sys/mman.h>

namespace kk {

SecureBuffer::SecureBuffer(std::size_t capacity)
    : m_data(std::make_unique<char[]>(capacity + 1)), m_capacity(capacity)
{
    // mlock can fail under a low RLIMIT_MEMLOCK; the buffer still works and is still wiped,
    // and isMemoryLocked() lets the caller log it.
    m_locked = ::mlock(m_data.get(), m_capacity + 1) == 0;
    OPENSSL_cleanse(m_data.get(), m_capacity + 1);
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
    m_data[m_size++] = c;
    return true;
}

void SecureBuffer::removeLast()
{
    if (m_size > 0)
        OPENSSL_cleanse(&m_data[--m_size], 1);
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
    OPENSSL_cleanse(m_data.get(), m_capacity + 1);
    if (m_locked)
        ::munlock(m_data.get(), m_capacity + 1);
    m_data.reset();
    m_size = 0;
    m_locked = false;
}

} // namespace kk
