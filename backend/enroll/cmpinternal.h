#pragma once
// Inside enroll/: what the CMP client's two files share: cmpclient.cpp (the requests and what
// the bank's answers mean) and bankexchange.cpp (the endpoint, TLS, the HTTP transfer).

#include "keykiosk/opensslptr.h"

#include <openssl/ssl.h>

#include <string>

#include <QByteArray>
#include <QString>

namespace kk {

// OSSL_CMP_PKIBODY_* are not public in OpenSSL 3.0 (RFC 4210 5.1.2 numbering).
constexpr int kBodyIr = 0, kBodyIp = 1, kBodyCp = 3, kBodyKur = 7, kBodyKup = 8, kBodyCertConf = 24,
              kBodyError = 23, kBodyPollReq = 25;

// OpenSSL's error queue, emptied into one line.
QString opensslErrors();
X509Ptr certFromPem(const QByteArray &pem);

// The TLS context for one of the bank's addresses, with its name for SNI.
struct BankTls
{
    SSL_CTX *ctx = nullptr;
    std::string sniHost; // empty for an IP address
    ~BankTls();
};

} // namespace kk
