#pragma once
// The error catalogue. Every failure the client can meet has a stable code and id (staff
// quote it, support looks it up); the client sees a translated message, and the technical
// detail goes only to the log.

#include "keykiosk/enums.h"
#include <QObject>
#include <QString>

namespace kk {

// Stable id, e.g. "KK-105". Never changes once shipped.
QString errorId(ErrorCode code);
// The message for the client in the current UI language.
QString clientMessage(ErrorCode code);
// All codes, for catalogue checks.
QList<ErrorCode> allErrorCodes();

// A failure: what the client is told (code) and what staff read in the log (detail).
struct Error
{
    ErrorCode code = ErrorCode::None;
    QString detail;

    Error() = default;
    Error(ErrorCode c, QString d = {}) : code(c), detail(std::move(d)) {}
    bool isError() const { return code != ErrorCode::None; }
    explicit operator bool() const { return isError(); }
    QString logText() const;
};

} // namespace kk

Q_DECLARE_METATYPE(kk::Error)
