#pragma once
// The acceptance act on screen and on paper: the journey (or the token screen, for a reprint)
// loads a certificate; QML shows the preview through the "act" image provider and asks to
// print; the result comes back as printing / printed / an error from the catalogue. Every act
// printed is also saved as a PDF in the configured folder, where staff find it. The slip of a
// request that is with the bank prints the same way.

#include "keykiosk/act/acceptanceact.h"
#include "keykiosk/act/actprinter.h"

#include <QObject>
#include <QQuickImageProvider>

#include <optional>

namespace kk {

class LanguageController;

class ActController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool ready READ ready NOTIFY changed)
    Q_PROPERTY(int previewVersion READ previewVersion NOTIFY changed)
    Q_PROPERTY(bool printing READ printing NOTIFY changed)
    Q_PROPERTY(bool printed READ printed NOTIFY changed)
    Q_PROPERTY(bool slipPrinted READ slipPrinted NOTIFY changed)
    Q_PROPERTY(bool summaryPrinted READ summaryPrinted NOTIFY changed)
    Q_PROPERTY(QString message READ message NOTIFY changed)
    Q_PROPERTY(QString errorId READ errorId NOTIFY changed)
    Q_PROPERTY(bool printerAvailable READ printerAvailable NOTIFY changed)
public:
    ActController(BankDetails bank, QString saveDirectory, QString printerName = {},
                  LanguageController *language = nullptr, QObject *parent = nullptr);

    bool ready() const { return m_data.has_value(); }
    int previewVersion() const { return m_version; }
    bool printing() const { return m_printer.busy(); }
    bool printed() const { return m_printed; }
    bool slipPrinted() const { return m_slipPrinted; }
    bool summaryPrinted() const { return m_summaryPrinted; }
    QString message() const;
    QString errorId() const;
    bool printerAvailable() const { return m_printerAvailable; }
    QString lastSavedPath() const { return m_lastSaved; }
    ActPrinter *printer() { return &m_printer; }

    // Saved acts, slips and sitting summaries older than this many days are deleted (at start
    // and before each new one); 0 keeps them.
    void setRetentionDays(int days);
    int removeExpired();

    // An act was saved (printed, or tried) for the certificate with this serial (hex).
    bool hasSavedAct(const QString &serialHex) const;
    // C++ only: the certificate the act is about (DER); false if it cannot be read.
    bool load(const QByteArray &certDer);
    void clear();
    QImage preview(int width) const;

    Q_INVOKABLE void print();
    Q_INVOKABLE void printSlip(const QString &requestNumber, const QString &owner,
                               const QString &identifier);
    // A sitting's one-page summary: saved for staff, and printed. C++ only (SittingController).
    QString printSummary(SittingSummary summary);
    Q_INVOKABLE void refreshPrinter(); // reads the printer's state for the buttons
    void retranslate() { emit changed(); }

signals:
    void changed();

private:
    QString language() const;
    QString savePath(const QString &stem);
    enum class Document
    {
        Act,
        Slip,
        Summary,
    };
    void submit(const QString &path, const QString &title, Document document);

    BankDetails m_bank;
    QString m_saveDirectory;
    int m_keepDays = 0;
    LanguageController *m_language;
    ActPrinter m_printer;
    std::optional<ActData> m_data;
    int m_version = 0;
    bool m_printed = false;
    bool m_slipPrinted = false;
    bool m_summaryPrinted = false;
    Document m_printing = Document::Act;
    std::pair<QString, QString> m_queuedSummary; // path and title, after the job printing now
    bool m_printerAvailable = false;
    ErrorCode m_error = ErrorCode::None;
    QString m_lastSaved;
};

// image://act/<version>: the act's first copy, as wide as the Image asks.
class ActImageProvider : public QQuickImageProvider
{
public:
    explicit ActImageProvider(ActController *act)
        : QQuickImageProvider(QQuickImageProvider::Image), m_act(act)
    {
    }
    QImage requestImage(const QString &id, QSize *size, const QSize &requestedSize) override;

private:
    ActController *m_act;
};

} // namespace kk
