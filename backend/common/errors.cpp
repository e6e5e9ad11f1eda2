#include "keykiosk/errors.h"

#include <QCoreApplication>
#include <QMetaEnum>

namespace kk {

namespace {
struct CatalogueEntry
{
    ErrorCode code;
    const char *message; // source text; translated through the "Errors" context
};

// QT_TRANSLATE_NOOP lets lupdate collect the texts into the .ts files.
const CatalogueEntry kCatalogue[] = {
    {ErrorCode::ModuleNotFound,
     QT_TRANSLATE_NOOP(
         "Errors",
         "The token software is not installed on this kiosk. Please ask the staff for help.")},
    {ErrorCode::ModuleBroken,
     QT_TRANSLATE_NOOP(
         "Errors",
         "The token software on this kiosk does not work. Please ask the staff for help.")},
    {ErrorCode::NoTokenPresent,
     QT_TRANSLATE_NOOP("Errors", "No token found. Please insert your token.")},
    {ErrorCode::TokenRemoved,
     QT_TRANSLATE_NOOP("Errors", "The token was removed before the step finished.")},
    {ErrorCode::PinIncorrect, QT_TRANSLATE_NOOP("Errors", "Wrong PIN.")},
    {ErrorCode::PinLocked,
     QT_TRANSLATE_NOOP("Errors",
                       "The PIN is locked after too many wrong attempts. Please see the staff.")},
    {ErrorCode::PinInvalid,
     QT_TRANSLATE_NOOP("Errors", "The PIN has a wrong length or contains invalid characters.")},
    {ErrorCode::PinExpired,
     QT_TRANSLATE_NOOP("Errors", "The PIN has expired and must be changed. Please see the staff.")},
    {ErrorCode::NotLoggedIn, QT_TRANSLATE_NOOP("Errors", "Please enter the PIN first.")},
    {ErrorCode::KeyGenerationFailed,
     QT_TRANSLATE_NOOP("Errors", "The token could not generate a new key.")},
    {ErrorCode::ObjectNotFound, QT_TRANSLATE_NOOP("Errors", "The key was not found on the token.")},
    {ErrorCode::TokenWriteFailed,
     QT_TRANSLATE_NOOP("Errors", "The token could not store the data.")},
    {ErrorCode::TokenReadOnly, QT_TRANSLATE_NOOP("Errors", "The token is write-protected.")},
    {ErrorCode::TokenFailure,
     QT_TRANSLATE_NOOP("Errors",
                       "The token reported an error. Please try again or see the staff.")},
    {ErrorCode::KeyNotTrusted,
     QT_TRANSLATE_NOOP("Errors",
                       "A key on the token cannot be trusted for signing. Please see the staff.")},
    {ErrorCode::NoCertificate,
     QT_TRANSLATE_NOOP("Errors", "The token holds no certificate. An initial key generation is "
                                 "needed: please see the staff.")},
    {ErrorCode::CertificateUnparseable,
     QT_TRANSLATE_NOOP("Errors",
                       "A certificate on the token cannot be read. Please see the staff.")},
    {ErrorCode::PcscUnavailable,
     QT_TRANSLATE_NOOP(
         "Errors", "The card reader service is not available. The kiosk will recover by itself.")},
    {ErrorCode::UnsupportedDevice,
     QT_TRANSLATE_NOOP(
         "Errors",
         "This device is not a supported token. Please remove it and insert your token.")},
    {ErrorCode::MultipleTokens,
     QT_TRANSLATE_NOOP("Errors", "More than one token is inserted. Please leave only one.")},
    {ErrorCode::BankUnreachable,
     QT_TRANSLATE_NOOP("Errors", "The bank cannot be reached right now. Please try again later.")},
    {ErrorCode::BankRejected, QT_TRANSLATE_NOOP("Errors", "The bank refused the registration.")},
    {ErrorCode::CertificateExpiredSeeStaff,
     QT_TRANSLATE_NOOP("Errors", "Your key has expired and cannot renew itself. Please see the "
                                 "staff: a new key set is made at the branch.")},
    {ErrorCode::CertificateRevoked,
     QT_TRANSLATE_NOOP("Errors", "Your certificate has been revoked. Please see the staff.")},
    {ErrorCode::BankProtocolError,
     QT_TRANSLATE_NOOP("Errors",
                       "The bank's answer could not be processed. Please see the staff.")},
    {ErrorCode::NewCertificateInvalid,
     QT_TRANSLATE_NOOP("Errors", "The new certificate from the bank did not pass the checks and "
                                 "was not installed.")},
    {ErrorCode::PrinterMissing,
     QT_TRANSLATE_NOOP("Errors", "This kiosk has no printer. Your act is saved: the staff can "
                                 "print it for you, or print it again at another kiosk.")},
    {ErrorCode::PrinterOutOfPaper,
     QT_TRANSLATE_NOOP("Errors", "The printer is out of paper. Please ask the staff to add "
                                 "paper, then print again.")},
    {ErrorCode::PrinterNotReady,
     QT_TRANSLATE_NOOP("Errors", "The printer is not ready. Please ask the staff, then print "
                                 "again.")},
    {ErrorCode::PrintFailed,
     QT_TRANSLATE_NOOP("Errors", "Printing failed. Please try again or ask the staff.")},
    {ErrorCode::NotAStaffToken,
     QT_TRANSLATE_NOOP("Errors", "This token holds no staff certificate of this bank.")},
    {ErrorCode::StaffCertificateInvalid,
     QT_TRANSLATE_NOOP("Errors", "The staff certificate on this token is not valid now (expired, "
                                 "not yet valid or not issued by the bank).")},
    {ErrorCode::StaffTokenRemoved,
     QT_TRANSLATE_NOOP("Errors", "The staff token was removed: staff mode has ended. The "
                                 "client's keys were not changed.")},
    {ErrorCode::StaffModeEnded,
     QT_TRANSLATE_NOOP("Errors", "Staff mode has ended. The client's keys were not changed.")},
    {ErrorCode::Internal,
     QT_TRANSLATE_NOOP("Errors", "Something went wrong. Please see the staff.")},
};
} // namespace

QString errorId(ErrorCode code)
{
    return QStringLiteral("KK-%1").arg(static_cast<int>(code), 3, 10, QLatin1Char('0'));
}

QString clientMessage(ErrorCode code)
{
    for (const auto &entry : kCatalogue) {
        if (entry.code == code)
            return QCoreApplication::translate("Errors", entry.message);
    }
    return code == ErrorCode::None ? QString() : clientMessage(ErrorCode::Internal);
}

QList<ErrorCode> allErrorCodes()
{
    QList<ErrorCode> codes;
    for (const auto &entry : kCatalogue)
        codes << entry.code;
    return codes;
}

QString Error::logText() const
{
    return QStringLiteral("%1 %2: %3")
        .arg(errorId(code),
             QString::fromLatin1(QMetaEnum::fromType<ErrorCode>().valueToKey(int(code))), detail);
}

} // namespace kk
