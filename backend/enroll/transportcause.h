#pragma once
// Why the bank did not answer, for the log (docs/architecture.md, "Waiting through an
// outage"). OpenSSL's HTTP code tries a refused connection again until the message timeout and
// reports only its last failure ("connect timeout"); these name the first one.
#include <QString>

namespace kk {

// The cause in OpenSSL's error queue, in plain words: "connection refused", "no route to the
// bank", "the bank's name does not resolve", "connection reset by the bank", "TLS failure",
// "timed out", "HTTP failure", or "no answer".
QString transportCause(const QString &opensslErrors);

// Whether OpenSSL's errors are a TLS refusal (the certificate, an alert, the protocol), not a
// connection that the other end closed or reset mid-handshake.
bool tlsRefused(const QString &opensslErrors);

// One plain TCP connection to the node, to learn what OpenSSL's retries hid: "connection
// refused", "no route to the bank", a name that does not resolve, or "timed out". Empty: the
// node accepts connections now (whatever failed lies above TCP).
QString connectCause(const QString &host, int port, int timeoutMs);

} // namespace kk
