#pragma once
// The operator commands (requests, approve, reject, revoke, abonents, certificates, audit),
// run inside the RA for an operator the admin socket identified by peer credentials
// (docs/architecture.md, "The bank's side of the roles", Operators). The CLI only sends them; it
// never opens the database.

#include "store.h"

#include <QMap>
#include <QStringList>

namespace kk::ra {

// What a command prints, and who asked (the account from SO_PEERCRED, never from the CLI).
struct Out
{
    QString who;
    QString text;
    void print(const char *format, ...) __attribute__((format(printf, 2, 3)));
    int fail(const QString &message); // the line, and exit code 1
};

struct OperatorFile
{
    QString name;
    QByteArray content; // read by the CLI: the RA need not reach the operator's files
};

struct OperatorRequest
{
    QStringList args;               // "approve", "7"
    QMap<QString, QString> options; // "reason", "status", "sitting", "uid", ..., "role"
    QVector<OperatorFile> files;    // certificates import
};

// [admin] in ra.conf: which system accounts have which role.
struct OperatorRoles
{
    QStringList operators;      // approve and reject requests
    QStringList auditors;       // read the register and the audit log
    QStringList administrators; // revoke, and keep the register of abonents and certificates
    QStringList of(const QString &account) const;
};

bool isOperatorCommand(const QString &command);
// Reads the register only (every role may; the CLI may run it with the RA stopped).
bool isReadingCommand(const OperatorRequest &request);
// The command's exit code; what it printed is in out.text.
int runOperatorCommand(Store &store, const OperatorRoles &roles, const OperatorRequest &request,
                       Out &out);

} // namespace kk::ra
