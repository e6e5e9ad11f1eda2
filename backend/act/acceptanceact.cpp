#include "keykiosk/act/acceptanceact.h"

#include "textflow.h"

#include "keykiosk/logging.h"
#include "keykiosk/opensslptr.h"

#include <QFile>
#include <QPagedPaintDevice>
#include <QPainter>
#include <QPdfWriter>

#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <qrencode.h>

#include <memory>

namespace kk {

namespace {

QString objectText(const ASN1_OBJECT *object, bool numeric)
{
    char buffer[128];
    const int length = OBJ_obj2txt(buffer, sizeof buffer, object, numeric ? 1 : 0);
    return length > 0 ? QString::fromLatin1(buffer, qMin(length, int(sizeof buffer) - 1))
                      : QString();
}

// The act's wording in one language; the template is the same for all.
struct ActTexts
{
    const char *title;
    const char *dateLine; // %1 date, %2 city/bank
    const char *intro;
    const char *organization;
    const char *owner;
    const char *keyParameters;
    const char *algorithm;
    const char *parametersOid;
    const char *publicKeyText;
    const char *certificate;
    const char *serial;
    const char *validity; // %1 from, %2 to
    const char *fingerprint;
    const char *qrHint;
    const char *registered;
    const char *ownerSignature;
    const char *headSignature;
    const char *bankSignature;
    const char *stamp;
    const char *signatureLine;
    const char *support;
    const char *phone;
    const char *email;
    const char *copy; // %1
};

const ActTexts kRussian{
    "АКТ признания открытого ключа (сертификата) для обмена сообщениями",
    "Дата: %1. Банк: %2",
    "Настоящим Актом признаётся ключ проверки электронной подписи, принадлежащий "
    "уполномоченному представителю организации.",
    "Организация",
    "Владелец ключа",
    "Параметры ключа",
    "Алгоритм",
    "Parameters OID",
    "Текст открытого ключа",
    "Сертификат",
    "Серийный номер",
    "Срок действия: с %1 по %2",
    "Отпечаток SHA-256",
    "QR-код содержит отпечаток сертификата.",
    "Ключ зарегистрирован и может использоваться для обмена сообщениями.",
    "Владелец ключа",
    "Руководитель организации",
    "Представитель банка",
    "М.П.",
    "подпись / Ф.И.О.",
    "Техническая поддержка",
    "Телефон",
    "E-mail",
    "Экземпляр %1",
};

const ActTexts kKazakh{
    "Хабар алмасуға арналған ашық кілтті (сертификатты) тану АКТІСІ",
    "Күні: %1. Банк: %2",
    "Осы Актімен ұйымның уәкілетті өкіліне тиесілі электрондық қолтаңбаны тексеру кілті "
    "танылады.",
    "Ұйым",
    "Кілт иесі",
    "Кілт параметрлері",
    "Алгоритм",
    "Parameters OID",
    "Ашық кілттің мәтіні",
    "Сертификат",
    "Сериялық нөмірі",
    "Қолданылу мерзімі: %1 бастап %2 дейін",
    "SHA-256 саусақ ізі",
    "QR-кодта сертификаттың саусақ ізі бар.",
    "Кілт тіркелді және хабар алмасу үшін пайдаланыла алады.",
    "Кілт иесі",
    "Ұйым басшысы",
    "Банк өкілі",
    "М.О.",
    "қолы / Т.А.Ә.",
    "Техникалық қолдау",
    "Телефон",
    "E-mail",
    "%1-дана",
};

const ActTexts kEnglish{
    "ACT of acceptance of the public key (certificate) for message exchange",
    "Date: %1. Bank: %2",
    "By this Act the signature verification key belonging to the authorized representative "
    "of the organization is accepted.",
    "Organization",
    "Key owner",
    "Key parameters",
    "Algorithm",
    "Parameters OID",
    "Public key text",
    "Certificate",
    "Serial number",
    "Valid from %1 to %2",
    "SHA-256 fingerprint",
    "The QR code holds the certificate's fingerprint.",
    "The key is registered and may be used for message exchange.",
    "Key owner",
    "Head of the organization",
    "Bank representative",
    "Seal",
    "signature / full name",
    "Technical support",
    "Phone",
    "E-mail",
    "Copy %1",
};

const ActTexts &textsFor(const QString &language)
{
    if (language == QLatin1String("kk"))
        return kKazakh;
    if (language == QLatin1String("en"))
        return kEnglish;
    return kRussian;
}

// Identifiers in the order the bank reads them, with their names per language.
QString identifierName(const QString &key, const QString &language)
{
    const bool latin = language == QLatin1String("en");
    if (key == QLatin1String("INN") || key == QLatin1String("INNLE"))
        return latin ? key : QStringLiteral("ИНН");
    if (key == QLatin1String("OGRN") || key == QLatin1String("OGRNIP"))
        return latin ? key : QStringLiteral("ОГРН");
    if (key == QLatin1String("SNILS"))
        return latin ? key : QStringLiteral("СНИЛС");
    return key;
}

struct QrDeleter
{
    void operator()(QRcode *code) const { QRcode_free(code); }
};

} // namespace

Expected<ActData> actDataFromCertificate(const QByteArray &certificate, const BankDetails &bank,
                                         const QDate &date)
{
    QByteArray certDer = certificate;
    if (certificate.startsWith("-----BEGIN")) { // PEM: a staff member's file
        BioPtr bio(BIO_new_mem_buf(certificate.constData(), int(certificate.size())));
        X509Ptr pem(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!pem)
            return Error(ErrorCode::CertificateUnparseable, QStringLiteral("act: unreadable PEM"));
        certDer = derBytes([&pem](unsigned char **out) { return i2d_X509(pem.get(), out); });
    }
    auto profile = parseCertificate(certDer);
    if (!profile)
        return profile.error();
    const auto *bytes = reinterpret_cast<const unsigned char *>(certDer.constData());
    X509Ptr cert(d2i_X509(nullptr, &bytes, certDer.size()));
    if (!cert)
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("act: unreadable certificate"));
    ActData data;
    data.date = date;
    data.bank = bank;
    data.certificate = profile.value();

