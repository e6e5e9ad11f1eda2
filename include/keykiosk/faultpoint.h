#pragma once
// Exact kill points for the crash tests (docs/architecture.md, "The kill matrix"): at a named
// place, a test build kills its own process with SIGKILL when KK_KILL_AT names that place
// ("point", or "point@N" for the Nth time it is reached).
// Compiled in only with KEYKIOSK_FAULT_INJECTION (tests/run.sh turns it on); a production
// build has no fault points at all, not even the environment lookup.

#ifdef KEYKIOSK_FAULT_INJECTION
namespace kk {
void faultPoint(const char *name);
} // namespace kk
#define KK_FAULT_POINT(name) ::kk::faultPoint(name)
#else
#define KK_FAULT_POINT(name)                                                                       \
    do {                                                                                           \
    } while (false)
#endif
