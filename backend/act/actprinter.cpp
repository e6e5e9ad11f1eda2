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

DestPtr findDestination(http_t *http, const QString &name)
{
    const QByteArray utf8 = name.toUtf8();
    return DestPtr(cupsGetNamedDest(http, name.isEmpty() ? nullptr : utf8.constData(), nullptr));
}

// libcups asks what to do when a wait runs out: give up (0), the kiosk must stay responsive.
int giveUp(http_t *, void *)
{
    return 0;
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

void ActPrinter::HttpCloser::operator()(http_t *http) const
{
    httpClose(http);
}

http_t *ActPrinter::connection() const
{
    if (!m_http) {
        m_http.reset(httpConnect2(cupsServer(), ippPort(), nullptr, AF_UNSPEC, cupsEncryption(), 1,
                                  2000, nullptr));
        if (m_http)
            httpSetTimeout(m_http.get(), 3.0, giveUp, nullptr);
    }
    return m_http.get();
}

void ActPrinter::dropConnectionOnFailure() const
{
    // A scheduler that restarted or timed out: the next call connects afresh.
    if (cupsLastError() >= IPP_STATUS_ERROR_INTERNAL)
        m_http.reset();
}

PrinterStatus ActPrinter::status() const
{
    http_t *http = connection();
    DestPtr dest = http ? findDestination(http, m_printerName) : nullptr;
    if (!dest) {
        dropConnectionOnFailure();
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
    // The PDF carries its page size (A4 act, A6 slip); the printer's own settings do the rest.
    const int job =
        cupsPrintFile2(connection(), before.name.toUtf8().constData(), pdfPath.toUtf8().constData(),
                       title.toUtf8().constData(), 0, nullptr);
    if (job <= 0) {
        dropConnectionOnFailure();
        return Error(ErrorCode::PrintFailed,
                     QStringLiteral("CUPS refused the job on %1: %2")
                         .arg(before.name, QString::fromUtf8(cupsLastErrorString())));
    }
    qCInfo(lcAct) << "print job" << job << "on" << before.name << ":" << title;
    m_job = job;
    m_jobPrinter = before.name;
    m_started = QDateTime::currentMSecsSinceEpoch();
    m_poll.start();
    return {};
}

void ActPrinter::poll()
{
    // Never null here: libcups would take that for its default, unbounded connection.
    http_t *http = connection();
    if (!http) {
        done(Error(ErrorCode::PrinterNotReady,
                   QStringLiteral("job %1: the print service stopped answering").arg(m_job)));
        return;
    }
    cups_job_t *jobs = nullptr;
    const int count =
        cupsGetJobs2(http, &jobs, m_jobPrinter.toUtf8().constData(), 0, CUPS_WHICHJOBS_ALL);
    if (count < 0)
        dropConnectionOnFailure();
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
        if (http_t *live = connection())
            cupsCancelJob2(live, m_jobPrinter.toUtf8().constData(), m_job, 0);
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
