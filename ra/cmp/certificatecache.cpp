#include "certificatecache.h"

#include <QHash>

#include <mutex>
#include <unordered_map>

namespace kk::ra {

namespace {
constexpr int kMaxEntries = 4096; // about 10 MB at most

struct DerHash
{
    std::size_t operator()(const QByteArray &der) const { return qHash(der); }
};

struct Cache
{
    std::mutex mutex;
    std::unordered_map<QByteArray, X509Ptr, DerHash> entries;
};

Cache &cache()
{
    static Cache instance;
    return instance;
}

X509Ptr shared(X509 *cert)
{
    X509_up_ref(cert);
    return X509Ptr(cert);
}
} // namespace

X509Ptr parsedCertificate(const QByteArray &der)
{
    if (der.isEmpty())
        return nullptr;
    Cache &c = cache();
    {
        std::lock_guard<std::mutex> lock(c.mutex);
        const auto it = c.entries.find(der);
        if (it != c.entries.end())
            return shared(it->second.get());
    }
    // Decoded outside the lock: two threads may both decode a new certificate; one wins.
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, der.size()));
    if (!cert || p != reinterpret_cast<const unsigned char *>(der.constData()) + der.size())
        return nullptr; // trailing bytes: not exactly one certificate
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.entries.size() >= kMaxEntries)
        c.entries.clear();
    c.entries.emplace(der, shared(cert.get()));
    return cert;
}

} // namespace kk::ra
