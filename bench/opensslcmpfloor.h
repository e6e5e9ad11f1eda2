#pragma once
// OpenSSL's own share of a renewal at the RA: a kur and its certConf run through OpenSSL 3.0's
// CMP server in this process, with nothing of the RA around it (no HTTP, no register, no
// signer process, no logging), but with the calls the RA cannot avoid on that library: the
// transaction's server context, parsing each message (the new key decoded on the way),
// validating the client certificate's path once, the server's checks and signed answers, and
// parsing the issued certificate the callback must hand back as an X509. Each part is the
// calling thread's CPU time, like the RA's figure; the certificate's signing (the signer
// process's work) is left out.

namespace kk::bench {

struct OpenSslCmpShare
{
    int renewals = 0;        // completed: the client holds the certificate and got the pkiConf
    double contextMs = 0;    // the transaction's OSSL_CMP_SRV_CTX, set up as the RA does
    double parseMs = 0;      // both requests: extraCerts split off, d2i (the kur's key decoded)
    double pathMs = 0;       // the client certificate's path, validated once (sendercertificates.h)
    double kurMs = 0;        // OSSL_CMP_SRV_process_request for the kur: checks, POP, signed kup
    double issuedCertMs = 0; // the callback's d2i of the issued certificate (its key decoded)
    double certConfMs = 0;   // OSSL_CMP_SRV_process_request for the certConf: signed pkiConf
    double encodeMs = 0;     // both answers to DER
    double totalMs() const
    {
        return contextMs + parseMs + pathMs + kurMs + issuedCertMs + certConfMs + encodeMs;
    }
};

// Per renewal, averaged over `rounds` renewals; renewals < rounds if any failed.
OpenSslCmpShare measureOpenSslCmpShare(int rounds);

// Prints the bank's crypto floor of a renewal (its ECDSA operations, each timed alone) and
// OpenSSL's share over `renewals`; 1 if OpenSSL's server failed.
int printFloors(int renewals);

} // namespace kk::bench
