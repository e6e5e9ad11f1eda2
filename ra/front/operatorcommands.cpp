#include "operatorcommands.h"

#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"

#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"

#include <openssl/pem.h>

#include <cstdarg>

namespace kk::ra {

void Out::print(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    text += QString::vasprintf(format, args);
    va_end(args);
}

int Out::fail(const QString &message)
{
    text += QStringLiteral("keykiosk-ra: ") + message + QLatin1Char('\n');
    return 1;
}

namespace {

X509Ptr certificateFrom(const QByteArray &bytes)
{
    BioPtr bio(BIO_new_mem_buf(bytes.constData(), bytes.size()));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
        cert.reset(d2i_X509(nullptr, &p, bytes.size()));
    }
    return cert;
}

// Registers certificates the bank already issued (a migration, the test and demo tokens). A
// client's certificate brings its abonent into the register, with the certificate's subject.
int importCertificates(Out &out, Store &store, const QVector<OperatorFile> &files,
                       const QString &roleText)
{
    const auto role = roleFromName(roleText.isEmpty() ? QStringLiteral("client") : roleText);
    if (!role)
        return out.fail(QStringLiteral("unknown role %1 (client, staff, ra)").arg(roleText));
    for (const OperatorFile &file : files) {
        X509Ptr cert = certificateFrom(file.content);
        if (!cert)
            return out.fail(QStringLiteral("%1 is not a certificate (PEM or DER)").arg(file.name));
        const X509_NAME *subject = X509_get_subject_name(cert.get());
        CertificateRecord record;
        record.serial = serialHex(cert.get());
        record.role = *role;
        record.subject = subjectLine(cert.get());
        record.notAfter = notAfterOf(cert.get());
        record.der = derBytes([&cert](unsigned char **out) { return i2d_X509(cert.get(), out); });
        if (*role == CertificateRole::Client) {
            AbonentRecord abonent;
            abonent.uid = nameField(subject, "UID");
            if (abonent.uid.isEmpty())
                abonent.uid = QStringLiteral("SN-") + record.serial;
            abonent.name = nameField(subject, "CN");
            abonent.organization = nameField(subject, "O");
            abonent.inn = nameField(subject, "1.2.643.3.131.1.1");
            abonent.ogrn = nameField(subject, "1.2.643.100.1");
            abonent.snils = nameField(subject, "1.2.643.100.3");
            abonent.subjectDer =
                derBytes([subject](unsigned char **out) { return i2d_X509_NAME(subject, out); });
            auto known = store.findAbonent(abonent.uid);
            if (!known)
                return out.fail(known.error().detail);
            if (!known.value()) {
                if (Error e = store.addAbonent(abonent, out.who))
                    return out.fail(e.detail);
            }
            record.abonentUid = abonent.uid;
        }
        if (Error e = store.registerCertificate(record, out.who))
            return out.fail(e.detail);
        out.print("registered %s certificate %s %s\n", qPrintable(roleName(*role)),
                  qPrintable(record.serial), qPrintable(record.subject));
    }
    return 0;
}

int listCertificates(Out &out, Store &store)
{
    auto records = store.certificates();
    if (!records)
        return out.fail(records.error().detail);
    out.print("%-34s %-7s %-11s %-16s %-10s %s\n", "SERIAL", "ROLE", "STATE", "ABONENT",
              "NOT AFTER", "SUBJECT");
    for (const CertificateRecord &c : records.value())
        out.print("%-34s %-7s %-11s %-16s %-10s %s%s\n", qPrintable(c.serial),
                  qPrintable(roleName(c.role)), qPrintable(stateName(c.state)),
                  qPrintable(c.abonentUid.isEmpty() ? QStringLiteral("-") : c.abonentUid),
                  qPrintable(c.notAfter.toString(QStringLiteral("yyyy-MM-dd"))),
                  qPrintable(c.subject),
                  qPrintable(c.replacedBy.isEmpty()
                                 ? QString()
                                 : QStringLiteral(" (superseded by %1)").arg(c.replacedBy)));
    return 0;
}

int abonentsCommand(Out &out, Store &store, const OperatorRequest &request)
{
    if (request.args.value(1) == QLatin1String("add")) {
        AbonentRecord a;
        a.uid = request.options.value(QStringLiteral("uid")).trimmed();
        a.name = request.options.value(QStringLiteral("name")).trimmed();
        a.organization = request.options.value(QStringLiteral("org")).trimmed();
        a.inn = request.options.value(QStringLiteral("inn")).trimmed();
        a.ogrn = request.options.value(QStringLiteral("ogrn")).trimmed();
        a.snils = request.options.value(QStringLiteral("snils")).trimmed();
        if (a.uid.isEmpty() || a.name.isEmpty())
            return out.fail(QStringLiteral("abonents add needs --uid and --name"));
        X509NamePtr subject(X509_NAME_new());
        auto add = [&subject](const char *field, const QString &value) {
            const QByteArray utf8 = value.toUtf8();
            if (!value.isEmpty())
                X509_NAME_add_entry_by_txt(
                    subject.get(), field, MBSTRING_UTF8,
                    reinterpret_cast<const unsigned char *>(utf8.constData()), -1, -1, 0);
        };
        add("C", QStringLiteral("RU"));
        add("O", a.organization);
        add("CN", a.name);
        add("UID", a.uid);
        add("1.2.643.3.131.1.1", a.inn);
        add("1.2.643.100.1", a.ogrn);
        add("1.2.643.100.3", a.snils);
        a.subjectDer =
            derBytes([&subject](unsigned char **out) { return i2d_X509_NAME(subject.get(), out); });
        if (Error e = store.addAbonent(a, out.who))
            return out.fail(e.detail);
        out.print("abonent %s added: %s, %s\n", qPrintable(a.uid), qPrintable(a.name),
                  qPrintable(a.organization));
        return 0;
    }
    auto records = store.abonents();
    if (!records)
        return out.fail(records.error().detail);
    out.print("%-16s %-36s %-32s %-12s %-15s %s\n", "UID", "NAME", "ORGANIZATION", "INN", "OGRN",
              "SNILS");
    for (const AbonentRecord &a : records.value())
        out.print("%-16s %-36s %-32s %-12s %-15s %s\n", qPrintable(a.uid), qPrintable(a.name),
                  qPrintable(a.organization), qPrintable(a.inn), qPrintable(a.ogrn),
                  qPrintable(a.snils));
    return 0;
}

int listAudit(Out &out, Store &store)
{
    auto records = store.auditLog();
    if (!records)
        return out.fail(records.error().detail);
    for (const AuditRecord &r : records.value())
        out.print("%-6lld %s  %-40s %-22s %-9s %s\n", r.id,
                  qPrintable(r.at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                  qPrintable(r.actor), qPrintable(r.action),
                  qPrintable(r.request.isEmpty() ? QStringLiteral("-") : r.request),
                  qPrintable(r.detail));
    return 0;
}

int listRequests(Out &out, Store &store, const QString &statusFilter, const QString &sitting)
{
    std::optional<RequestStatus> status;
    if (!statusFilter.isEmpty()) {
        status = statusFromName(statusFilter);
        if (!status)
            return out.fail(
                QStringLiteral("unknown status %1 (pending, approved, issued, confirmed, "
                               "rejected, rejected-by-client)")
                    .arg(statusFilter));
    }
    auto records = store.list(status, sitting);
    if (!records)
        return out.fail(records.error().detail);
    if (!sitting.isEmpty())
        out.print("sitting %s: %d request(s)\n", qPrintable(sitting), int(records->size()));
    out.print("%-6s %-9s %-19s %-16s %-18s %-11s %-40s %s\n", "ID", "NUMBER", "DATE (UTC)", "UID",
              "STATUS", "CASE", "ABONENT", "REASON / CERTIFICATE");
    for (const RequestRecord &r : records.value()) {
        out.print("%-6lld %-9s %-19s %-16s %-18s %-11s %-40s %s\n", r.id, qPrintable(r.number),
                  qPrintable(r.created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                  qPrintable(r.uid), qPrintable(statusName(r.status)), qPrintable(r.caseKind),
                  qPrintable(r.abonent), qPrintable(r.reason.isEmpty() ? r.certSerial : r.reason));
        if (r.kind == QLatin1String("ir"))
            out.print("       staff: %s; application %s; checked: %s; approvals: %s (%d needed)\n",
                      qPrintable(r.staff), qPrintable(r.application), qPrintable(r.checklist),
                      qPrintable(r.approvals.isEmpty() ? QStringLiteral("none")
                                                       : r.approvals.join(QStringLiteral(", "))),
                      r.approvalsNeeded);
        if (!r.sitting.isEmpty() && sitting.isEmpty())
            out.print("       sitting: %s\n", qPrintable(r.sitting));
    }
    return 0;
}

// Approves every pending request of a signers' sitting, one by one, as this operator (dual
// control still counts operators per request).
int approveSitting(Out &out, Store &store, const QString &sitting)
{
    auto pending = store.list(RequestStatus::Pending, sitting);
    if (!pending)
        return out.fail(pending.error().detail);
    auto all = store.list(std::nullopt, sitting);
    if (!all)
        return out.fail(all.error().detail);
    if (all->isEmpty())
        return out.fail(QStringLiteral("no requests of sitting %1").arg(sitting));
    int approved = 0, failed = 0;
    for (const RequestRecord &r : pending.value()) {
        if (Error e = store.approve(r.id, out.who)) {
            out.print("request %s: %s\n", qPrintable(r.number), qPrintable(e.detail));
            ++failed;
            continue;
        }
        auto after = store.findById(r.id);
        const bool stillPending =
            after && after.value() && after.value()->status == RequestStatus::Pending;
        out.print("request %s (%s): %s\n", qPrintable(r.number), qPrintable(r.abonent),
                  stillPending ? "approval recorded, another operator needed" : "approved");
        ++approved;
    }
    out.print("sitting %s: %d of %d request(s) were pending; %d approved now, %d failed\n",
              qPrintable(sitting), int(pending->size()), int(all->size()), approved, failed);
    return failed ? 1 : 0;
}

// What each command needs: reading is for every role, deciding on requests for operators,
// changing the register for administrators (separation of duties: an administrator does not
// approve, an operator does not revoke, an auditor only reads).
enum class Need
{
    Read,
    Decide,
    Administer
};

std::optional<Need> needOf(const OperatorRequest &request)
{
    const QString command = request.args.value(0), sub = request.args.value(1);
    if (command == QLatin1String("requests") || command == QLatin1String("audit") ||
        (command == QLatin1String("abonents") && sub != QLatin1String("add")) ||
        (command == QLatin1String("certificates") && sub != QLatin1String("import")))
        return Need::Read;
    if (command == QLatin1String("approve") || command == QLatin1String("reject"))
        return Need::Decide;
    if (command == QLatin1String("revoke") || command == QLatin1String("abonents") ||
        command == QLatin1String("certificates"))
        return Need::Administer;
    return std::nullopt;
}

} // namespace

QStringList OperatorRoles::of(const QString &account) const
{
    QStringList roles;
    if (operators.contains(account))
        roles << QStringLiteral("operator");
    if (auditors.contains(account))
        roles << QStringLiteral("auditor");
    if (administrators.contains(account))
        roles << QStringLiteral("administrator");
    return roles;
}

bool isReadingCommand(const OperatorRequest &request)
{
    return needOf(request) == Need::Read;
}

bool isOperatorCommand(const QString &command)
{
    static const QStringList commands = {QStringLiteral("requests"), QStringLiteral("approve"),
                                         QStringLiteral("reject"),   QStringLiteral("revoke"),
                                         QStringLiteral("abonents"), QStringLiteral("certificates"),
                                         QStringLiteral("audit")};
    return commands.contains(command);
}

int runOperatorCommand(Store &store, const OperatorRoles &roles, const OperatorRequest &request,
                       Out &out)
{
    const std::optional<Need> need = needOf(request);
    if (!need)
        return out.fail(QStringLiteral("unknown command %1").arg(request.args.join(' ')));
    const QStringList mine = roles.of(out.who);
    const bool allowed = *need == Need::Read ? !mine.isEmpty()
                                             : mine.contains(*need == Need::Decide
                                                                 ? QStringLiteral("operator")
                                                                 : QStringLiteral("administrator"));
    if (!allowed)
        return out.fail(
            QStringLiteral("%1 may not %2: that needs the %3 role ([admin] in ra.conf; %1 has %4)")
                .arg(out.who, request.args.value(0),
                     *need == Need::Read     ? QStringLiteral("operator, auditor or administrator")
                     : *need == Need::Decide ? QStringLiteral("operator")
                                             : QStringLiteral("administrator"),
                     mine.isEmpty() ? QStringLiteral("none") : mine.join(QStringLiteral(", "))));

    const QStringList &args = request.args;
    const QString command = args.value(0);
    const QString reason = request.options.value(QStringLiteral("reason"));
    const QString sitting = request.options.value(QStringLiteral("sitting"));
    if (command == QLatin1String("requests"))
        return listRequests(out, store, request.options.value(QStringLiteral("status")), sitting);
    if (command == QLatin1String("approve") && !sitting.isEmpty())
        return approveSitting(out, store, sitting);
    if (command == QLatin1String("approve") || command == QLatin1String("reject")) {
        bool ok = false;
        const qint64 id = args.value(1).toLongLong(&ok);
        if (!ok)
            return out.fail(QStringLiteral("%1 needs a request ID").arg(command));
        if (command == QLatin1String("reject") && reason.trimmed().isEmpty())
            return out.fail(QStringLiteral("reject needs --reason: the client is shown it"));
        Error e = command == QLatin1String("approve") ? store.approve(id, out.who)
                                                      : store.reject(id, reason, out.who);
        if (e)
            return out.fail(e.detail);
        auto after = store.findById(id);
        if (command == QLatin1String("approve") && after && after.value() &&
            after.value()->status == RequestStatus::Pending)
            out.print("request %lld: approval %d of %d recorded (by %s)\n", id,
                      int(after.value()->approvals.size()), after.value()->approvalsNeeded,
                      qPrintable(out.who));
        else
            out.print("request %lld %s\n", id,
                      command == QLatin1String("approve") ? "approved" : "rejected");
        return 0;
    }
    if (command == QLatin1String("revoke")) {
        if (args.size() < 2)
            return out.fail(QStringLiteral("revoke needs a certificate serial (hex)"));
        if (reason.trimmed().isEmpty())
            return out.fail(QStringLiteral("revoke needs --reason: it goes to the audit log"));
        auto known = store.findCertificate(args[1]);
        if (!known)
            return out.fail(known.error().detail);
        if (!known.value())
            return out.fail(QStringLiteral("no certificate %1 in the register").arg(args[1]));
        if (Error e = store.revoke(args[1], reason, out.who))
            return out.fail(e.detail);
        out.print("certificate %s revoked\n", qPrintable(args[1].toUpper()));
        return 0;
    }
    if (command == QLatin1String("abonents"))
        return abonentsCommand(out, store, request);
    if (command == QLatin1String("certificates")) {
        if (args.value(1) == QLatin1String("import"))
            return importCertificates(out, store, request.files,
                                      request.options.value(QStringLiteral("role")));
        return listCertificates(out, store);
    }
    if (command == QLatin1String("audit") && args.value(1) == QLatin1String("verify")) {
        auto verdict = store.verifyAudit();
        if (!verdict)
            return out.fail(verdict.error().detail);
        for (const QString &problem : verdict->problems)
            out.print("audit log: %s\n", qPrintable(problem));
        out.print("audit log: %d entries, %s, head %s\n", verdict->entries,
                  verdict->problems.isEmpty() ? "chain intact" : "CHAIN BROKEN",
                  verdict->head.toHex().constData());
        return verdict->problems.isEmpty() ? 0 : 1;
    }
    return listAudit(out, store);
}

} // namespace kk::ra
