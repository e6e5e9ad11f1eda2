#include "actcontroller.h"

#include "languagecontroller.h"

#include "keykiosk/logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <utility>

namespace kk {

ActController::ActController(BankDetails bank, QString saveDirectory, QString printerName,
                             LanguageController *language, QObject *parent)
    : QObject(parent), m_bank(std::move(bank)), m_saveDirectory(std::move(saveDirectory)),
      m_language(language), m_printer(std::move(printerName))
{
    connect(&m_printer, &ActPrinter::finished, this, [this](const Error &error) {
        m_error = error.code;
        if (!error) {
            (m_printing == Document::Slip      ? m_slipPrinted
             : m_printing == Document::Summary ? m_summaryPrinted
                                               : m_printed) = true;
        } else {
            qCWarning(lcAct) << error.logText();
        }
        emit changed();
        if (!m_queuedSummary.first.isEmpty()) {
            const auto [path, title] = std::exchange(m_queuedSummary, {});
            submit(path, title, Document::Summary);
        }
    });
}

QString ActController::message() const
{
    return m_error == ErrorCode::None ? QString() : clientMessage(m_error);
}

QString ActController::errorId() const
{
    return m_error == ErrorCode::None ? QString() : kk::errorId(m_error);
}

QString ActController::language() const
{
    return m_language ? m_language->language() : QStringLiteral("ru");
}

bool ActController::load(const QByteArray &certDer)
{
    auto data = actDataFromCertificate(certDer, m_bank);
    m_printed = false;
    m_error = ErrorCode::None;
    if (!data) {
        qCWarning(lcAct) << "no act:" << data.error().logText();
        m_data.reset();
    } else {
        m_data = data.value();
        qCInfo(lcAct) << "act for certificate" << m_data->certificate.serialHex;
    }
    ++m_version;
    refreshPrinter();
    emit changed();
    return m_data.has_value();
}

void ActController::clear()
{
    m_data.reset();
    m_printed = m_slipPrinted = m_summaryPrinted = false;
    m_error = ErrorCode::None;
    ++m_version;
    emit changed();
}

QImage ActController::preview(int width) const
{
    if (!m_data)
        return {};
    return ActRenderer(*m_data, language()).preview(width);
}

void ActController::refreshPrinter()
{
    const bool available = m_printer.status().ready;
    if (available != m_printerAvailable) {
        m_printerAvailable = available;
        emit changed();
    }
}

bool ActController::hasSavedAct(const QString &serialHex) const
{
    if (m_saveDirectory.isEmpty() || serialHex.isEmpty())
        return false;
    return !QDir(m_saveDirectory)
                .entryList({QStringLiteral("act-%1-*.pdf").arg(serialHex)}, QDir::Files)
                .isEmpty();
}

QString ActController::savePath(const QString &stem)
{
    // Kept for staff (and for printing again) in the kiosk's state directory, readable by the
    // kiosk's user only: acts carry names and INNs. Never a shared temporary folder: if the
    // directory cannot be made, nothing is written and the client is told printing failed.
    QDir dir(m_saveDirectory);
    if (m_saveDirectory.isEmpty() || !dir.mkpath(QStringLiteral(".")) ||
        !QFile::setPermissions(m_saveDirectory, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                    QFileDevice::ExeOwner)) {
        qCCritical(lcAct) << "the acts directory" << m_saveDirectory
                          << "cannot be created or made private; nothing is saved or printed";
        return {};
    }
    removeExpired();
    return dir.filePath(
        QStringLiteral("%1-%2.pdf")
            .arg(stem, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss"))));
}

int ActController::removeExpired()
{
    if (m_keepDays <= 0 || m_saveDirectory.isEmpty())
        return 0;
    const QDateTime limit = QDateTime::currentDateTime().addDays(-m_keepDays);
    int removed = 0;
    const QDir dir(m_saveDirectory);
    for (const QFileInfo &file :
         dir.entryInfoList({QStringLiteral("act-*.pdf"), QStringLiteral("slip-*.pdf"),
                            QStringLiteral("sitting-*.pdf")},
                           QDir::Files)) {
        if (file.lastModified() < limit && QFile::remove(file.absoluteFilePath()))
            ++removed;
    }
    if (removed > 0)
        qCInfo(lcAct) << "removed" << removed << "saved act(s) older than" << m_keepDays << "days";
    return removed;
}

void ActController::setRetentionDays(int days)
{
    m_keepDays = days;
    removeExpired();
}

void ActController::submit(const QString &path, const QString &title, Document document)
{
    m_printing = document;
    m_error = ErrorCode::None;
    if (Error e = m_printer.print(path, title)) {
        m_error = e.code;
        qCWarning(lcAct) << e.logText();
    }
    emit changed();
}

void ActController::print()
{
    if (!m_data || printing())
        return;
    const QString path = savePath(QStringLiteral("act-%1").arg(m_data->certificate.serialHex));
    if (Error e = ActRenderer(*m_data, language()).writePdf(path)) {
        m_error = ErrorCode::PrintFailed;
        qCWarning(lcAct) << e.logText();
        emit changed();
        return;
    }
    m_lastSaved = path;
    qCInfo(lcAct) << "act saved as" << path;
    m_printed = false;
    submit(path, QStringLiteral("Act %1").arg(m_data->certificate.serialHex), Document::Act);
}

void ActController::printSlip(const QString &requestNumber, const QString &owner,
                              const QString &identifier)
{
    if (printing())
        return;
    SlipData slip{requestNumber, owner, identifier, QDate::currentDate(), m_bank};
    const QString path = savePath(QStringLiteral("slip-%1").arg(requestNumber));
    if (Error e = writeSlipPdf(slip, language(), path)) {
        m_error = ErrorCode::PrintFailed;
        qCWarning(lcAct) << e.logText();
        emit changed();
        return;
    }
    m_slipPrinted = false;
    submit(path, QStringLiteral("Slip %1").arg(requestNumber), Document::Slip);
}

QString ActController::printSummary(SittingSummary summary)
{
    summary.bank = m_bank; // the bank's name and contacts, as on the acts
    const QString path = savePath(QStringLiteral("sitting-%1").arg(summary.id));
    if (Error e = writeSittingSummaryPdf(summary, language(), path)) {
        m_error = ErrorCode::PrintFailed;
        qCWarning(lcAct) << e.logText();
        emit changed();
        return {};
    }
    qCInfo(lcAct) << "sitting summary saved as" << path;
    m_summaryPrinted = false;
    const QString title = QStringLiteral("Sitting %1").arg(summary.id);
    if (printing()) // the last signer's act is still printing: the summary follows it
        m_queuedSummary = {path, title};
    else
        submit(path, title, Document::Summary);
    return path;
}

QImage ActImageProvider::requestImage(const QString &, QSize *size, const QSize &requestedSize)
{
    const int width = requestedSize.width() > 0 ? requestedSize.width() : 600;
    QImage image = m_act->preview(width);
    if (image.isNull()) {
        image = QImage(width, int(width * 297.0 / 210.0), QImage::Format_RGB32);
        image.fill(Qt::white);
    }
    if (size)
        *size = image.size();
    return image;
}

} // namespace kk
