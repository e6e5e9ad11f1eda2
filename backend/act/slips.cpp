#include "keykiosk/act/acceptanceact.h"

// The slip a client takes home while the bank decides, and the summary of a signers' sitting.

#include "textflow.h"

#include "keykiosk/logging.h"

#include <QFile>

namespace kk {

Error writeSlipPdf(const SlipData &slip, const QString &language, const QString &path)
{
    struct SlipTexts
    {
        const char *title, *number, *owner, *identifier, *date, *next;
    };
    static const SlipTexts ru{"Запрос принят банком",
                              "Номер запроса",
                              "Абонент",
                              "Идентификатор",
                              "Дата",
                              "Ваши текущие ключи продолжают работать. Когда банк зарегистрирует "
                              "ключ, вставьте токен в любом киоске и выберите «Получить "
                              "сертификат»."};
    static const SlipTexts kk{"Сұрауды банк қабылдады",
                              "Сұрау нөмірі",
                              "Абонент",
                              "Сәйкестендіргіш",
                              "Күні",
                              "Ағымдағы кілттер жұмыс істей береді. Банк кілтті тіркегенде, "
                              "токенді кез келген киоскіге салып, «Сертификатты алу» түймесін "
                              "таңдаңыз."};
    static const SlipTexts en{"Request accepted by the bank",
                              "Request number",
                              "Subscriber",
                              "Identifier",
                              "Date",
                              "Your current keys keep working. When the bank has registered the "
                              "key, insert your token at any kiosk and choose \"Pick up the "
                              "certificate\"."};
    const SlipTexts &tx = language == QLatin1String("kk")   ? kk
                          : language == QLatin1String("en") ? en
                                                            : ru;
    QPdfWriter pdf(path);
    setUpPdf(pdf, QPageSize::A6, 8, t(tx.title));
    QPainter painter;
    if (!painter.begin(&pdf))
        return Error(ErrorCode::Internal, QStringLiteral("slip: cannot write %1").arg(path));
    TextFlow flow(painter, QRectF(0, 0, pdf.width(), pdf.height()));
    flow.block(slip.bank.name, 9);
    flow.block(t(tx.title), 13, true);
    flow.block(t(tx.number) + QStringLiteral(": ") + slip.requestNumber, 12, true);
    flow.row(t(tx.date), slip.date.toString(QStringLiteral("dd.MM.yyyy")), 9);
    flow.row(t(tx.owner), slip.owner, 9);
    flow.row(t(tx.identifier), slip.identifier, 9);
    flow.block(t(tx.next), 9);
    flow.block(slip.bank.supportPhone, 9);
    painter.end();
    return {};
}

Error writeSittingSummaryPdf(const SittingSummary &summary, const QString &language,
                             const QString &path)
{
    struct SummaryTexts
    {
        const char *title, *organization, *inn, *sitting, *date, *signer, *status, *request,
            *certificate, *footer;
    };
    static const SummaryTexts ru{"Сводка сеанса регенерации ключей",
                                 "Организация",
                                 "ИНН",
                                 "Сеанс",
                                 "Дата",
                                 "Абонент",
                                 "Статус",
                                 "Номер запроса",
                                 "Сертификат",
                                 "Каждый абонент подписывает свой акт признания ключа в двух "
                                 "экземплярах. Запросы, которые ещё в банке, абонент получает "
                                 "сам в любом киоске."};
    static const SummaryTexts kk{"Кілттерді қайта генерациялау сеансының қорытындысы",
                                 "Ұйым",
                                 "ИНН",
                                 "Сеанс",
                                 "Күні",
                                 "Абонент",
                                 "Күйі",
                                 "Сұрау нөмірі",
                                 "Сертификат",
                                 "Әр абонент кілтті тану актісінің екі данасына қол қояды. "
                                 "Банкте тұрған сұрауларды абонент кез келген киоскіде өзі "
                                 "алады."};
    static const SummaryTexts en{"Key renewal sitting: summary",
                                 "Organization",
                                 "INN",
                                 "Sitting",
                                 "Date",
                                 "Subscriber",
                                 "Status",
                                 "Request number",
                                 "Certificate",
                                 "Each subscriber signs their own acceptance act in two copies. "
                                 "A request still with the bank is picked up by its subscriber "
                                 "alone, at any kiosk."};
    const SummaryTexts &tx = language == QLatin1String("kk")   ? kk
                             : language == QLatin1String("en") ? en
                                                               : ru;
    QPdfWriter pdf(path);
    setUpPdf(pdf, QPageSize::A4, 15, t(tx.title));
    QPainter painter;
    if (!painter.begin(&pdf))
        return Error(ErrorCode::Internal, QStringLiteral("summary: cannot write %1").arg(path));
    TextFlow flow(painter, QRectF(0, 0, pdf.width(), pdf.height()));
    flow.block(summary.bank.name, 10);
    flow.block(t(tx.title), 16, true);
    flow.row(t(tx.organization), summary.organization, 11);
    flow.row(t(tx.inn), summary.inn, 11);
    flow.row(t(tx.sitting), summary.id, 11);
    flow.row(t(tx.date), summary.date.toString(QStringLiteral("dd.MM.yyyy")), 11);
    flow.moveTo(flow.y() + 4 * flow.mm);
    // The table: one block per signer, numbered, so that long names and reasons wrap.
    for (int i = 0; i < summary.rows.size(); ++i) {
        const SittingSummary::Row &r = summary.rows[i];
        flow.block(QStringLiteral("%1. %2").arg(i + 1).arg(
                       r.title.isEmpty() ? r.owner : r.owner + QStringLiteral(", ") + r.title),
                   11, true, Qt::AlignLeft, false, 1.0);
        flow.row(QStringLiteral("    ") + t(tx.status), r.status, 10);
        if (!r.note.isEmpty())
            flow.block(QStringLiteral("    ") + r.note, 10, false, Qt::AlignLeft, false, 1.0);
        flow.row(QStringLiteral("    ") + t(tx.request), r.requestNumber, 10);
        flow.row(QStringLiteral("    ") + t(tx.certificate), r.certificateSerial, 10);
        flow.moveTo(flow.y() + 2 * flow.mm);
    }
    flow.moveTo(flow.y() + 4 * flow.mm);
    flow.block(t(tx.footer), 10);
    flow.block(summary.bank.supportPhone, 10);
    painter.end();
    return {};
}

} // namespace kk
