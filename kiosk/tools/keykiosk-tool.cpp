// keykiosk-tool: the staff's command line for a token in the kiosk (diagnosis, tests).
//
//   keykiosk-tool status [--module M] [--serial S | --slot N]
//       the token's profiles and their seed statuses
//   keykiosk-tool renew --pin-file F --bank URL --ra-cert PEM --bank-ca PEM
//                       [--module M] [--serial S] [--wait SECONDS] [--delete-old-key]
//       renews the current key; resumes a pending request with the same new key
//   keykiosk-tool act --out FILE.pdf [--cert FILE | --module M --serial S] [--language L]
//                     [--bank-name N] [--support-phone P] [--support-email E] [--date YYYY-MM-DD]
//                     [--print [--printer NAME]]
//       the acceptance act for the token's current certificate (or a certificate file), saved
//       as a PDF, and printed on CUPS's default printer (or NAME) with --print
//
// Exit codes: 0 done (status printed / certificate installed), 3 still waiting (принят
// банком), 4 refused by the bank, 1 any other error.

#include "keykiosk/act/acceptanceact.h"
#include "keykiosk/act/actprinter.h"
#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enroll/tokenrenewal.h"
#include "keykiosk/token/tokenservice.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QMetaEnum>
#include <QThread>
#include <QTranslator>

#include <csignal>
#include <cstdio>

using namespace kk;

