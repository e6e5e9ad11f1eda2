#pragma once
// The bank CA's certificate profiles ("roles"), each marked by a certificate policy OID
// (docs/architecture.md, "The bank's side of the roles"): a client's signing certificate, a staff
// member's, the RA's own. The RA enforces them (a key update only from a client certificate, an
// initial request only under a staff certificate); the kiosk recognises a staff token by its role.
// These are the defaults; a bank configures its own OIDs ([roles] in ra.conf and the kiosk's
// configuration). UUID-based OIDs (X.667), so that no registered arc is squatted.
//
// A staff-authorized initial request carries what staff checked as request attributes:
// non-critical extensions in the certificate template, under kRequestAttributes (the RA
// stores them with the request; they never reach the certificate).

namespace kk::roles {

inline constexpr char kClientPolicy[] = "2.25.36858660701864227377114016063891819694";
inline constexpr char kStaffPolicy[] = "2.25.216734443169611143676529654735783794022";
inline constexpr char kRaPolicy[] = "2.25.219848704667317415524245771136346609685";

// Request attributes of an initial request (UTF8String values).
inline constexpr char kRequestCase[] = // "expired", "first-key" or "replacement"
    "2.25.115696035786316451948890919547718562684.1";
inline constexpr char kRequestApplication[] = // the client's signed application: its number
    "2.25.115696035786316451948890919547718562684.2";
inline constexpr char kRequestApplicationDate[] = // ... and its date, YYYY-MM-DD
    "2.25.115696035786316451948890919547718562684.3";
inline constexpr char kRequestChecklist[] =           // what staff confirmed, comma-separated:
    "2.25.115696035786316451948890919547718562684.4"; // identity-document,signed-application
// Any request (a key update too): the signers' sitting it belongs to, "S-…".
inline constexpr char kRequestSitting[] = "2.25.115696035786316451948890919547718562684.5";

} // namespace kk::roles
