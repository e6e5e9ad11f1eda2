#pragma once
// Printing on the kiosk's printer through CUPS (libcups): the default destination, or a
// named one. A PDF is CUPS's native format, and a job id lets the kiosk follow the job to
// its end - QPrinter hands the document over and cannot say whether the paper ran out.
// The printer's state is read first (missing, stopped, out of paper), the job is followed
// while it prints, and a job that cannot finish is cancelled so that "print again" starts
// clean. Everything runs on the GUI thread's event loop, over one connection to the scheduler
// whose connect and I/O waits are bounded (2 s, 3 s), so a hung or distant CUPS cannot freeze
// the screen for libcups' default of minutes.

#include "keykiosk/errors.h"

#include <QObject>
#include <QTimer>

#include <memory>

typedef struct _http_s http_t;

namespace kk {

struct PrinterStatus
{
    QString name; // the destination used; empty when there is none
    bool ready = false;
    ErrorCode problem = ErrorCode::None; // PrinterMissing, PrinterOutOfPaper, PrinterNotReady
    QString detail;                      // state and reasons, for the log
};

class ActPrinter : public QObject
{
    Q_OBJECT
public:
    explicit ActPrinter(QString printerName = {}, QObject *parent = nullptr);
    ~ActPrinter() override;

    PrinterStatus status() const;
    bool busy() const { return m_job > 0; }
    // Sends the file; finished() follows when the job completed or failed.
    Error print(const QString &pdfPath, const QString &title);
    // How long a job may take before it counts as stuck (tests make it short).
    void setJobTimeoutMs(int ms) { m_timeoutMs = ms; }

signals:
    void finished(const kk::Error &error);

private:
    void poll();
    void done(const Error &error);
    http_t *connection() const; // null when the scheduler cannot be reached
    void dropConnectionOnFailure() const;

    struct HttpCloser
    {
        void operator()(http_t *http) const;
    };
    mutable std::unique_ptr<http_t, HttpCloser> m_http;

    QString m_printerName;
    QString m_jobPrinter;
    int m_job = 0;
    int m_timeoutMs = 60000;
    qint64 m_started = 0;
    QTimer m_poll;
};

} // namespace kk
