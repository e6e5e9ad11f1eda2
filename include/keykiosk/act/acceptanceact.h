#pragma once
// The acceptance act, «АКТ признания открытого ключа (сертификата) для обмена сообщениями»
// (seeds 002 and 004): the client and the head of the organization sign it, stamp it and
// bring it to the bank. Built from the new certificate and the bank's settings; rendered
// with QPainter on any paged device (a PDF file, a printer) or on an image for the screen.
// Two copies, one per page. A QR code carries the certificate's SHA-256 fingerprint so that
// the bank's clerk scans it instead of comparing hex by eye.

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/expected.h"

#include <QDate>
#include <QImage>
#include <QString>

class QPagedPaintDevice;

namespace kk {

// [act] in the kiosk's configuration.
struct BankDetails
{
    QString name = QStringLiteral("АО «Банк»");
    QString supportPhone;
    QString supportEmail;
};

struct ActData
{
    QDate date;
    BankDetails bank;
    CertificateProfile certificate; // owner, organization, identifiers, serial, validity
    QString algorithmName;          // "id-ecPublicKey", "rsaEncryption"
    QString algorithmOid;           // 1.2.840.10045.2.1
    QString parametersOid;          // the curve (1.2.840.10045.3.1.7); empty for RSA
    QByteArray publicKey;           // the subjectPublicKey bits
    QString fingerprintSha256;      // AB:CD:..., as `openssl x509 -fingerprint -sha256` prints
};

// The certificate in DER or PEM.
Expected<ActData> actDataFromCertificate(const QByteArray &certificate, const BankDetails &bank,
                                         const QDate &date = QDate::currentDate());

// The public key as hex in groups of four digits, eight groups to a line.
QStringList publicKeyLines(const QByteArray &publicKey);

// language: ru (default), kk or en - the same template in each.
class ActRenderer
{
public:
    ActRenderer(ActData data, QString language = QStringLiteral("ru"));

    // Both copies, one per page.
    Error render(QPagedPaintDevice *device) const;
    Error writePdf(const QString &path) const;
    // One copy as a picture for the screen (A4 proportions), width in pixels.
    QImage preview(int width) const;

    const ActData &data() const { return m_data; }

private:
    void paintCopy(class QPainter &painter, const QRectF &page, int copy) const;

    ActData m_data;
    QString m_language;
};

// The «принят банком» slip: what the client takes away while the bank decides.
struct SlipData
{
    QString requestNumber;
    QString owner;
    QString identifier;
    QDate date;
    BankDetails bank;
};
Error writeSlipPdf(const SlipData &slip, const QString &language, const QString &path);

// The one-page summary of a signers' sitting: the organization, each signer with their request
// number and status, for the organization and for staff.
struct SittingSummary
{
    QString id;
    QString organization;
    QString inn;
    QDate date;
    BankDetails bank;
    struct Row
    {
        QString owner;
        QString title;
        QString status; // as the board says it, in the summary's language
        QString requestNumber;
        QString certificateSerial;
        QString note; // a refusal's reason
    };
    QVector<Row> rows;
};
Error writeSittingSummaryPdf(const SittingSummary &summary, const QString &language,
                             const QString &path);

// The QR code of `text` as a square of modules (true = dark), or empty on failure.
QVector<QVector<bool>> qrModules(const QByteArray &text);

} // namespace kk
