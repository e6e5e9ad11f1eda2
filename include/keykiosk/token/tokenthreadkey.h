#pragma once
// A signing key that OpenSSL may use on any thread while the signature itself is made on the
// token thread (docs/architecture.md, "Threads"). The bank's thread runs the CMP exchange,
// which signs twice (protection by the current key, proof of possession by the new one);
// each signature hops to the token thread, where the libp11 key lives, and back. The rest
// of the exchange - HTTP, parsing, verifying - never touches the token thread.

#include "keykiosk/opensslptr.h"

namespace kk {

class TokenService;

// A key with the public half of `tokenKey` whose private operations run `tokenKey`'s on
// the token thread. `tokenKey` (EC or RSA, from libp11) must outlive the returned key; its
// owner makes sure of that. Null for other key types.
EvpPkeyPtr tokenThreadKey(EVP_PKEY *tokenKey, TokenService *tokens);

} // namespace kk
