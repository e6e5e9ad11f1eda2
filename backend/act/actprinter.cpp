#include "keykiosk/act/actprinter.h"

#include "keykiosk/logging.h"

#include <QDateTime>

#include <cups/cups.h>

#include <memory>

namespace kk {

namespace {
struct DestDeleter
{
    void operator()(cups_dest_t *dest) const { cupsFreeDests(1, dest); }
};
using DestPtr = std::unique_ptr<cups_dest_t, DestDeleter>;

DestPtr findDestination(const QString &name)
{
    const QByteArray utf8 = name.toUtf8();
    return DestPtr(
        cupsGetNamedDest(CUPS_HTTP_DEFAULT, name.isEmpty() ? nullptr : utf8.constData(), nullptr));
}

QString option(const cups_dest_t *dest, const char *key)
{
    return QString::fromUtf8(cupsGetOption(key, dest->num_options, dest->options));
}

PrinterStatus statusOf(const cups_dest_t *dest)
{
    PrinterStatus status;
    status.name = QString::fromUtf8(dest->name);
    const QString state = option(dest, "printer-state"); // 3 idle, 4 processing, 5 stopped
    const QString reasons = option(dest, "printer-state-reasons");
    status.detail = QStringLiteral("printer %1 state %2 reasons %3 message '%4'")
                        .arg(status.name, state, reasons, option(dest, "printer-state-message"));
    if (reasons.contains(QLatin1String("media-empty")) ||
        reasons.contains(QLatin1String("media-needed"))) {
        status.problem = ErrorCode::PrinterOutOfPaper;
    } else if (state == QLatin1String("5") ||
               option(dest, "printer-is-accepting-jobs") == QLatin1String("false")) {
        status.problem = ErrorCode::PrinterNotReady;
    }
    status.ready = status.problem == ErrorCode::None;
    return status;
}
} // namespace

ActPrinter::ActPrinter(QString printerName, QObject *parent)
    : QObject(parent), m_printerName(std::move(printerName))
{
    m_poll.setInterval(300);
    connect(&m_poll, &QTimer::timeout, this, &ActPrinter::poll);
}

ActPrinter::~ActPrinter() = default;

PrinterStatus ActPrinter::status() const
{
    DestPtr dest = findDestination(m_printerName);
    if (!dest) {
        PrinterStatus none;
        none.problem = ErrorCode::PrinterMissing;
        none.detail =
            QStringLiteral("no CUPS destination %1: %2")
                .arg(m_printerName.isEmpty() ? QStringLiteral("(default)") : m_printerName,
                     QString::fromUtf8(cupsLastErrorString()));
        return none;
    }
    return statusOf(dest.get());
}

Error ActPrinter::print(const QString &pdfPath, const QString &title)
{
    if (busy())
        return Error(ErrorCode::PrinterNotReady, QStringLiteral("a job is still printing"));
    const PrinterStatus before = status();
    if (!before.ready) {
        qCWarning(lcAct) << "not printing:" << before.detail;
        return Error(before.problem, before.detail);
    }
    cups_option_t *options = nullptr;
    int count = cupsAddOption("media", "A4", 0, &options);
    const int job = cupsPrintFile(before.name.toUtf8().constData(), pdfPath.toUtf8().constData(),
                                  title.toUtf8().constData(), count, options);
    cupsFreeOptions(count, options);
    if (job <= 0)
        return Error(ErrorCode::PrintFailed,
                     QStringLiteral("CUPS refused the job on %1: %2")
                         .arg(before.name, QString::fromUtf8(cupsLastErrorString())));
    qCInfo(lcAct) << "print job" << job << "on" << before.name << ":" << title;
    m_job = job;
    m_jobPrinter = before.name;
    m_started = QDateTime::currentMSecsSinceEpoch();
    m_poll.start();
    return {};
}

void ActPrinter::poll()
{
    cups_job_t *jobs = nullptr;
    const int count = cupsGetJobs2(CUPS_HTTP_DEFAULT, &jobs, m_jobPrinter.toUtf8().constData(), 0,
                                   CUPS_WHICHJOBS_ALL);
    ipp_jstate_t state = IPP_JSTATE_PENDING;
    bool found = false;
    for (int i = 0; i < count; ++i) {
        if (jobs[i].id == m_job) {
            state = jobs[i].state;
            found = true;
        }
    }
    cupsFreeJobs(count, jobs);
    if (found && state == IPP_JSTATE_COMPLETED) {
        done({});
        return;
    }
    if (found && (state == IPP_JSTATE_CANCELED || state == IPP_JSTATE_ABORTED)) {
        done(Error(ErrorCode::PrintFailed,
                   QStringLiteral("job %1 ended in state %2").arg(m_job).arg(int(state))));
        return;
    }
    // The printer tells why a job does not move on: no paper, stopped, an error.
    const PrinterStatus now = status();
    const bool stuck = QDateTime::currentMSecsSinceEpoch() - m_started > m_timeoutMs;
    if (!now.ready || stuck || !found) {
        cupsCancelJob2(CUPS_HTTP_DEFAULT, m_jobPrinter.toUtf8().constData(), m_job, 0);
        done(Error(now.ready ? ErrorCode::PrintFailed : now.problem,
                   QStringLiteral("job %1 %2: %3")
                       .arg(m_job)
                       .arg(!found  ? QStringLiteral("vanished")
                            : stuck ? QStringLiteral("timed out")
                                    : QStringLiteral("stopped"),
                            now.detail)));
    }
}

void ActPrinter::done(const Error &error)
{
    m_poll.stop();
    if (error)
        qCWarning(lcAct) << "printing failed:" << error.logText();
    else
        qCInfo(lcAct) << "print job" << m_job << "completed";
    m_job = 0;
    emit finished(error);
}

} // namespace kk