namespace {

int fail(const QString &message, int code = 1)
{
    std::fprintf(stderr, "keykiosk-tool: %s\n", qPrintable(message));
    return code;
}

template <typename E> const char *key(E value)
{
    return QMetaEnum::fromType<E>().valueToKey(int(value));
}

Expected<TokenInfo> pickToken(Pkcs11Module &module, const QString &serial, const QString &slot)
{
    if (!slot.isEmpty()) {
        bool ok = false;
        const unsigned long id = slot.toULong(&ok, 0);
        if (!ok)
            return Error(ErrorCode::Internal, QStringLiteral("--slot takes a number"));
        return module.tokenInfo(id);
    }
    auto tokens = module.tokens();
    if (!tokens)
        return tokens.error();
    for (const TokenInfo &token : tokens.value()) {
        if (serial.isEmpty() ? tokens->size() == 1 : token.serial == serial)
            return token;
    }
    return Error(
        ErrorCode::NoTokenPresent,
        serial.isEmpty()
            ? QStringLiteral("%1 tokens present; pick one with --serial").arg(tokens->size())
            : QStringLiteral("no token with serial %1").arg(serial));
}

// Writes (and with --print prints) the act for one certificate.
int makeAct(const QByteArray &certDer, const QCommandLineParser &parser)
{
    BankDetails bank;
    if (parser.isSet(QStringLiteral("bank-name")))
        bank.name = parser.value(QStringLiteral("bank-name"));
    bank.supportPhone = parser.value(QStringLiteral("support-phone"));
    bank.supportEmail = parser.value(QStringLiteral("support-email"));
    QDate date = QDate::currentDate();
    if (parser.isSet(QStringLiteral("date")))
        date = QDate::fromString(parser.value(QStringLiteral("date")), Qt::ISODate);
    if (!date.isValid())
        return fail(QStringLiteral("--date takes YYYY-MM-DD"));
    auto data = actDataFromCertificate(certDer, bank, date);
    if (!data)
        return fail(data.error().logText());
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        return fail(QStringLiteral("act needs --out FILE.pdf"));
    ActRenderer act(data.value(), parser.value(QStringLiteral("language")));
    if (Error e = act.writePdf(out))
        return fail(e.logText());
    std::printf("act: %s (certificate %s, SHA-256 %s)\n", qPrintable(out),
                qPrintable(data->certificate.serialHex), qPrintable(data->fingerprintSha256));
    if (!parser.isSet(QStringLiteral("print")))
        return 0;
    ActPrinter printer(parser.value(QStringLiteral("printer")));
    QEventLoop loop;
    Error result;
    QObject::connect(&printer, &ActPrinter::finished, &loop, [&](const Error &e) {
        result = e;
        loop.quit();
    });
    if (Error e = printer.print(
            out, QStringLiteral("Acceptance act %1").arg(data->certificate.serialHex)))
        return fail(e.logText(), 5);
    loop.exec();
    if (result)
        return fail(result.logText(), 5);
    std::printf("printed on %s\n", qPrintable(printer.status().name));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // The act is painted with fonts, which needs a GUI application; the tool never shows a
    // window, so the offscreen platform serves on a kiosk without a display too.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KeyKiosk staff tool"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("status | renew"));
    const QCommandLineOption moduleOption(QStringLiteral("module"),
                                          QStringLiteral("PKCS#11 module"), QStringLiteral("path"),
                                          QStringLiteral(KEYKIOSK_P11KIT_PROXY));
    const QCommandLineOption serialOption(QStringLiteral("serial"), QStringLiteral("token serial"),
                                          QStringLiteral("serial"));
    const QCommandLineOption slotOption(QStringLiteral("slot"), QStringLiteral("PKCS#11 slot id"),
                                        QStringLiteral("id"));
    const QCommandLineOption pinOption(
        QStringLiteral("pin-file"), QStringLiteral("file holding the PIN"), QStringLiteral("file"));
    const QCommandLineOption bankOption(QStringLiteral("bank"),
                                        QStringLiteral("https://host:port/.well-known/cmp"),
                                        QStringLiteral("url"));
    const QCommandLineOption raCertOption(QStringLiteral("ra-cert"),
                                          QStringLiteral("the RA certificate to pin"),
                                          QStringLiteral("pem"));
    const QCommandLineOption caOption(QStringLiteral("bank-ca"),
                                      QStringLiteral("the bank CA certificate"),
                                      QStringLiteral("pem"));
    const QCommandLineOption waitOption(QStringLiteral("wait"),
                                        QStringLiteral("seconds to keep polling"),
                                        QStringLiteral("seconds"), QStringLiteral("0"));
    const QCommandLineOption deleteOption(QStringLiteral("delete-old-key"),
                                          QStringLiteral("delete, not archive, the old key"));
    const QCommandLineOption languageOption(QStringLiteral("language"),
                                            QStringLiteral("ru (default), kk or en"),
                                            QStringLiteral("code"), QStringLiteral("ru"));
    const QCommandLineOption tlsPinOption(
        QStringLiteral("tls-pin"),
        QStringLiteral("the RA's TLS certificate, pinned (instead of the bank CA and host name)"),
        QStringLiteral("pem"));
    const QCommandLineOption plainOption(QStringLiteral("allow-plain-http"),
                                         QStringLiteral("accept an http:// bank URL"));
    parser.addOptions({moduleOption, serialOption, slotOption, pinOption, bankOption, raCertOption,
                       caOption, waitOption, deleteOption, languageOption, tlsPinOption,
                       plainOption});
    parser.addOptions({
        {QStringLiteral("out"), QStringLiteral("act: the PDF to write"), QStringLiteral("file")},
        {QStringLiteral("cert"),
         QStringLiteral("act: a certificate file (DER or PEM) instead of the token"),
         QStringLiteral("file")},
        {QStringLiteral("bank-name"), QStringLiteral("act: the bank's name"),
         QStringLiteral("name")},
        {QStringLiteral("support-phone"), QStringLiteral("act: support phone"),
         QStringLiteral("phone")},
        {QStringLiteral("support-email"), QStringLiteral("act: support e-mail"),
         QStringLiteral("email")},
        {QStringLiteral("date"), QStringLiteral("act: the act's date"),
         QStringLiteral("YYYY-MM-DD")},
        {QStringLiteral("print"), QStringLiteral("act: print it (CUPS)")},
        {QStringLiteral("printer"), QStringLiteral("act: CUPS destination (default: the default)"),
         QStringLiteral("name")},
    });
    parser.process(app);
    const QString command = parser.positionalArguments().value(0);
    if (command == QLatin1String("act") && parser.isSet(QStringLiteral("cert"))) {
        QFile file(parser.value(QStringLiteral("cert")));
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1").arg(file.fileName()));
        return makeAct(file.readAll(), parser); // DER or PEM
    }

    QTranslator translator;
    if (parser.value(languageOption) != QLatin1String("en")) {
        Q_INIT_RESOURCE(translations);
        if (translator.load(
                QStringLiteral(":/i18n/keykiosk_%1.qm").arg(parser.value(languageOption))))
            QCoreApplication::installTranslator(&translator);
    }

    TokenContext context(parser.value(moduleOption));
    auto module = context.module();
    if (!module)
        return fail(module.error().logText());
    auto token = pickToken(*module.value(), parser.value(serialOption), parser.value(slotOption));
    if (!token)
        return fail(token.error().logText());
    auto session = module.value()->openSession(token->slotId, false);
    if (!session)
        return fail(session.error().logText());
    auto entries = session.value()->keyEntries();
    if (!entries)
        return fail(entries.error().logText());
    session->reset();
    const QVector<TokenProfile> profiles =
        deriveProfiles(entries.value(), QDateTime::currentDateTimeUtc(), StatusPolicy{});

    if (command == QLatin1String("status")) {
        std::printf("slot %lu: token \"%s\" serial %s (%s %s), PIN %s\n", token->slotId,
                    qPrintable(token->label), qPrintable(token->serial),
                    qPrintable(token->manufacturer), qPrintable(token->model),
                    key(token->pinState));
        for (const TokenProfile &p : profiles) {
            std::printf("  %-28s id %-40s %-14s valid to %s  %s (%s)%s%s\n",
                        qPrintable(p.certificate.profileName),
                        qPrintable(QString::fromLatin1(p.entry.id.toHex())),
                        qPrintable(p.certificate.cryptography),
                        qPrintable(p.certificate.validTo.toString(QStringLiteral("dd.MM.yyyy"))),
                        key(p.status), qPrintable(statusText(p.status)), p.error ? "  error: " : "",
                        p.error ? qPrintable(p.error.logText()) : "");
        }
        return 0;
    }
    if (command == QLatin1String("act")) {
        for (const TokenProfile &p : profiles) {
            if (!p.entry.certificateDer.isEmpty() && !p.error &&
                !isArchivedLabel(p.entry.certificateLabel))
                return makeAct(p.entry.certificateDer, parser);
        }
        return fail(QStringLiteral("no current certificate on this token"));
    }
    if (command != QLatin1String("renew"))
        return fail(QStringLiteral("unknown command '%1' (status | renew | act)").arg(command));

    BankTlsOptions tls;
    tls.pinnedCertPath = parser.value(tlsPinOption);
    tls.allowPlainHttp = parser.isSet(plainOption);
    auto endpoint = CmpEndpoint::fromFiles(parser.value(bankOption), parser.value(raCertOption),
                                           parser.value(caOption), tls);
    if (!endpoint)
        return fail(endpoint.error().detail);
    QFile pinFile(parser.value(pinOption));
    if (!pinFile.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the PIN file"));
    QByteArray pinText = pinFile.readAll().trimmed();
    SecureBuffer pin =
        SecureBuffer::fromText(std::string_view(pinText.constData(), std::size_t(pinText.size())));
    pinText.fill('\0');

    QByteArray currentId;
    for (const TokenProfile &p : profiles) {
        if (!p.entry.certificateDer.isEmpty() && !p.error) {
            currentId = p.entry.id;
            break;
        }
    }
    if (currentId.isEmpty())
        return fail(QStringLiteral(
            "no certificate to renew on this token (initial generation is done by staff)"));

    RenewalOptions options;
    options.oldKeyPolicy =
        parser.isSet(deleteOption) ? OldKeyPolicy::Delete : OldKeyPolicy::Archive;
    TokenRenewal renewal(context, token.value(), currentId, endpoint.value(), options);
    if (Error e = renewal.begin(pin))
        return fail(e.logText());
    pin.clear();
    std::printf("%s key %s\n",
                renewal.resumedPendingKey() ? "resuming with pending" : "generated new",
                renewal.newKeyId().toHex().constData());
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        const EnrollStep step = renewal.step();
        if (const auto status = statusAfter(step))
            std::printf("status: %s (%s)\n", key(*status), qPrintable(statusText(*status)));
        switch (step.state) {
        case EnrollState::Issued:
            std::printf("issued: new certificate stored under key %s\n",
                        renewal.newKeyId().toHex().constData());
            return 0;
        case EnrollState::Rejected:
            std::printf("refused: %s\n", qPrintable(step.serverText));
            return fail(step.error.logText(), 4);
        case EnrollState::Failed:
            return fail(step.error.logText());
        case EnrollState::Waiting:
            std::printf("waiting: %s (check again after %d s)\n", qPrintable(step.serverText),
                        step.checkAfterSeconds);
            std::fflush(stdout);
            if (waited.elapsed() / 1000 >= parser.value(waitOption).toInt())
                return 3;
            QThread::sleep(std::max(1, step.checkAfterSeconds));
            break;
        }
    }
}