    ASN1_OBJECT *algorithm = nullptr;
    const unsigned char *key = nullptr;
    int keyLength = 0;
    X509_ALGOR *parameters = nullptr;
    if (!X509_PUBKEY_get0_param(&algorithm, &key, &keyLength, &parameters,
                                X509_get_X509_PUBKEY(cert.get())))
        return Error(ErrorCode::CertificateUnparseable, QStringLiteral("act: no public key"));
    data.algorithmName = objectText(algorithm, false);
    data.algorithmOid = objectText(algorithm, true);
    data.publicKey = QByteArray(reinterpret_cast<const char *>(key), keyLength);
    if (parameters) {
        int type = 0;
        const void *value = nullptr;
        X509_ALGOR_get0(nullptr, &type, &value, parameters);
        if (type == V_ASN1_OBJECT)
            data.parametersOid = objectText(static_cast<const ASN1_OBJECT *>(value), true);
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (!X509_digest(cert.get(), EVP_sha256(), digest, &digestLength))
        return Error(ErrorCode::Internal, QStringLiteral("act: SHA-256 failed"));
    data.fingerprintSha256 = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(digest), int(digestLength)).toHex(':').toUpper());
    return data;
}

QStringList publicKeyLines(const QByteArray &publicKey)
{
    const QString hex = QString::fromLatin1(publicKey.toHex().toUpper());
    QStringList lines;
    QStringList groups;
    for (int i = 0; i < hex.size(); i += 4) {
        groups << hex.mid(i, 4);
        if (groups.size() == 8) {
            lines << groups.join(QLatin1Char(' '));
            groups.clear();
        }
    }
    if (!groups.isEmpty())
        lines << groups.join(QLatin1Char(' '));
    return lines;
}

QVector<QVector<bool>> qrModules(const QByteArray &text)
{
    std::unique_ptr<QRcode, QrDeleter> code(
        QRcode_encodeString8bit(text.constData(), 0, QR_ECLEVEL_M));
    if (!code)
        return {};
    QVector<QVector<bool>> modules(code->width, QVector<bool>(code->width));
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            modules[y][x] = code->data[y * code->width + x] & 1;
    return modules;
}

ActRenderer::ActRenderer(ActData data, QString language)
    : m_data(std::move(data)), m_language(std::move(language))
{
}

Error ActRenderer::render(QPagedPaintDevice *device) const
{
    QPainter painter;
    if (!painter.begin(device))
        return Error(ErrorCode::Internal, QStringLiteral("act: cannot paint on the device"));
    const QRectF page(0, 0, device->width(), device->height());
    for (int copy = 1; copy <= 2; ++copy) {
        if (copy > 1)
            device->newPage();
        paintCopy(painter, page, copy);
    }
    painter.end();
    return {};
}

Error ActRenderer::writePdf(const QString &path) const
{
    QPdfWriter pdf(path);
    setUpPdf(pdf, QPageSize::A4, 15, t(textsFor(m_language).title));
    if (Error e = render(&pdf))
        return e;
    if (!QFile::exists(path) || QFile(path).size() == 0)
        return Error(ErrorCode::Internal, QStringLiteral("act: %1 was not written").arg(path));
    return {};
}

QImage ActRenderer::preview(int width) const
{
    // The paper layout at the image's own resolution: A4 as wide as asked.
    const double dpi = width / (210.0 / 25.4);
    QImage image(width, int(width * 297.0 / 210.0), QImage::Format_RGB32);
    image.setDotsPerMeterX(int(dpi / 0.0254));
    image.setDotsPerMeterY(int(dpi / 0.0254));
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const double mm = dpi / 25.4;
    paintCopy(painter, QRectF(15 * mm, 15 * mm, 180 * mm, 267 * mm), 1); // as on paper
    return image;
}

