#pragma once
// The journey engine's vocabulary (docs/architecture.md, "Journeys"): small step classes over
// a shared JourneyContext, and journeys written as transition tables - every arrow of a
// journey in one place, the way AusweisApp's controllers list their addTransition calls.
// A step says what kind it is (it waits for the client, works, or ends the journey), which
// screen the client sees meanwhile, and whether a removed token aborts it.

#include "keykiosk/enums.h"
#include "keykiosk/journey/context.h"

#include <QVector>

#include <functional>

class QObject;

namespace kk {

class Journal;
class JourneyRunner;

enum class StepKind
{
    Input,    // waits for the client (or a timer): the table says which events it takes
    Working,  // does its work and reports an outcome
    Terminal, // the journey has ended: the runner has cleaned up
};

// The steps of every journey, by name, so that tables read as sentences.
enum class StepId
{
    Start,          // routes by the lifecycle reconciled from the token
    Explain,        // "what will happen", until the client starts
    EnterPin,       // the PIN pad
    CheckPin,       // the PIN on its own: a wrong one costs nothing else
    OpenRenewal,    // login, the token's facts for the profile, keys loaded
    CollectEntropy, // the client draws
    GenerateKey,    // the new key pair on the token, seeded with the drawing
    Submit,         // the request with a new key goes to the bank
    PickUp,         // a request the bank holds, or a certificate to confirm: asked again
    WithBank,       // «принят банком»: waits, polls by itself, the client may leave
    Poll,           // asks the bank again
    Retire,         // the old key set archived, the new one takes the profile's label
    CertificateReceived, // "the new certificate is on your token"
    Finished, // terminal: «вы переведены на работу с новым комплектом ключей»
    Refused,  // terminal: the bank's reason
    Failed,   // terminal: an error from the catalogue; the current key works
    Cancelled,      // terminal: the client left, the idle timeout, the token left
    CheckStaff,     // staff login: the PIN, the staff certificate's role and validity
    Checklist,      // staff confirm the case, the identity check and the signed application
    DropRefusedKey, // a new request after a refusal: the refused key leaves the token first
};

// How a step ended, or what the client did while an input step waited.
enum class Outcome
{
    Ok,
    Explain,    // Start: a new key is (or may be) made: tell the client what happens
    Resume,     // Start: the bank holds the request: straight to the PIN
    Confirmed,  // the client pressed "start"
    PinEntered, // the pad handed over a PIN
    PinOk,
    PinWrong,         // back to the pad; never retried by itself
    NeedKey,          // OpenRenewal: no new key yet
    HavePendingKey,   // OpenRenewal: a new key the bank never acknowledged: send it again
    WithBank,         // OpenRenewal: the bank holds the request
    HaveCertificate,  // OpenRenewal: the certificate is on the token: confirm it with the bank
    BankConfirmed,    // OpenRenewal: the bank confirmed already: only the labels are left
    EntropyCollected, // the pad handed over a seed
    Waiting,          // the bank answered "waiting"
    Issued,           // the certificate is on the token and the bank confirmed it
    Refused,          // the bank refused, with a reason
    PollDue,          // time to ask the bank again
    Acknowledged,     // the client saw the new certificate
    Failed,           // ctx.error says what; every step may end so (see the runner)
    Unreachable,      // the bank holds the request but cannot be reached now: wait, try again
};

struct Transition
{
    StepId from;
    Outcome on;
    StepId to;
};

// The services steps use. The token and the bank are interfaces (journey/gateways.h); the
// journal may be missing (the token alone still tells where a renewal is).
struct JourneyServices
{
    TokenGateway *token = nullptr;
    BankGateway *bank = nullptr;
    Journal *journal = nullptr;
    int defaultPollMs = 5000; // when the bank does not say how long to wait
    // Staff logged in (the staff login journey): staff mode takes the session from here.
    std::function<void(std::shared_ptr<StaffSession>)> staffLoggedIn = {};
    // While the bank cannot be reached: the first retry after this, doubling up to the cap
    // (and at once when the kiosk's bank monitor sees the bank again: JourneyRunner).
    int outageFirstRetryMs = 2000;
    int outageMaxRetryMs = 15000;
};

// A step's line back to the runner. Copies of it travel into callbacks; once the journey
// has moved on (cancelled, token removed, another step), finish() is ignored and current()
// says so, so that a late result never changes anything.
class StepCall
{
public:
    StepCall(JourneyRunner *runner, quint64 generation) : m_runner(runner), m_generation(generation)
    {
    }
    bool current() const;
    void finish(Outcome outcome) const;
    JourneyContext &context() const;
    const JourneyServices &services() const;
    QObject *receiver() const; // for the gateways' callbacks

private:
    JourneyRunner *m_runner;
    quint64 m_generation;
};

class Step
{
public:
    virtual ~Step() = default;
    virtual StepKind kind() const = 0;
    virtual bool abortsOnTokenRemoved() const = 0;
    virtual WorkflowState screen() const = 0;
    // Working steps start their work here and finish() once, later; input steps prepare
    // what the client will see and wait.
    virtual void enter(const StepCall &call) const = 0;
};

// A journey: its name (for the log), its first step and its table.
struct Journey
{
    const char *name;
    StepId first;
    QVector<Transition> table;
};

// The step objects (stateless: what a journey knows is in its context).
const Step &stepFor(StepId id);

// The journeys.
const Journey &renewalJourney();
const Journey &staffLoginJourney();
const Journey &staffRecoveryJourney();

} // namespace kk
