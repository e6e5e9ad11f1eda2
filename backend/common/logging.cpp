#include "keykiosk/logging.h"

#include <cstdio>
#include <sys/stat.h>

Q_LOGGING_CATEGORY(lcToken, "kk.token", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPcsc, "kk.pcsc", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUdev, "kk.udev", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPresence, "kk.presence", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStatus, "kk.status", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEnroll, "kk.enroll", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEntropy, "kk.entropy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWorkflow, "kk.workflow", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKiosk, "kk.kiosk", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAct, "kk.act", QtInfoMsg)

namespace kk {

char syslogPriority(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return '7';
    case QtInfoMsg:
        return '6';
    case QtWarningMsg:
        return '4';
    case QtCriticalMsg:
        return '3';
    case QtFatalMsg:
        return '2';
    }
    return '6';
}

void writeLogLine(QtMsgType type, const QMessageLogContext &context, const QString &stamp,
                  const QString &scope, const QString &message)
{
    const QByteArray line = QStringLiteral("<%1>%2%3: %4%5\n")
                                .arg(QLatin1Char(syslogPriority(type)))
                                .arg(stamp.isEmpty() ? QString() : stamp + QLatin1Char(' '))
                                .arg(QLatin1String(context.category ? context.category : "default"))
                                .arg(scope)
                                .arg(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')))
                                .toUtf8();
    std::fwrite(line.constData(), 1, std::size_t(line.size()), stderr);
    if (type == QtFatalMsg)
        std::abort();
}

namespace {
void writeJournalLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    writeLogLine(type, context, {}, {}, message); // journald adds the time
}
} // namespace

bool stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const int colon = stream.indexOf(':');
    struct stat st
    {
    };
    if (colon <= 0 || ::fstat(2, &st) != 0)
        return false;
    bool okDevice = false, okInode = false;
    const qulonglong device = stream.left(colon).toULongLong(&okDevice);
    const qulonglong inode = stream.mid(colon + 1).toULongLong(&okInode);
    return okDevice && okInode && device == qulonglong(st.st_dev) && inode == qulonglong(st.st_ino);
}

void installLogFormat()
{
    if (stderrIsJournal())
        qInstallMessageHandler(writeJournalLine);
}

} // namespace kk