void ActRenderer::paintCopy(QPainter &painter, const QRectF &page, int copy) const
{
    const ActTexts &tx = textsFor(m_language);
    TextFlow flow(painter, page);
    const double mm = flow.mm;
    painter.setPen(Qt::black);

    flow.block(t(tx.copy).arg(copy), 9, false, Qt::AlignRight, false, 1);
    flow.block(t(tx.title), 14, true, Qt::AlignHCenter, false, 4);
    flow.block(
        t(tx.dateLine).arg(m_data.date.toString(QStringLiteral("dd.MM.yyyy")), m_data.bank.name),
        10, false, Qt::AlignLeft, false, 3);
    flow.block(t(tx.intro), 10);
    const CertificateProfile &c = m_data.certificate;
    flow.row(t(tx.organization), c.organization);
    flow.row(t(tx.owner), c.ownerName);
    for (const char *key : {"INN", "INNLE", "OGRN", "OGRNIP", "SNILS"}) {
        const QString name = QString::fromLatin1(key);
        flow.row(identifierName(name, m_language), c.identifiers.value(name));
    }
    flow.moveTo(flow.y() + 2 * mm);

    flow.block(t(tx.keyParameters), 11, true, Qt::AlignLeft, false, 1);
    flow.row(t(tx.algorithm),
             QStringLiteral("%1 (%2)").arg(m_data.algorithmName, m_data.algorithmOid));
    flow.row(t(tx.parametersOid), m_data.parametersOid);
    flow.block(t(tx.publicKeyText) + QLatin1Char(':'), 10, false, Qt::AlignLeft, false, 1);
    flow.block(publicKeyLines(m_data.publicKey).join(QLatin1Char('\n')), 9, false, Qt::AlignLeft,
               true, 3, 5 * mm);

    // Certificate details on the left, the QR code on the right.
    const double qrSize = 32 * mm;
    const double detailsTop = flow.y();
    flow.block(t(tx.certificate), 11, true, Qt::AlignLeft, false, 1);
    flow.row(t(tx.serial), c.serialHex);
    flow.block(t(tx.validity)
                   .arg(c.validFrom.toUTC().toString(QStringLiteral("dd.MM.yyyy")),
                        c.validTo.toUTC().toString(QStringLiteral("dd.MM.yyyy"))),
               10, false, Qt::AlignLeft, false, 1);
    flow.block(t(tx.fingerprint) + QLatin1Char(':'), 10, false, Qt::AlignLeft, false, 1);
    const QString fp = m_data.fingerprintSha256;
    flow.block(fp.left(48) + QLatin1Char('\n') + fp.mid(48), 8, false, Qt::AlignLeft, true, 1);
    flow.block(t(tx.qrHint), 8);
    const auto modules = qrModules(fp.toLatin1());
    if (!modules.isEmpty()) {
        const int quiet = 4;
        const double unit = qrSize / (modules.size() + 2 * quiet);
        const QPointF origin(page.right() - qrSize, detailsTop);
        painter.fillRect(QRectF(origin, QSizeF(qrSize, qrSize)), Qt::white);
        for (int r = 0; r < modules.size(); ++r)
            for (int col = 0; col < modules.size(); ++col)
                if (modules[r][col])
                    painter.fillRect(QRectF(origin.x() + (col + quiet) * unit,
                                            origin.y() + (r + quiet) * unit, unit, unit),
                                     Qt::black);
        flow.moveTo(qMax(flow.y(), detailsTop + qrSize + 2 * mm));
    }

    flow.block(t(tx.registered), 10, true, Qt::AlignLeft, false, 6);

    // Signature and stamp blocks: owner, head of the organization (with the stamp), bank.
    const double column = page.width() / 3;
    const double signTop = flow.y();
    const char *roles[] = {tx.ownerSignature, tx.headSignature, tx.bankSignature};
    for (int i = 0; i < 3; ++i) {
        const double x = page.left() + i * column;
        flow.setFont(10, true);
        painter.drawText(QRectF(x, signTop, column - 4 * mm, 12 * mm), Qt::TextWordWrap,
                         t(roles[i]));
        painter.drawLine(QPointF(x, signTop + 24 * mm),
                         QPointF(x + column - 8 * mm, signTop + 24 * mm));
        flow.setFont(8);
        painter.drawText(QRectF(x, signTop + 25 * mm, column - 4 * mm, 6 * mm), Qt::AlignLeft,
                         t(tx.signatureLine));
        if (i > 0)
            painter.drawText(QRectF(x, signTop + 31 * mm, column - 4 * mm, 6 * mm), Qt::AlignLeft,
                             t(tx.stamp));
    }
    flow.moveTo(signTop + 40 * mm);

    flow.block(t(tx.support), 10, true, Qt::AlignLeft, false, 1);
    flow.row(t(tx.phone), m_data.bank.supportPhone);
    flow.row(t(tx.email), m_data.bank.supportEmail);
}

} // namespace kk
