#pragma once
// Every typed enum that crosses into QML or the log, in one Q_NAMESPACE (Qt allows one
// per namespace). QML reaches them as KK.<Value> through registerKioskTypes().

#include <QObject>

namespace kk {
Q_NAMESPACE

enum class ErrorCode
{
    None = 0,
    // token layer
    ModuleNotFound = 101,
    ModuleBroken = 102,
    NoTokenPresent = 103,
    TokenRemoved = 104,
    PinIncorrect = 105,
    PinLocked = 106,
    PinInvalid = 107,
    PinExpired = 108,
    NotLoggedIn = 109,
    KeyGenerationFailed = 110,
    ObjectNotFound = 111,
    TokenWriteFailed = 112,
    TokenReadOnly = 113,
    TokenFailure = 114,
    KeyNotTrusted = 115, // a key the token did not generate, or one that has left it
    // certificates and statuses
    NoCertificate = 201,
    CertificateUnparseable = 202,
    // presence
    PcscUnavailable = 301,
    UnsupportedDevice = 302,
    MultipleTokens = 303,
    // the bank (CMP)
    BankUnreachable = 401,
    BankRejected = 402,
    CertificateExpiredSeeStaff = 403,
    CertificateRevoked = 404,
    BankProtocolError = 405,
    NewCertificateInvalid = 406,
    // the kiosk's printer (the acceptance act, the slip)
    PrinterMissing = 501,
    PrinterOutOfPaper = 502,
    PrinterNotReady = 503,
    PrintFailed = 504,
    // staff mode
    NotAStaffToken = 601,          // the token holds no staff certificate of this bank
    StaffCertificateInvalid = 602, // expired, not yet valid, or not issued by the bank CA
    StaffTokenRemoved = 603,       // staff mode ended with the staff token
    StaffModeEnded = 604,          // staff ended staff mode, or its idle timeout did
    // anything we did not foresee
    Internal = 999,
};
Q_ENUM_NS(ErrorCode)

// The token's PIN flags, as a state the UI can phrase ("2 tries left", "last try", ...).
enum class PinState
{
    Ok,             // no failed attempts reported
    CountLow,       // CKF_USER_PIN_COUNT_LOW: at least one wrong PIN since the last success
    FinalTry,       // CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the token
    Locked,         // CKF_USER_PIN_LOCKED
    MustChange,     // CKF_USER_PIN_TO_BE_CHANGED
    NotInitialized, // the user PIN was never set
};
Q_ENUM_NS(PinState)

enum class KeyAlgorithm
{
    EcP256,
    Rsa2048
};
Q_ENUM_NS(KeyAlgorithm)

enum class SeedOutcome
{
    Seeded,
    NotSupported,
    Failed
};
Q_ENUM_NS(SeedOutcome)

enum class ProfileStatus
{
    InitialGenerationNeeded,   // необходима начальная генерация
    InOperation,               // в эксплуатации
    PrimaryRegenerationNeeded, // необходима первичная регенерация
    PlannedRegenerationNeeded, // необходима плановая регенерация
    AcceptedByBank,            // принят банком
    NewCertificateReceived,    // получен новый сертификат
    RegistrationRefused,       // получен отказ в регистрации
    Expired,                   // срок действия истёк: only staff can recover
    NotYetValid,               // a clock or issuance problem: staff
};
Q_ENUM_NS(ProfileStatus)

enum class UsbDeviceKind
{
    Token,      // a known token, or any smart-card class device
    NotAToken,  // mass storage and everything else a client might plug in by mistake
    Peripheral, // hubs, HID (the touch screen), printers: the kiosk's own hardware
};
Q_ENUM_NS(UsbDeviceKind)

enum class PresenceState
{
    Starting,           // nothing heard from PC/SC yet
    ServiceUnavailable, // pcscd is not reachable
    NoToken,
    TokenArriving, // seen on USB or in a reader; its PKCS#11 slot is being found
    TokenReady,    // mapped to a slot: token() is valid
    SeveralTokens,
    ForeignDevice, // a USB stick, a bank card: something that is not a token
    TokenGone,     // the ready token went away (until something new arrives)
    TokenError,    // a card is present but the token layer failed (see error())
};
Q_ENUM_NS(PresenceState)

// Which screen the kiosk shows; QML switches on this, never on strings.
enum class KioskScreen
{
    InsertToken,   // attract / "insert your token" (also after removal)
    ReadingToken,  // a token arrived; reading its profiles
    TokenProfiles, // the seeds' profile table with "Параметры подписи"
    Message,       // a client-facing problem: unsupported device, two tokens, unreadable token
    OutOfService,  // pcscd or the bank unreachable; clears by itself on recovery
    Renewal,       // the renewal journey: which step comes from Journey.state (WorkflowState)
    AcceptanceAct, // the act of a certificate already on the token, to print it again
    StaffHome,     // only the staff token is in: staff log in, or insert the client's token
    SittingBoard,  // a signers' sitting: who has renewed, who is next
};
Q_ENUM_NS(KioskScreen)

// What the client sees of a journey: the screen of its current step (journey/step.h).
enum class WorkflowState
{
    Idle,              // nothing under way
    Explaining,        // "what will happen", waiting for an explicit start
    EnteringPin,       // the PIN pad is up
    CheckingPin,       // logging in on the token thread
    CollectingEntropy, // the client draws until the target is reached
    GeneratingKey,     // seeding the token, generating the new key pair, preparing the request
    Sending,           // the signed request is on its way to the bank
    PickingUp,         // a returning client: asking the bank for the certificate
    WithBank,          // "принят банком": the bank answered "waiting"; polled by itself
    Installing,        // the certificate is on the token: the old key set is archived
    CertificateReceived, // the new certificate is on the token: "переведены на работу с новым
                         // комплектом"
    Refused,   // "получен отказ в регистрации", with the bank's reason
    Error,     // an error from the catalogue; the current key still works
    Cancelled, // by the client, the idle timeout, or the token leaving
    Finished, // the client saw the new certificate: "переведены на работу с новым комплектом"
    StaffChecklist, // staff confirm the case, the identity check and the signed application
};
Q_ENUM_NS(WorkflowState)

// What a journey that ended early leaves behind, from its state (never from the error code
// alone): the sentences the error screen says about the keys and the request.
enum class RenewalAftermath
{
    AftermathNothingChanged,     // no new key: the token is as it was
    AftermathNewKeyUncertain,    // stopped while the key was being made: the token will tell
    AftermathNewKeyKept,         // a new key on the token; the bank has not received it
    AftermathBankHoldsRequest,   // the bank holds the request, this kiosk did not record it
    AftermathRequestKept,        // the bank holds the request and the journal records it
    AftermathCertificateOnToken, // the new certificate is on the token, not yet confirmed
    AftermathSwitchPending,      // the bank confirmed: only the switch on the token is left
    AftermathRenewed,            // the new keys are in operation
};
Q_ENUM_NS(RenewalAftermath)

// Which journey runs: the client's own renewal, or one of staff mode's.
enum class JourneyKind
{
    ClientRenewal,
    StaffLogin,    // a staff member's PIN on their own token
    StaffRecovery, // a staff-authorized initial request for the client's new key
};
Q_ENUM_NS(JourneyKind)

// The recovery cases staff choose from (docs/architecture.md, "The staff recovery journey").
enum class RecoveryCase
{
    ExpiredKey,       // the certificate has expired: it cannot sign its own renewal
    FirstKey,         // no key yet, for a client the bank has registered
    ReplacementToken, // a new token for a lost or broken one: the old certificate is revoked
};
Q_ENUM_NS(RecoveryCase)

// The fields staff type on the checklist screen, with its number pad.
enum class ChecklistField
{
    Application,     // the application's number
    ApplicationDate, // its date, DDMMYYYY
    Snils,           // the client's SNILS (a token with no certificate)
    Inn,             // the organization's INN (a token with no certificate)
};
Q_ENUM_NS(ChecklistField)

// A signer on a sitting's board (docs/architecture.md, "Sittings"). The names carry "Signer":
// QML sees every enum of this namespace as KK.<Value>, so values must be unique.
enum class SignerStatus
{
    SignerWaitingForToken,     // seen in this sitting; their token is not in the kiosk
    SignerReading,             // their token is being read
    SignerReady,               // their token is in: they may renew (or pick up)
    SignerRenewing,            // their journey is under way
    SignerWithBank,            // «принят банком»: the request is with the bank
    SignerCertificateReceived, // the new certificate is on their token, in operation
    SignerRefused, // «получен отказ в регистрации», with the bank's reason
    SignerNeedsStaff,  // expired (or locked): the staff journey, where staff are present
    SignerNothingToDo, // in operation with a fresh certificate
};
Q_ENUM_NS(SignerStatus)

// What a signer can do on the board now (their token in the kiosk).
enum class SignerAction
{
    SignerNoAction,
    SignerRenew,   // renew (or, after a refusal, a new request)
    SignerPickUp,  // the request is with the bank: pick up the certificate
    SignerRecover, // staff mode: the staff recovery for this signer
};
Q_ENUM_NS(SignerAction)

// What the kiosk offers for the selected profile, from its status.
enum class RenewalAction
{
    NoAction,   // in operation with a fresh certificate: nothing to do here
    Renew,      // planned, primary or (if the bank allows) unscheduled regeneration
    PickUp,     // "принят банком": the request is with the bank; continue it
    NewRequest, // "получен отказ": the bank's reason was shown; a new request may start
    SeeStaff,   // expired, not yet valid, no key, or a locked PIN: only staff can help
};
Q_ENUM_NS(RenewalAction)

// What the token screen says under the selected profile, for a client or for staff
// (kiosk/controllers/actionhint.h).
enum class ActionHint
{
    NothingToDo,
    RenewNow,
    CertificateOnToken,      // picked up: the PIN finishes it
    RequestWithBank,         // the PIN picks the certificate up
    NewRequestPossible,      // the bank refused the last one
    AskStaff,                // only staff can help
    StaffReplaceLockedToken, // staff: the PIN is locked, a new token is the way
    StaffChooseCase,         // staff: recovery cases fit this profile
    StaffNothingToRecover,   // staff: none fits
};
Q_ENUM_NS(ActionHint)

} // namespace kk
