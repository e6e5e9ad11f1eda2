#include "requestpolicy.h"

#include <QRegularExpression>

namespace kk::ra {

namespace {

using F = FailureInfo;
using R = Refusal;

Decision refuse(Refusal refusal, const QString &detail = {})
{
    Decision decision;
    decision.refusal = refusal;
    decision.detail = detail;
    return decision;
}

} // namespace

const QVector<RefusalRow> &refusalTable()
{
    static const QVector<RefusalRow> table = {
        {R::NotKurOrIr,
         "not-kur-or-ir",
         F::BadRequest,
         {QStringLiteral("Здесь принимаются только запросы на перегенерацию (kur) и первичные "
                         "запросы, заверенные сотрудником банка (ir)"),
          QStringLiteral("Мұнда тек кілтті жаңарту сұраулары (kur) және банк қызметкері "
                         "растаған бастапқы сұраулар (ir) қабылданады"),
          QStringLiteral("only key updates (kur) and staff-authorized initial requests (ir) are "
                         "accepted here")}},
        {R::NoCertificateRequest,
         "no-certificate-request",
         F::BadRequest,
         {QStringLiteral("В сообщении нет запроса на сертификат"),
          QStringLiteral("Хабарламада сертификатқа сұрау жоқ"),
          QStringLiteral("no certificate request")}},
        {R::MalformedSittingId,
         "malformed-sitting-id",
         F::BadRequest,
         {QStringLiteral("Неверный идентификатор сеанса подписантов"),
          QStringLiteral("Қол қоюшылар сеансының идентификаторы қате"),
          QStringLiteral("malformed sitting id")}},
        {R::NoNewKey,
         "no-new-key",
         F::BadCertTemplate,
         {QStringLiteral("В шаблоне сертификата нет открытого ключа"),
          QStringLiteral("Сертификат үлгісінде ашық кілт жоқ"),
          QStringLiteral("no public key in the certificate template")}},
        {R::NoOldCertificateId,
         "no-old-certificate-id",
         F::BadCertId,
         {QStringLiteral("Запрос на перегенерацию не указывает текущий сертификат (нет "
                         "oldCertID)"),
          QStringLiteral("Кілтті жаңарту сұрауында ағымдағы сертификат көрсетілмеген (oldCertID "
                         "жоқ)"),
          QStringLiteral("kur without oldCertID")}},
        {R::OldCertificateNotSent,
         "old-certificate-not-sent",
         F::BadCertId,
         {QStringLiteral("Сертификат, указанный в oldCertID, не передан"),
          QStringLiteral("oldCertID көрсеткен сертификат жіберілмеген"),
          QStringLiteral("the certificate named in oldCertID was not sent")}},
        {R::NotProtectedByNamedCertificate,
         "not-protected-by-named-certificate",
         F::BadMessageCheck,
         {QStringLiteral("Запрос не заверен сертификатом, указанным в oldCertID"),
          QStringLiteral("Сұрау oldCertID көрсеткен сертификатпен расталмаған"),
          QStringLiteral("the request is not protected by the certificate named in oldCertID")}},
        {R::NotClientCertificate,
         "not-client-certificate",
         F::NotAuthorized,
         {QStringLiteral("Запрос защищён сертификатом, который не является сертификатом клиента"),
          QStringLiteral("Сұрау клиент сертификаты емес сертификатпен қорғалған"),
          QStringLiteral("the request is protected by a certificate that is not a client "
                         "certificate")}},
        {R::NotInRegister,
         "not-in-register",
         F::BadCertId,
         {QStringLiteral("Сертификат не найден в реестре банка"),
          QStringLiteral("Сертификат банк тізілімінде табылмады"),
          QStringLiteral("the certificate is not in the bank's register of client "
                         "certificates")}},
        {R::NotIssuedByThisBank,
         "not-issued-by-this-bank",
         F::BadCertId,
         {QStringLiteral("Текущий сертификат выпущен не этим банком"),
          QStringLiteral("Ағымдағы сертификатты бұл банк шығармаған"),
          QStringLiteral("the current certificate was not issued by this bank")}},
        {R::CertificateRevoked,
         "certificate-revoked",
         F::CertRevoked,
         {QStringLiteral("Текущий сертификат отозван"),
          QStringLiteral("Ағымдағы сертификат кері шақырылған"),
          QStringLiteral("the current certificate is revoked")}},
        {R::CertificateSuperseded,
         "certificate-superseded",
         F::BadRequest,
         {QStringLiteral("Этот сертификат уже заменён новым (%1): повторная перегенерация по "
                         "нему невозможна"),
          QStringLiteral("Бұл сертификат жаңасымен ауыстырылған (%1): ол бойынша қайта "
                         "генерациялау мүмкін емес"),
          QStringLiteral("this certificate is already superseded by %1: it cannot be renewed "
                         "again (certificate superseded)")}},
        {R::CertificateExpired,
         "certificate-expired",
         F::BadTime,
         {QStringLiteral("Срок действия ключа истёк: для изготовления нового комплекта "
                         "обратитесь в отделение банка"),
          QStringLiteral("Кілттің қолданылу мерзімі өтті: жаңа жиынтық жасату үшін банк "
                         "бөлімшесіне барыңыз"),
          QStringLiteral("the certificate has expired: renew at a branch")}},
        {R::RenewalWindowNotOpen,
         "renewal-window-not-open",
         F::NotAuthorized,
         {QStringLiteral("Плановая регенерация ещё не требуется"),
          QStringLiteral("Жоспарлы қайта генерациялау әлі қажет емес"),
          QStringLiteral("the renewal window is not open yet")}},
        {R::NotStaffProtected,
         "not-staff-protected",
         F::BadMessageCheck,
         {QStringLiteral("Первичный запрос должен быть заверен сертификатом сотрудника банка"),
          QStringLiteral("Бастапқы сұрауды банк қызметкерінің сертификаты растауы керек"),
          QStringLiteral("an initial request must be protected by a staff certificate")}},
        {R::NotStaffCertificate,
         "not-staff-certificate",
         F::NotAuthorized,
         {QStringLiteral("Запрос заверен сертификатом, который не является сертификатом "
                         "сотрудника банка"),
          QStringLiteral("Сұрау банк қызметкерінің сертификаты емес сертификатпен расталған"),
          QStringLiteral("the request is protected by a certificate that is not a staff "
                         "certificate")}},
        {R::StaffCertificateRevoked,
         "staff-certificate-revoked",
         F::CertRevoked,
         {QStringLiteral("Сертификат сотрудника отозван"),
          QStringLiteral("Қызметкердің сертификаты кері шақырылған"),
          QStringLiteral("the staff certificate is revoked")}},
        {R::StaffCertificateNotValid,
         "staff-certificate-not-valid",
         F::BadTime,
         {QStringLiteral("Срок действия сертификата сотрудника истёк или не наступил"),
          QStringLiteral("Қызметкер сертификатының мерзімі өтіп кеткен немесе әлі басталмаған"),
          QStringLiteral("the staff certificate is not valid now")}},
        {R::ApplicationIncomplete,
         "application-incomplete",
         F::BadRequest,
         {QStringLiteral("Нужны номер и дата заявления клиента и отметки о проверке документа и "
                         "заявления"),
          QStringLiteral("Клиент өтінішінің нөмірі мен күні және құжат пен өтінішті тексеру "
                         "белгілері қажет"),
          QStringLiteral("the application number and date and the checklist are required")}},
        {R::UnknownCase,
         "unknown-case",
         F::BadRequest,
         {QStringLiteral("Неизвестный случай «%1» (expired, first-key, replacement)"),
          QStringLiteral("Белгісіз жағдай «%1» (expired, first-key, replacement)"),
          QStringLiteral("unknown case '%1' (expired, first-key, replacement)")}},
        {R::ClientNotInRegister,
         "client-not-in-register",
         F::BadCertTemplate,
         {QStringLiteral("Клиент не найден в реестре банка: проверьте UID или СНИЛС и ИНН"),
          QStringLiteral("Клиент банк тізілімінде табылмады: UID-ті немесе СНИЛС пен ИНН-ді "
                         "тексеріңіз"),
          QStringLiteral("the client is not in the bank's register: check the UID, or the "
                         "SNILS and INN")}},
        {R::ClientHasCertificate,
         "client-has-certificate",
         F::BadRequest,
         {QStringLiteral("У клиента уже есть сертификат %1: выберите «срок истёк» или «замена "
                         "токена»"),
          QStringLiteral("Клиентте %1 сертификаты бар: «мерзімі өтті» немесе «токенді "
                         "ауыстыру» таңдаңыз"),
          QStringLiteral("the client has a certificate (%1): choose expired or replacement")}},
        {R::ClientCertificateNotExpired,
         "client-certificate-not-expired",
         F::BadRequest,
         {QStringLiteral("Сертификат клиента ещё действует: клиент перегенерирует ключи сам"),
          QStringLiteral("Клиенттің сертификаты әлі жарамды: клиент кілттерді өзі қайта "
                         "генерациялайды"),
          QStringLiteral("the certificate has not expired: the client renews it at a kiosk")}},
        {R::NothingExpired,
         "nothing-expired",
         F::BadRequest,
         {QStringLiteral("У клиента нет сертификата, срок которого истёк"),
          QStringLiteral("Клиентте мерзімі өткен сертификат жоқ"),
          QStringLiteral("nothing has expired: the client has no certificate (first key?)")}},
        {R::NothingToReplace,
         "nothing-to-replace",
         F::BadRequest,
         {QStringLiteral("Заменять нечего: у клиента нет действующего сертификата"),
          QStringLiteral("Ауыстыратын ештеңе жоқ: клиентте жарамды сертификат жоқ"),
          QStringLiteral("nothing to replace: the client has no live certificate (first "
                         "key?)")}},
    };
    return table;
}

const RefusalRow &refusalRow(Refusal refusal)
{
    for (const RefusalRow &row : refusalTable()) {
        if (row.refusal == refusal)
            return row;
    }
    Q_UNREACHABLE(); // every refusal has its row (tst_requestpolicy)
}

Reason reasonOf(const Decision &decision)
{
    if (!decision.refusal)
        return {};
    Reason reason = refusalRow(*decision.refusal).reason;
    if (reason.ru.contains(QLatin1String("%1"))) {
        reason.ru = reason.ru.arg(decision.detail);
        reason.kk = reason.kk.arg(decision.detail);
        reason.en = reason.en.arg(decision.detail);
    }
    return reason;
}

std::optional<Refusal> checkRequest(bool keyUpdateOrInitial, bool hasCertificateRequest)
{
    if (!keyUpdateOrInitial)
        return R::NotKurOrIr;
    if (!hasCertificateRequest)
        return R::NoCertificateRequest;
    return std::nullopt;
}

std::optional<Refusal> checkSitting(const QString &sitting)
{
    static const QRegularExpression sittingId(QStringLiteral("^[A-Za-z0-9-]{0,40}$"));
    if (!sittingId.match(sitting).hasMatch())
        return R::MalformedSittingId;
    return std::nullopt;
}

Decision decideRenewal(const RenewalFacts &facts, const RaPolicy &policy, const QDateTime &now)
{
    // 1. The old certificate named in the request must be the one that protected it.
    if (!facts.namesOldCertificate)
        return refuse(R::NoOldCertificateId);
    if (!facts.oldCertificateSent)
        return refuse(R::OldCertificateNotSent);
    if (!facts.protectedByNamedCertificate)
        return refuse(R::NotProtectedByNamedCertificate);
    // 2. Only a client's certificate renews, and only the one the bank's register holds as
    // such: not the RA's own, not a staff member's, not one the bank never issued (a
    // certificate made up with the same serial, for a key its maker holds, is not it).
    if (!facts.clientPolicy)
        return refuse(R::NotClientCertificate);
    if (!facts.registered || facts.registered->role != CertificateRole::Client)
        return refuse(R::NotInRegister);
    if (!facts.sameAsRegistered)
        return refuse(R::NotIssuedByThisBank);
    // 3. The request, once per new public key.
    if (!facts.hasNewKey)
        return refuse(R::NoNewKey);
    // A request the bank already holds for this key continues, whatever happened since (it
    // was confirmed and the old certificate superseded, or it expired while the client was
    // away): the rules below apply to new requests. A revocation stops even a decided one.
    const bool knownRequest = facts.existingRequest.has_value();
    const bool decided = knownRequest && *facts.existingRequest != RequestStatus::Pending &&
                         *facts.existingRequest != RequestStatus::Rejected;
    if (facts.registered->state == CertificateState::Revoked)
        return refuse(R::CertificateRevoked);
    if (facts.registered->state == CertificateState::Superseded && !knownRequest)
        return refuse(R::CertificateSuperseded, facts.registered->replacedBy);
    if (!decided) {
        if (!facts.oldNotAfter.isValid() || facts.oldNotAfter <= now)
            return refuse(R::CertificateExpired);
        const qint64 daysLeft = now.secsTo(facts.oldNotAfter) / 86400; // whole days
        if (!policy.allowUnscheduled && daysLeft > policy.renewalWindowDays)
            return refuse(R::RenewalWindowNotOpen);
    }
    Decision decision;
    if (policy.approval == ApprovalMode::Auto && policy.autoDelaySeconds <= 0) {
        decision.status = RequestStatus::Approved;
    } else {
        decision.status = RequestStatus::Pending;
        decision.approvalsNeeded = 1;
        if (policy.approval == ApprovalMode::Auto)
            decision.approveAfter = now.addSecs(policy.autoDelaySeconds);
    }
    return decision;
}

namespace {

// What the case says must be true of the client's certificates (a request under way for the
// same key continues whatever the register says now).
std::optional<Decision> caseMismatch(const InitialFacts &facts, const QDateTime &now)
{
    const std::optional<CertificateRecord> &live = facts.liveClientCertificate;
    if (facts.caseKind == QLatin1String("first-key") && live)
        return refuse(R::ClientHasCertificate, live->serial);
    if (facts.caseKind == QLatin1String("expired") && (!live || live->notAfter > now))
        return refuse(live ? R::ClientCertificateNotExpired : R::NothingExpired);
    if (facts.caseKind == QLatin1String("replacement") && !live)
        return refuse(R::NothingToReplace);
    return std::nullopt;
}

} // namespace

Decision decideInitial(const InitialFacts &facts, const RaPolicy &policy, const QDateTime &now)
{
    // 1. Protected by a valid, unrevoked staff certificate of this bank.
    if (!facts.staffCertificateSent)
        return refuse(R::NotStaffProtected);
    if (!facts.staffPolicy || !facts.staffRegistered ||
        facts.staffRegistered->role != CertificateRole::Staff)
        return refuse(R::NotStaffCertificate);
    if (facts.staffRegistered->state == CertificateState::Revoked)
        return refuse(R::StaffCertificateRevoked);
    if (!facts.staffValidNow)
        return refuse(R::StaffCertificateNotValid);
    // 2. What staff checked: the case, the client's signed application, the checklist.
    if (facts.application.trimmed().isEmpty() || facts.applicationDate.trimmed().isEmpty() ||
        !facts.checklist.contains(QStringLiteral("identity-document")) ||
        !facts.checklist.contains(QStringLiteral("signed-application")))
        return refuse(R::ApplicationIncomplete);
    static const QStringList cases = {QStringLiteral("expired"), QStringLiteral("first-key"),
                                      QStringLiteral("replacement")};
    if (!cases.contains(facts.caseKind))
        return refuse(R::UnknownCase, facts.caseKind);
    // 3. The client, from the bank's register, and the case fits what it holds.
    if (!facts.clientFound)
        return refuse(R::ClientNotInRegister);
    if (!facts.existingRequest) {
        if (auto mismatch = caseMismatch(facts, now))
            return *mismatch;
    }
    if (!facts.hasNewKey)
        return refuse(R::NoNewKey);
    Decision decision;
    if (policy.staffApprovals == 0) {
        decision.status = RequestStatus::Approved; // the staff member's authorization suffices
    } else {
        decision.status = RequestStatus::Pending;
        decision.approvalsNeeded = policy.staffApprovals;
    }
    return decision;
}

} // namespace kk::ra
