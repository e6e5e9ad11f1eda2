#pragma once
// One logging category per module; staff filter with QT_LOGGING_RULES="kk.token.debug=true".
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcToken)
Q_DECLARE_LOGGING_CATEGORY(lcPcsc)
Q_DECLARE_LOGGING_CATEGORY(lcUdev)
Q_DECLARE_LOGGING_CATEGORY(lcPresence)
Q_DECLARE_LOGGING_CATEGORY(lcStatus)
Q_DECLARE_LOGGING_CATEGORY(lcEnroll)
Q_DECLARE_LOGGING_CATEGORY(lcEntropy)
Q_DECLARE_LOGGING_CATEGORY(lcWorkflow)
Q_DECLARE_LOGGING_CATEGORY(lcKiosk)
Q_DECLARE_LOGGING_CATEGORY(lcAct)

namespace kk {
// Under systemd, with stderr connected to journald (JOURNAL_STREAM names it), every line
// starts with its syslog priority ("<3>" critical, "<4>" warning, "<6>" info, "<7>" debug), so
// that staff filter the journal with `journalctl -p warning`. Elsewhere Qt's own format stays.
void installLogFormat();
// Whether stderr is the journal stream systemd named in JOURNAL_STREAM ("device:inode").
bool stderrIsJournal();
// sd-daemon(3) priority digit of a Qt message type.
char syslogPriority(QtMsgType type);
// One line to stderr: "<priority>[stamp ]category: [scope]message", newlines folded; aborts
// on a fatal message. The kiosk's journald format and the RA's (with a UTC stamp and the
// exchange as scope) both.
void writeLogLine(QtMsgType type, const QMessageLogContext &context, const QString &stamp,
                  const QString &scope, const QString &message);
} // namespace kk
